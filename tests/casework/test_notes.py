"""Case notes: the episode's chronology (002 s.10), written through the write layer, meeting the
duty they record (a carer's update, 000 G6; a risk review, 004 s.2.5), on the timelines,
searchable, in subject access, anonymised by retention and on the audit trail."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import escape

from homeward.access import retention
from homeward.access.subject_access import export_json
from homeward.accounts.models import AuditEntry, Organisation, Role
from homeward.casework.episodes import record_found, report_episode
from homeward.casework.notes import add_note, meetable
from homeward.episodes.models import Episode, Event
from homeward.notes.models import Note
from homeward.obligations.models import Obligation
from tests.conftest import Service, person
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


def local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def use_protocol(service: Service, protocol: str) -> None:
    Organisation.objects.filter(pk=service.team.organisation_id).update(protocol=protocol)
    service.child.responsible_authority.refresh_from_db()


def missing_since(service: Service, hours: float) -> Episode:
    now = timezone.now()
    return report_episode(
        service.child,
        category="missing",
        reported_at=now - timedelta(hours=hours - 0.5),
        last_seen_at=now - timedelta(hours=hours),
        police_informed=True,
        by=service.worker,
    )


def test_a_note_records_what_was_done_when_and_by_whom_and_shows_on_both_timelines(service: Service) -> None:
    episode = missing_since(service, 5)
    at = timezone.now() - timedelta(hours=1)
    note = add_note(
        episode,
        kind="search",
        at=at,
        text="Searched the park on Widemarsh Street: not there.",
        by=service.worker,
    )
    assert (note.child, note.episode, note.kind, note.happened_at, note.recorded_by) == (
        service.child,
        episode,
        "search",
        at,
        service.worker,
    )
    client = signed_in(service.worker)
    episode_page = client.get(f"/episodes/{episode.pk}/").content.decode()
    assert "Searched the park on Widemarsh Street: not there." in episode_page
    assert f'id="note-{note.pk}"' in episode_page
    assert f"{episode.reference}: Case note: search" in episode_page  # the episode's timeline
    child_page = client.get(f"/children/{service.child.pk}/").content.decode()
    assert f"{episode.reference}: Case note: search" in child_page
    assert f"/episodes/{episode.pk}/#note-{note.pk}" in child_page


def test_a_note_with_no_text_or_in_the_future_is_refused_on_its_field_and_nothing_is_saved(
    service: Service,
) -> None:
    episode = missing_since(service, 5)
    now = timezone.now()
    with pytest.raises(ValidationError) as blank:
        add_note(episode, kind="call", at=now, text="   ", by=service.worker)
    assert blank.value.message_dict == {"text": ["Write what was done or learnt."]}
    with pytest.raises(ValidationError) as future:
        add_note(episode, kind="call", at=now + timedelta(hours=1), text="Called", by=service.worker)
    assert future.value.message_dict == {"at": ["This cannot be in the future."]}
    with pytest.raises(ValidationError) as before:
        add_note(episode, kind="call", at=now - timedelta(hours=6), text="Called", by=service.worker)
    assert "before the episode began" in before.value.message_dict["at"][0]
    assert not Note.objects.exists()


def test_the_page_refuses_bad_input_naming_the_field_and_saves_nothing(service: Service) -> None:
    episode = missing_since(service, 5)
    response = signed_in(service.worker).post(
        f"/episodes/{episode.pk}/notes/new/", {"kind": "gossip", "at": "not a time", "text": ""}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "What kind of note: choose one of the kinds listed." in body
    assert "Enter a date and time, like 21/03/2026 14:30." in body
    assert "What was done or learnt: enter an answer." in body
    assert not Note.objects.exists()


def test_a_carer_update_note_meets_the_daily_carer_update_in_the_same_change(service: Service) -> None:
    # Greenwich G6: "the SW will obtain updates from the carer/children's home on a daily basis".
    use_protocol(service, "greenwich")
    episode = missing_since(service, 30)
    [duty] = meetable(episode)
    assert duty.kind == "carer_update"
    events_before = Event.objects.filter(type="completed").count()
    note = add_note(
        episode,
        kind="carer_update",
        at=timezone.now() - timedelta(minutes=5),
        text="Carer: no contact since last night; her phone is off.",
        by=service.worker,
        meets=duty,
    )
    duty.refresh_from_db()
    assert duty.outcome == "done"
    assert note.meets == duty
    assert note.completion is not None and note.completion.type == "completed"
    assert note.completion.details["note"] == f"Case note {note.pk}"
    assert Event.objects.filter(type="completed").count() == events_before + 1
    assert meetable(episode) == []


def test_a_note_meets_the_earliest_outstanding_risk_review(service: Service) -> None:
    # Essex ES2 (004 s.2.5): the carer reassesses the risk at least every two hours; the protocol
    # closes the earliest review outstanding, whichever row was picked.
    use_protocol(service, "essex")
    episode = missing_since(service, 7)
    reviews = list(
        Obligation.objects.outstanding().filter(episode=episode, kind="risk_review").order_by("opens_at")
    )
    assert len(reviews) >= 2
    assert meetable(episode) == [reviews[0]]
    note = add_note(
        episode,
        kind="carer_update",
        at=timezone.now(),
        text="Risk reviewed with the carer: still high.",
        by=service.worker,
        meets=reviews[-1],
    )
    assert note.meets == reviews[0]
    assert Obligation.objects.get(pk=reviews[0].pk).outcome == "done"
    assert Obligation.objects.get(pk=reviews[-1].pk).outcome == ""


def test_a_note_that_cannot_meet_its_duty_is_not_kept(service: Service) -> None:
    use_protocol(service, "essex")
    episode = missing_since(service, 7)
    [review] = meetable(episode)
    with pytest.raises(ValidationError) as early:
        add_note(
            episode,
            kind="carer_update",
            at=review.opens_at - timedelta(minutes=30),
            text="Too early for this review",
            by=service.worker,
            meets=review,
        )
    assert "before the duty it meets opened" in early.value.message_dict["at"][0]
    police = Obligation.objects.filter(episode=episode).exclude(kind="risk_review").first()
    assert police is not None
    with pytest.raises(ValidationError) as other:
        add_note(episode, kind="call", at=timezone.now(), text="Called", by=service.worker, meets=police)
    assert "meets" in other.value.message_dict
    assert not Note.objects.exists()
    assert Obligation.objects.get(pk=review.pk).outcome == ""


def test_the_page_offers_the_duty_and_closes_it(service: Service) -> None:
    use_protocol(service, "greenwich")
    episode = missing_since(service, 30)
    [duty] = meetable(episode)
    client = signed_in(service.worker)
    form = client.get(f"/episodes/{episode.pk}/notes/new/").content.decode()
    assert escape(duty.title) in form
    wrong = client.post(
        f"/episodes/{episode.pk}/notes/new/",
        {
            "kind": "carer_update",
            "at": local(timezone.now()),
            "text": "Home: nothing new",
            "meets": duty.pk + 999,
        },
    )
    assert wrong.status_code == 400
    assert "Does this note meet a duty: choose a duty listed, or none." in wrong.content.decode()
    assert not Note.objects.exists()
    response = client.post(
        f"/episodes/{episode.pk}/notes/new/",
        {"kind": "carer_update", "at": local(timezone.now()), "text": "Home: nothing new", "meets": duty.pk},
    )
    assert response.status_code == 302
    assert Obligation.objects.get(pk=duty.pk).outcome == "done"
    note = Note.objects.get()
    assert response["Location"] == f"/episodes/{episode.pk}/#note-{note.pk}"


def test_someone_who_may_not_close_the_duty_is_not_offered_it(service: Service) -> None:
    # A return interview worker may add notes but does not change the episode's duties.
    use_protocol(service, "greenwich")
    episode = missing_since(service, 30)
    rhi = person(Role.RETURN_INTERVIEW_WORKER, service.team)
    client = signed_in(rhi)
    form = client.get(f"/episodes/{episode.pk}/notes/new/").content.decode()
    assert "Does this note meet a duty?" not in form
    [duty] = meetable(episode)
    client.post(
        f"/episodes/{episode.pk}/notes/new/",
        {"kind": "call", "at": local(timezone.now()), "text": "Spoke to the school", "meets": duty.pk},
    )
    assert Note.objects.get().meets is None
    assert Obligation.objects.get(pk=duty.pk).outcome == ""


def test_searching_the_notes_on_the_episode_and_child_pages(service: Service) -> None:
    episode = missing_since(service, 5)
    now = timezone.now()
    add_note(
        episode,
        kind="call",
        at=now - timedelta(hours=2),
        text="Called her aunt in Leominster",
        by=service.worker,
    )
    add_note(
        episode,
        kind="sighting",
        at=now - timedelta(hours=1),
        text="Seen at the bus station",
        by=service.worker,
    )
    client = signed_in(service.worker)
    page = client.get(f"/episodes/{episode.pk}/", {"q": "leominster"}).content.decode()
    assert "1 note matches “leominster”." in page
    assert "Called her aunt in Leominster" in page
    assert "Seen at the bus station" not in page.split('id="timeline"')[0]
    by_kind = client.get(f"/episodes/{episode.pk}/", {"q": "sighting"}).content.decode()
    assert "Seen at the bus station" in by_kind.split('id="timeline"')[0]
    assert "Called her aunt" not in by_kind.split('id="timeline"')[0]
    child_page = client.get(f"/children/{service.child.pk}/", {"q": "bus station"}).content.decode()
    assert "1 note matches “bus station”." in child_page
    nothing = client.get(f"/children/{service.child.pk}/", {"q": "zzz"}).content.decode()
    assert "No case notes match this search." in nothing


def test_notes_are_in_subject_access_on_the_audit_trail_and_anonymised_by_retention(service: Service) -> None:
    episode = missing_since(service, 5)
    record_found(episode, at=timezone.now() - timedelta(hours=1), by=service.worker)
    note = add_note(
        episode,
        kind="child_contact",
        at=timezone.now(),
        text="She says she stayed with Jordan at 14 Eign Street.",
        by=service.worker,
    )
    exported = json.loads(export_json(service.child))
    assert [n["text"] for n in exported["case_notes"]] == [note.text]
    created = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Note),
        object_pk=str(note.pk),
        action=AuditEntry.Action.CREATE,
    )
    assert created.count() == 1
    assert any(row["record"] == f"case note {note.pk}" for row in exported["audit_trail"])

    retention.anonymise(service.child)

    note.refresh_from_db()
    assert note.text == ""
    assert (note.kind, note.happened_at) == ("child_contact", note.happened_at)
    assert "Eign Street" not in json.dumps([e.changes for e in AuditEntry.objects.all()], default=str)
