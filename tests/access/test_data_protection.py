"""Data protection: a subject-access export of everything held on a child, and anonymisation
of records past the retention period (checked a day either side of it)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from homeward.access import retention
from homeward.access.audit import trail_for_child
from homeward.accounts.models import AuditEntry, AuditTrailIsPermanent, Role
from homeward.casework.episodes import record_found, report_episode
from homeward.children.models import Child, FindMePlan
from homeward.episodes.models import Episode, Event
from homeward.interviews.models import ConfirmedFinding, ReturnInterview
from homeward.meetings.models import Meeting
from homeward.notifications.models import Kind, Message
from homeward.obligations.models import Obligation
from tests.factories import AuthorityFactory, ChildFactory, UserFactory, signed_in

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def a_full_record(born: date = date(2011, 4, 2), episode_at: datetime | None = None) -> Child:
    child = ChildFactory(
        first_name="Kayleigh",
        last_name="Pritchard",
        known_as="Kay",
        aliases="KP, Kayla",
        school="Hereford Academy",
        mobile_phone="07700 900123",
        date_of_birth=born,
    )
    child.photo.save("kay.png", ContentFile(b"\x89PNG fake but stored"), save=True)
    FindMePlan.objects.create(child=child, likely_places="Her aunt's flat on Widemarsh Street")
    at = episode_at or timezone.now() - timedelta(hours=30)
    episode = report_episode(
        child,
        category="missing",
        reported_at=at,
        last_seen_at=None,
        police_informed=True,
        police_reference="WMP-26-004455",
        answers={
            "wearing": "Pink Nike hoodie",
            "with_whom": "Tyler, 19",
            "associates": ["Tyler, 19"],
            "places": ["Widemarsh Street"],
        },
        by=None,
    )
    record_found(episode, at=at + timedelta(hours=20), where="Tyler's flat", by=None)
    told = UserFactory(role=Role.MISSING_COORDINATOR)
    when = timezone.now()
    for kind, obligation, body in (
        (Kind.TEAM_MANAGER, Obligation.objects.filter(child=child).first(), f"Overdue for {child.name}."),
        (Kind.DIGEST, None, f"Due today: a visit for {child.name}; a call for Sam Other."),
    ):
        Message.objects.create(
            recipient=told,
            kind=kind,
            obligation=obligation,
            day=None if obligation else when.date(),
            subject="Overdue: C1" if obligation else "Your work today",
            body=body,
            link="/",
            message_id=f"<{kind}-{child.pk}@homeward.invalid>",
            created_at=when,
            next_attempt_at=when,
        )
    interview = ReturnInterview.objects.create(
        episode=episode, offered_at=at + timedelta(hours=21), account_why="Went to see Tyler"
    )
    ConfirmedFinding.objects.create(
        interview=interview,
        key="place-tylers-flat",
        kind="place",
        text="Tyler's flat, Bath Street",
        written_to="likely_places",
        plan_version=1,
        confirmed_at=at + timedelta(days=1),
    )
    Meeting.objects.create(
        child=child,
        kind="strategy",
        held_at=at + timedelta(hours=2),
        attendees="DS Malik",
        decisions="Visit Tyler",
    )
    return child


def test_the_subject_access_export_holds_everything_on_the_child() -> None:
    child = a_full_record()
    coordinator = UserFactory(role=Role.MISSING_COORDINATOR, first_name="Dana")
    response = signed_in(coordinator).get(f"/children/{child.pk}/subject-access/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="subject-access-C{child.pk}.json"'
    document = json.loads(response.content)
    assert document["format"] == "homeward-subject-access/1"
    assert document["child"]["aliases"] == "KP, Kayla"
    assert document["photo"]["name"] == child.photo.name
    assert document["find_me_plan"][0]["likely_places"].startswith("Her aunt's flat")
    assert document["episodes"][0]["wearing"] == "Pink Nike hoodie"
    assert {e["type"] for e in document["timeline"]} >= {"reported", "found"}
    assert document["return_interviews"][0]["account_why"] == "Went to see Tyler"
    assert document["interview_findings_confirmed"][0]["text"] == "Tyler's flat, Bath Street"
    assert document["meetings"][0]["attendees"] == "DS Malik"
    assert document["obligations"], "what the protocol asked is held too"
    assert document["episodes"][0]["associates"] == ["Tyler, 19"]
    assert [m["body"] for m in document["messages"]] == ["Overdue for Kayleigh Pritchard (Kay)."]
    # The export is itself on the trail it includes: who asked, when and from where.
    [asked] = [row for row in document["audit_trail"] if row["who"].startswith("Dana")]
    assert asked["action"] == "access" and asked["from"] == "127.0.0.1"


def test_only_the_coordinator_or_a_senior_manager_may_export() -> None:
    child = a_full_record()
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    child.allocated_worker = worker
    child.save()
    assert signed_in(worker).get(f"/children/{child.pk}/subject-access/").status_code == 404
    other = UserFactory(
        role=Role.MISSING_COORDINATOR, organisation=AuthorityFactory(name="Powys County Council")
    )
    assert signed_in(other).get(f"/children/{child.pk}/subject-access/").status_code == 404


def test_the_subject_access_command_writes_the_same_document(tmp_path: Path) -> None:
    child = a_full_record()
    out = tmp_path / "sar.json"
    call_command("subject_access", f"C{child.pk}", "--out", str(out), stderr=StringIO())
    document = json.loads(out.read_text())
    assert document["child"]["first_name"] == "Kayleigh"
    assert len(document["episodes"]) == 1
    with pytest.raises(CommandError, match="child: there is no child C999999"):
        call_command("subject_access", "C999999")
    with pytest.raises(CommandError, match="is not a child's reference"):
        call_command("subject_access", "Kayleigh")


def test_a_record_is_kept_whole_until_the_retention_period_after_18_and_the_last_event(settings: Any) -> None:
    settings.HOMEWARD_RETENTION_YEARS = 7
    born = date(2001, 6, 15)
    # Last seen missing at 16, so the period runs from the 18th birthday: kept until 15 June 2026.
    child = a_full_record(born=born, episode_at=datetime(2017, 9, 1, 22, 0, tzinfo=LONDON))
    assert retention.kept_until(child, child.events.latest("at").at) == date(2026, 6, 15)
    assert retention.expired(date(2026, 6, 15)) == []
    [due] = retention.expired(date(2026, 6, 16))
    assert due.child == child


def test_a_later_event_extends_the_period(settings: Any) -> None:
    settings.HOMEWARD_RETENTION_YEARS = 7
    child = a_full_record(born=date(2001, 6, 15), episode_at=datetime(2020, 3, 1, 10, 0, tzinfo=LONDON))
    last = timezone.localtime(child.events.latest("at").at).date()
    assert retention.kept_until(child, child.events.latest("at").at) == last.replace(year=last.year + 7)
    assert retention.expired(last.replace(year=2027)) == []
    assert retention.expired(last.replace(year=2027) + timedelta(days=1))


def test_anonymising_removes_what_identifies_the_child_and_keeps_what_counts(
    settings: Any, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    settings.HOMEWARD_RETENTION_YEARS = 7
    child = a_full_record(born=date(2001, 6, 15), episode_at=datetime(2017, 9, 1, 22, 0, tzinfo=LONDON))
    worker = UserFactory(role=Role.MISSING_COORDINATOR)
    signed_in(worker).get(f"/children/{child.pk}/")
    events_before = list(Event.objects.filter(child=child).values_list("type", "at", "data"))
    photo = media / child.photo.name
    assert photo.exists()

    out = StringIO()
    call_command("anonymise_expired", "--dry-run", stdout=out)
    assert "1 record would be anonymised" in out.getvalue()
    assert Child.objects.get(pk=child.pk).first_name == "Kayleigh"

    # The photograph's file goes once the anonymisation commits.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("anonymise_expired", stdout=out)
    child.refresh_from_db()
    assert (child.first_name, child.known_as, child.aliases, child.school, child.mobile_phone) == (
        retention.ANONYMISED,
        "",
        "",
        "",
        "",
    )
    assert child.date_of_birth == date(2001, 1, 1) and not child.photo and not photo.exists()
    assert not FindMePlan.objects.filter(child=child).exists()
    episode = Episode.objects.get(child=child)
    assert (episode.wearing, episode.with_whom, episode.found_where, episode.police_reference) == (
        "",
        "",
        "",
        "",
    )
    assert episode.category == "missing" and episode.found_at is not None
    assert (episode.associates, episode.places) == ([], [])
    # What people were told no longer names her; the digest keeps the other child's line.
    bodies = " ".join(Message.objects.values_list("body", flat=True))
    assert "Kayleigh" not in bodies and "Sam Other" in bodies
    assert ReturnInterview.objects.get(episode=episode).account_why == ""
    assert list(ConfirmedFinding.objects.values_list("kind", "written_to", "text")) == [
        ("place", "likely_places", "")
    ]
    assert Meeting.objects.get(child=child).attendees == ""
    # The protocol facts stay, so the record still counts and still replays.
    assert list(Event.objects.filter(child=child).values_list("type", "at", "data")) == events_before
    assert not Event.objects.filter(child=child).exclude(details={}).exists()
    # The trail keeps who looked when, but no longer names the child or holds old values.
    text = json.dumps([[e.object_repr, e.changes, e.changes_text] for e in trail_for_child(child)])
    for detail in ("Kayleigh", "Pritchard", "Pink Nike", "Tyler", "Hereford Academy"):
        assert detail not in text, detail
    assert trail_for_child(child).filter(actor=worker, action=AuditEntry.Action.ACCESS).exists()
    assert trail_for_child(child).filter(additional_data__retention__isnull=False).exists()
    # Done once: the next run finds nothing, and the trail still refuses every other change.
    assert retention.expired(date(2030, 1, 1)) == []
    with pytest.raises(AuditTrailIsPermanent):
        AuditEntry.objects.filter(object_pk=str(child.pk)).update(object_repr="x")


def test_a_record_inside_the_period_is_left_alone(settings: Any) -> None:
    settings.HOMEWARD_RETENTION_YEARS = 7
    child = a_full_record()
    call_command("anonymise_expired", stdout=StringIO())
    child.refresh_from_db()
    assert child.first_name == "Kayleigh" and child.photo
