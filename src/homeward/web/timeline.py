"""A child's single timeline: events, interviews, meetings and case notes in one list, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from homeward.children.models import Child, Establishment
from homeward.episodes.models import Category, Episode, Event, RiskLevel
from homeward.interviews.models import ReturnInterview
from homeward.meetings.models import Meeting
from homeward.notes.models import Note


@dataclass(frozen=True)
class Entry:
    at: datetime
    title: str
    detail: str
    by: str
    link: str | None = None


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
        return f"{ref}Found{' at ' + where if where else ''}", (
            f"by {details['found_by']}" if details.get("found_by") else ""
        )
    if event.type == "completed":
        kind = str(data.get("kind", "")).replace("_", " ")
        recipient = f" ({str(data['recipient']).replace('_', ' ')})" if data.get("recipient") else ""
        outcome = str(data.get("outcome", "done")).replace("_", " ")
        return f"{ref}{kind.capitalize()}{recipient}: {outcome}", data.get("reason") or details.get(
            "note", ""
        )
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


def for_child(child: Child) -> list[Entry]:
    entries: list[Entry] = []
    events = list(child.events.select_related("episode", "recorded_by").order_by("-at", "-id"))
    # Every home named on the timeline in one query, however many placements the child has had.
    homes = Establishment.objects.in_bulk(
        [e.data.get("establishment") for e in events if e.type == "placement_started"]
    )
    for event in events:
        title, detail = describe(event, homes)
        by = str(event.recorded_by.get_full_name()) if event.recorded_by else ""
        link = f"/episodes/{event.episode_id}/" if event.episode_id else None
        entries.append(Entry(event.at, title, detail, by, link))
    for interview in ReturnInterview.objects.filter(episode__child=child).select_related(
        "held_by", "episode"
    ):
        if interview.held_at:
            who = interview.held_by.get_full_name() if interview.held_by else ""
            entries.append(
                Entry(
                    interview.held_at,
                    f"{interview.episode.reference}: Return home interview held",
                    interview.get_method_display(),
                    who,
                    f"/return-interviews/{interview.pk}/",
                )
            )
        entries.append(
            Entry(
                interview.offered_at,
                f"{interview.episode.reference}: Return home interview offered",
                interview.get_response_display(),
                "",
                f"/return-interviews/{interview.pk}/",
            )
        )
    for meeting in Meeting.objects.filter(child=child):
        entries.append(
            Entry(
                meeting.held_at,
                meeting.get_kind_display(),
                meeting.decisions[:200],
                meeting.chair,
                f"/meetings/{meeting.pk}/",
            )
        )
    entries.extend(note_entry(note) for note in child.notes.select_related("episode", "recorded_by"))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries


def note_entry(note: Note) -> Entry:
    """A case note on a timeline: it opens on its episode's page, behind the episode's access."""
    who = note.recorded_by.get_full_name() if note.recorded_by else ""
    text = note.text if len(note.text) <= 200 else note.text[:199] + "…"
    return Entry(
        note.happened_at,
        f"{note.episode.reference}: Case note: {note.get_kind_display().lower()}",
        text,
        who,
        f"/episodes/{note.episode_id}/#note-{note.pk}",
    )


def for_episode(episode: Episode) -> list[Entry]:
    """One episode's timeline: its events and case notes, newest first."""
    entries: list[Entry] = []
    for event in episode.events.select_related("episode", "recorded_by").order_by("-at", "-id"):
        title, detail = describe(event)
        by = str(event.recorded_by.get_full_name()) if event.recorded_by else ""
        entries.append(Entry(event.at, title, detail, by))
    entries.extend(note_entry(note) for note in episode.notes.select_related("episode", "recorded_by"))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries
