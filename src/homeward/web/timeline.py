"""A child's single timeline (and an episode's): events, interviews, meetings and case notes in one
list, newest first.

Each entry is shown only to a reader who may open its own page (``Reader``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Model

from homeward.access.relationships import child_of
from homeward.access.visible import visible_episodes
from homeward.accounts.models import User
from homeward.children.models import Child, Establishment
from homeward.episodes.models import Category, Episode, Event, RiskLevel
from homeward.interviews.models import ReturnInterview
from homeward.meetings.models import OBLIGATION_KIND, Meeting
from homeward.notes.models import Note
from homeward.queries.duties import kind_label
from homeward.records.models import DutyRecord

# The kinds a reader may filter a timeline by, in the order the filter offers them.
KINDS: dict[str, str] = {
    "episode": "Missing episodes",
    "risk": "Risk gradings",
    "duty": "Duties done",
    "interview": "Return home interviews",
    "meeting": "Meetings",
    "note": "Case notes",
    "record": "Visits and checks",
    "placement": "Placements",
}

# What a closed duty's outcome says on the timeline ("Safe and well check done").
OUTCOME_WORDS = {
    "done": "done",
    "declined": "declined",
    "not_required": "marked not required",
    "cancelled": "no longer needed",
}

# A return home interview's findings are long free text: the timeline shows the start of each.
FINDING_LENGTH = 160


@dataclass(frozen=True)
class Entry:
    at: datetime
    title: str
    detail: str
    by: str
    link: str | None = None
    kind: str = "episode"
    # A risk grading's level (the summary's "current risk"); empty for any other entry.
    level: str = ""
    # A held return home interview's headline findings (label, text): on its readers' entries only.
    findings: tuple[tuple[str, str], ...] = ()


def _kind_of(event: Event) -> str:
    if event.type == "risk_graded":
        return "risk"
    if event.type == "completed":
        return "duty"
    if event.type in ("placement_started", "director_reviewed"):
        return "placement"
    return "episode"


def _short(text: str, length: int = FINDING_LENGTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def findings(interview: ReturnInterview) -> tuple[tuple[str, str], ...]:
    """The headline of what the child said and what follows: for whoever may read the interview."""
    rows = [
        ("Where they went", interview.account_where),
        ("Who with", interview.account_with_whom),
        ("Why, in their words", interview.account_why),
        ("Harm or risk of harm", interview.harm),
        ("Signs of exploitation", ", ".join(interview.indicator_labels())),
        ("Referrals made", interview.referrals),
    ]
    return tuple((label, _short(text)) for label, text in rows if text.strip())


def _completed(event: Event) -> str:
    """A closed duty in practitioners' words: "Told the IRO", "Return home interview declined"."""
    data = event.data
    kind, recipient = str(data.get("kind", "")), str(data.get("recipient") or "")
    outcome = str(data.get("outcome", "done"))
    label = kind_label(kind, recipient)
    if outcome == "done" and label.startswith("Tell "):
        return "Told " + label.removeprefix("Tell ")
    words = OUTCOME_WORDS.get(outcome, outcome.replace("_", " "))
    return f"{label} {words}" if not label.startswith("Tell ") else f"{label}: {words}"


def _label(choices: type, value: str) -> str:
    try:
        return str(choices(value).label).lower()
    except ValueError:
        return value


def describe(event: Event, homes: dict[int, Establishment] | None = None) -> tuple[str, str]:
    data, details = event.data, event.details
    ref = f"{event.episode.reference}: " if event.episode_id and event.episode else ""
    if event.type == "reported":
        police = "" if data.get("police_informed", True) else " (police not yet told)"
        return f"{ref}Reported {_label(Category, data['category'])}{police}", details.get(
            "police_reference", ""
        )
    if event.type == "reclassified":
        return f"{ref}Reclassified as {_label(Category, data['category'])}", details.get("reason", "")
    if event.type == "risk_graded":
        return f"{ref}Risk graded {_label(RiskLevel, data['level'])}", details.get("rationale", "")
    if event.type == "police_informed":
        return f"{ref}Police informed", details.get("police_reference", "")
    if event.type == "found":
        where = details.get("where")
        found_by = str(details.get("found_by") or "")
        # Some answers already say "Found by ...": not "by Found by parent".
        by = (
            found_by
            if found_by.lower().startswith("found by")
            else f"Found by {found_by}"
            if found_by
            else ""
        )
        return f"{ref}Found{' at ' + where if where else ''}", by
    if event.type == "completed":
        return f"{ref}{_completed(event)}", data.get("reason") or details.get("note", "")
    if event.type == "placement_started":
        place = (
            homes.get(data.get("establishment", 0))
            if homes is not None
            else Establishment.objects.filter(pk=data.get("establishment")).first()
        )
        emergency = " (emergency)" if data.get("emergency") else ""
        return f"Placement started{emergency}", str(place or "")
    if event.type == "media_interest":
        return f"{ref}Media interest", details.get("note", "")
    if event.type == "director_reviewed":
        return "Director reviewed the case", ""
    return event.get_type_display(), ""


class Reader:
    """What one person may open, asked once per record: each timeline entry is shown only if its
    own page would open for them (README "Who sees what"), with the same predicate that page checks."""

    def __init__(self, user: User) -> None:
        self.user = user
        self._asked: dict[tuple[str, int], bool] = {}
        self._episodes: dict[int, bool] = {}

    def may(self, perm: str, obj: Model) -> bool:
        """``perm`` on a child's record. Interviews and meetings open by the reader's relationship
        to the child (access.relationships), so one answer per child serves all of its records."""
        child = child_of(obj)
        key = (perm, child.pk if child is not None else -1)
        if key not in self._asked:
            self._asked[key] = self.user.has_perm(perm, obj)
        return self._asked[key]

    def opens_episodes(self, pks: Iterable[int]) -> None:
        """Ask once for many episodes: ``visible_episodes`` is the list form of "episodes.view_episode"."""
        wanted = set(pks) - set(self._episodes)
        if wanted:
            opens = set(visible_episodes(self.user).filter(pk__in=wanted).values_list("pk", flat=True))
            self._episodes.update({pk: pk in opens for pk in wanted})

    def opens_episode(self, pk: int) -> bool:
        self.opens_episodes([pk])
        return self._episodes[pk]

    def sees_record_of(self, event: Event) -> bool:
        """A completion made by recording an interview or a meeting carries that record's words
        (the child's reason for refusing, what the meeting decided): shown to its readers only."""
        if event.type != "completed" or event.episode is None:
            return True
        kind = str(event.data.get("kind", ""))
        if kind == "return_interview":
            return self.may("interviews.view_returninterview", event.episode)
        if kind in MEETING_KINDS:
            return self.may("meetings.view_meeting", event.episode)
        return True

    def private_kinds(self, record: Model) -> frozenset[str]:
        """The obligation kinds whose closing reason this reader may not read on ``record`` (a child
        or an episode): a return interview's is the child's reason for refusing it."""
        kinds: set[str] = set()
        if not self.may("interviews.view_returninterview", record):
            kinds.add("return_interview")
        if not self.may("meetings.view_meeting", record):
            kinds |= MEETING_KINDS
        return frozenset(kinds)


MEETING_KINDS = frozenset(OBLIGATION_KIND.values())


def _entries(
    events: list[Event],
    interviews: Iterable[ReturnInterview],
    meetings: Iterable[Meeting],
    notes: Iterable[Note],
    reader: Reader,
    records: Iterable[DutyRecord] = (),
) -> list[Entry]:
    entries: list[Entry] = []
    # Every home named on the timeline in one query, however many placements the child has had.
    homes = Establishment.objects.in_bulk(
        [e.data.get("establishment") for e in events if e.type == "placement_started"]
    )
    reader.opens_episodes(e.episode_id for e in events if e.episode_id is not None)
    for event in events:
        if event.episode_id is not None and not reader.opens_episode(event.episode_id):
            continue
        title, detail = describe(event, homes)
        if not reader.sees_record_of(event):
            detail = ""
        by = str(event.recorded_by.get_full_name()) if event.recorded_by else ""
        link = f"/episodes/{event.episode_id}/" if event.episode_id else None
        level = str(event.data.get("level", "")) if event.type == "risk_graded" else ""
        entries.append(Entry(event.at, title, detail, by, link, _kind_of(event), level))
    # A withdrawal is not an engine event (REPLAY.md has none): it is on the episode itself.
    withdrawn = {e.episode_id: e.episode for e in events if e.episode is not None and e.episode.withdrawn_at}
    for episode in withdrawn.values():
        if reader.opens_episode(episode.pk) and episode.withdrawn_at is not None:
            who = episode.withdrawn_by.get_full_name() if episode.withdrawn_by else ""
            entries.append(
                Entry(
                    episode.withdrawn_at,
                    f"{episode.reference}: Report withdrawn",
                    episode.withdrawal_reason,
                    who,
                    f"/episodes/{episode.pk}/",
                    "episode",
                )
            )
    for interview in interviews:
        if not reader.may("interviews.view_returninterview", interview):
            continue
        if interview.held_at:
            who = interview.held_by.get_full_name() if interview.held_by else ""
            entries.append(
                Entry(
                    interview.held_at,
                    f"{interview.episode.reference}: Return home interview held",
                    interview.get_method_display(),
                    who,
                    f"/return-interviews/{interview.pk}/",
                    "interview",
                    findings=findings(interview),
                )
            )
        offered_by = interview.offered_by.get_full_name() if interview.offered_by else ""
        entries.append(
            Entry(
                interview.offered_at,
                f"{interview.episode.reference}: Return home interview offered",
                interview.get_response_display(),
                offered_by,
                f"/return-interviews/{interview.pk}/",
                "interview",
            )
        )
    for meeting in meetings:
        if not reader.may("meetings.view_meeting", meeting):
            continue
        entries.append(
            Entry(
                meeting.held_at,
                meeting.get_kind_display(),
                meeting.decisions[:200],
                meeting.chair,
                f"/meetings/{meeting.pk}/",
                "meeting",
            )
        )
    # A case note opens on its episode's page, behind the episode's access.
    entries.extend(note_entry(note) for note in notes if reader.opens_episode(note.episode_id))
    # So does a duty record (a safe and well check, a return plan ...): its own page, the same access.
    entries.extend(record_entry(record) for record in records if reader.opens_episode(record.episode_id))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries


def note_entry(note: Note) -> Entry:
    """A case note on a timeline."""
    who = note.recorded_by.get_full_name() if note.recorded_by else ""
    text = note.text if len(note.text) <= 200 else note.text[:199] + "…"
    return Entry(
        note.happened_at,
        f"{note.episode.reference}: Case note: {note.get_kind_display().lower()}",
        text,
        who,
        f"/episodes/{note.episode_id}/#note-{note.pk}",
        "note",
    )


def record_entry(record: DutyRecord) -> Entry:
    """A duty record on a timeline."""
    who = record.recorded_by.get_full_name() if record.recorded_by else ""
    met = f" (meets: {record.meets.title})" if record.meets else ""
    return Entry(
        record.happened_at,
        f"{record.episode.reference}: {record.label}{met}",
        record.summary(),
        who,
        f"/records/{record.pk}/",
        "record",
    )


def for_child(child: Child, user: User, reader: Reader | None = None) -> list[Entry]:
    """The child's whole timeline, as far as ``user`` may open each entry (``reader``: one the page
    asks again, so each permission is asked once per page)."""
    events = list(
        child.events.select_related("episode__child", "episode__withdrawn_by", "recorded_by").order_by(
            "-at", "-id"
        )
    )
    interviews = ReturnInterview.objects.filter(episode__child=child).select_related(
        "held_by", "offered_by", "episode", "episode__child"
    )
    meetings = Meeting.objects.filter(child=child).select_related("child")
    notes = child.notes.select_related("episode", "recorded_by")
    records = child.duty_records.select_related("episode", "recorded_by", "meets")
    return _entries(events, interviews, meetings, notes, reader or Reader(user), records)


def for_episode(episode: Episode, user: User) -> list[Entry]:
    """One episode's timeline: its events, interviews, meetings and case notes, checked the same way."""
    events = list(
        episode.events.select_related("episode__child", "episode__withdrawn_by", "recorded_by").order_by(
            "-at", "-id"
        )
    )
    interviews = episode.return_interviews.select_related(
        "held_by", "offered_by", "episode", "episode__child"
    )
    meetings = episode.meetings.select_related("child")
    notes = episode.notes.select_related("episode", "recorded_by")
    records = episode.duty_records.select_related("episode", "recorded_by", "meets")
    return _entries(events, interviews, meetings, notes, Reader(user), records)


@dataclass(frozen=True)
class Page:
    """The part of a timeline a page shows: one kind or all, the newest ``shown`` entries of it."""

    entries: list[Entry]
    kind: str
    total: int
    folded: bool
    counts: dict[str, int]
    latest_risk: Entry | None

    @property
    def kinds(self) -> list[tuple[str, str, int]]:
        """(kind, label, count) for every kind the timeline has, in KINDS' order."""
        return [(kind, label, self.counts[kind]) for kind, label in KINDS.items() if self.counts.get(kind)]


def page(entries: list[Entry], *, kind: str = "", show_all: bool = False, fold_at: int) -> Page:
    """Filter ``entries`` (newest first) to ``kind`` and fold all but the newest ``fold_at``: a child
    with years of history renders a screenful, not every entry (issue 20)."""
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry.kind] = counts.get(entry.kind, 0) + 1
    kind = kind if kind in KINDS else ""
    chosen = [e for e in entries if e.kind == kind] if kind else entries
    folded = not show_all and len(chosen) > fold_at
    latest_risk = next((e for e in entries if e.kind == "risk"), None)
    return Page(chosen[:fold_at] if folded else chosen, kind, len(chosen), folded, counts, latest_risk)
