"""A child's single timeline (and an episode's): events, interviews, meetings and case notes in one
list, newest first.

Each entry is shown only to a reader who may open its own page (``Reader``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

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

R = TypeVar("R", Note, DutyRecord)

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
    return _kind_of_type(event.type)


def _kind_of_type(type_: str) -> str:
    if type_ == "risk_graded":
        return "risk"
    if type_ == "completed":
        return "duty"
    if type_ in ("placement_started", "director_reviewed"):
        return "placement"
    return "episode"


@dataclass(frozen=True)
class Pending:
    """An entry known by its time and kind, its words found only if it is shown: a child's page
    counts and sorts years of history but describes a screenful (issue 20)."""

    at: datetime
    kind: str
    # An event's id (described in one query with the others shown), or a ready entry's maker.
    event: int | None = None
    make: Callable[[], Entry] | None = field(default=None, compare=False)


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


def _pending(
    events: Sequence[tuple[int, datetime, str, int | None]],
    withdrawn: Iterable[Episode],
    interviews: Iterable[ReturnInterview],
    meetings: Iterable[Meeting],
    notes: Iterable[Note],
    reader: Reader,
    records: Iterable[DutyRecord] = (),
) -> list[Pending]:
    """Every entry ``reader`` may open, newest first, described later (``_described``).

    ``events`` are (id, at, type, episode id), newest first: no event is read whole here.
    """
    pending: list[Pending] = []
    reader.opens_episodes(episode for _, _, _, episode in events if episode is not None)
    for pk, at, type_, episode_id in events:
        if episode_id is not None and not reader.opens_episode(episode_id):
            continue
        pending.append(Pending(at, _kind_of_type(type_), event=pk))
    # A withdrawal is not an engine event (REPLAY.md has none): it is on the episode itself.
    for episode in withdrawn:
        if reader.opens_episode(episode.pk) and episode.withdrawn_at is not None:
            pending.append(Pending(episode.withdrawn_at, "episode", make=_withdrawal(episode)))
    for interview in interviews:
        if not reader.may("interviews.view_returninterview", interview):
            continue
        if interview.held_at:
            pending.append(Pending(interview.held_at, "interview", make=_interview_held(interview)))
        pending.append(Pending(interview.offered_at, "interview", make=_interview_offered(interview)))
    for meeting in meetings:
        if reader.may("meetings.view_meeting", meeting):
            pending.append(Pending(meeting.held_at, "meeting", make=_meeting(meeting)))
    # A case note opens on its episode's page, behind the episode's access.
    pending.extend(
        Pending(note.happened_at, "note", make=_maker(note_entry, note))
        for note in notes
        if reader.opens_episode(note.episode_id)
    )
    # So does a duty record (a safe and well check, a return plan ...): its own page, the same access.
    pending.extend(
        Pending(record.happened_at, "record", make=_maker(record_entry, record))
        for record in records
        if reader.opens_episode(record.episode_id)
    )
    pending.sort(key=lambda p: p.at, reverse=True)
    return pending


def _maker(build: Callable[[R], Entry], record: R) -> Callable[[], Entry]:
    return lambda: build(record)


def _withdrawal(episode: Episode) -> Callable[[], Entry]:
    def make() -> Entry:
        who = episode.withdrawn_by.get_full_name() if episode.withdrawn_by else ""
        return Entry(
            episode.withdrawn_at or episode.reported_at,
            f"{episode.reference}: Report withdrawn",
            episode.withdrawal_reason,
            who,
            f"/episodes/{episode.pk}/",
            "episode",
        )

    return make


def _interview_held(interview: ReturnInterview) -> Callable[[], Entry]:
    def make() -> Entry:
        who = interview.held_by.get_full_name() if interview.held_by else ""
        return Entry(
            interview.held_at or interview.offered_at,
            f"{interview.episode.reference}: Return home interview held",
            interview.get_method_display(),
            who,
            f"/return-interviews/{interview.pk}/",
            "interview",
            findings=findings(interview),
        )

    return make


def _interview_offered(interview: ReturnInterview) -> Callable[[], Entry]:
    def make() -> Entry:
        offered_by = interview.offered_by.get_full_name() if interview.offered_by else ""
        return Entry(
            interview.offered_at,
            f"{interview.episode.reference}: Return home interview offered",
            interview.get_response_display(),
            offered_by,
            f"/return-interviews/{interview.pk}/",
            "interview",
        )

    return make


def _meeting(meeting: Meeting) -> Callable[[], Entry]:
    def make() -> Entry:
        return Entry(
            meeting.held_at,
            meeting.get_kind_display(),
            meeting.decisions[:200],
            meeting.chair,
            f"/meetings/{meeting.pk}/",
            "meeting",
        )

    return make


def _event_entry(event: Event, homes: dict[int, Establishment], reader: Reader) -> Entry:
    title, detail = describe(event, homes)
    if not reader.sees_record_of(event):
        detail = ""
    by = str(event.recorded_by.get_full_name()) if event.recorded_by else ""
    link = f"/episodes/{event.episode_id}/" if event.episode_id else None
    level = str(event.data.get("level", "")) if event.type == "risk_graded" else ""
    return Entry(event.at, title, detail, by, link, _kind_of(event), level)


def _described(pending: list[Pending], reader: Reader) -> list[Entry]:
    """The entries of ``pending``, in its order: the events among them read in one query."""
    events = Event.objects.select_related("episode__child", "recorded_by").in_bulk(
        [p.event for p in pending if p.event is not None]
    )
    # Every home named in one query, however many placements are shown.
    homes = Establishment.objects.in_bulk(
        [e.data.get("establishment") for e in events.values() if e.type == "placement_started"]
    )
    entries = []
    for p in pending:
        if p.event is not None:
            entries.append(_event_entry(events[p.event], homes, reader))
        elif p.make is not None:
            entries.append(p.make())
    return entries


def _pending_for_child(child: Child, reader: Reader) -> list[Pending]:
    rows = child.events.order_by("-at", "-id").values_list(
        "id", "at", "type", "episode_id", "episode__withdrawn_at"
    )
    events = [(pk, at, type_, episode) for pk, at, type_, episode, _ in rows]
    # Withdrawn reports are rare: read whole only when the timeline has one.
    withdrawn = (
        child.episodes.filter(withdrawn_at__isnull=False).select_related("withdrawn_by")
        if any(row[4] is not None for row in rows)
        else []
    )
    interviews = ReturnInterview.objects.filter(episode__child=child).select_related(
        "held_by", "offered_by", "episode", "episode__child"
    )
    meetings = Meeting.objects.filter(child=child).select_related("child")
    notes = child.notes.select_related("episode", "recorded_by")
    records = child.duty_records.select_related("episode", "recorded_by", "meets")
    return _pending(events, withdrawn, interviews, meetings, notes, reader, records)


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
    reader = reader or Reader(user)
    return _described(_pending_for_child(child, reader), reader)


def for_episode(episode: Episode, user: User) -> list[Entry]:
    """One episode's timeline: its events, interviews, meetings and case notes, checked the same way."""
    reader = Reader(user)
    events = list(episode.events.order_by("-at", "-id").values_list("id", "at", "type", "episode_id"))
    withdrawn = [episode] if episode.withdrawn_at else []
    interviews = episode.return_interviews.select_related(
        "held_by", "offered_by", "episode", "episode__child"
    )
    meetings = episode.meetings.select_related("child")
    notes = episode.notes.select_related("episode", "recorded_by")
    records = episode.duty_records.select_related("episode", "recorded_by", "meets")
    pending = _pending(events, withdrawn, interviews, meetings, notes, reader, records)
    return _described(pending, reader)


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


def page(child: Child, reader: Reader, *, kind: str = "", show_all: bool = False, fold_at: int) -> Page:
    """The child's timeline filtered to ``kind``, all but the newest ``fold_at`` folded: a child with
    years of history is counted and sorted whole but described a screenful at a time (issue 20)."""
    pending = _pending_for_child(child, reader)
    counts: dict[str, int] = {}
    for entry in pending:
        counts[entry.kind] = counts.get(entry.kind, 0) + 1
    kind = kind if kind in KINDS else ""
    chosen = [p for p in pending if p.kind == kind] if kind else pending
    folded = not show_all and len(chosen) > fold_at
    shown = chosen[:fold_at] if folded else chosen
    risk = next((p for p in pending if p.kind == "risk"), None)
    described = _described([*shown, *([risk] if risk is not None else [])], reader)
    latest_risk = described.pop() if risk is not None else None
    return Page(described, kind, len(chosen), folded, counts, latest_risk)
