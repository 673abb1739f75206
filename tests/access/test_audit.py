"""Every view and change of a child's record is traceable, and the trail cannot be altered.

Who, when, what and from where: django-auditlog writes creates and changes,
the pages write each view and each refused attempt (homeward.access.audit).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from homeward.access.audit import REFUSED, VIEWED, trail_for_child
from homeward.accounts.models import AuditEntry, AuditTrailIsPermanent, Role, User
from homeward.casework.episodes import record_found, report_episode
from homeward.children.models import Child
from homeward.episodes.models import Episode
from homeward.interviews.models import ReturnInterview
from homeward.meetings.models import Meeting
from tests.factories import AuthorityFactory, ChildFactory, TeamFactory, UserFactory, signed_in

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"


def reads(model: type, pk: object, outcome: str = VIEWED) -> list[AuditEntry]:
    return [
        entry
        for entry in AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_pk=str(pk),
            action=AuditEntry.Action.ACCESS,
        )
        if entry.additional_data.get("outcome") == outcome
    ]


def found_episode(child: Child) -> Episode:
    now = timezone.now()
    episode = report_episode(
        child,
        category="missing",
        reported_at=now - timedelta(hours=30),
        last_seen_at=None,
        police_informed=True,
        by=None,
    )
    record_found(episode, at=now - timedelta(hours=6), by=None)
    return episode


def test_viewing_a_childs_page_writes_who_when_what_and_from_where() -> None:
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    child = ChildFactory(allocated_worker=worker)
    client = signed_in(worker)
    before = timezone.now()
    assert client.get(f"/children/{child.pk}/", REMOTE_ADDR=ADDRESS).status_code == 200
    [entry] = reads(Child, child.pk)
    assert entry.actor == worker
    assert entry.remote_addr == ADDRESS
    assert entry.timestamp >= before
    assert entry.object_repr == str(child)
    assert entry.additional_data["path"] == f"/children/{child.pk}/"
    client.get(f"/children/{child.pk}/")
    assert len(reads(Child, child.pk)) == 2, "every view is a new row"


def test_viewing_an_episode_an_interview_and_a_meeting_each_writes_a_row() -> None:
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    child = ChildFactory(allocated_worker=worker)
    episode = found_episode(child)
    interview = ReturnInterview.objects.create(episode=episode, offered_at=timezone.now(), recorded_by=worker)
    meeting = Meeting.objects.create(
        child=child, kind="strategy", held_at=timezone.now(), attendees="SW, police", decisions="Plan"
    )
    client = signed_in(worker)
    for url, model, pk in [
        (f"/episodes/{episode.pk}/", Episode, episode.pk),
        (f"/return-interviews/{interview.pk}/", ReturnInterview, interview.pk),
        (f"/meetings/{meeting.pk}/", Meeting, meeting.pk),
    ]:
        assert client.get(url).status_code == 200, url
        [entry] = reads(model, pk)
        assert entry.actor == worker


def test_a_change_made_in_the_pages_is_recorded_with_who_and_what_changed() -> None:
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    child = ChildFactory(allocated_worker=worker, school="Hereford Academy")
    response = signed_in(worker).post(
        f"/children/{child.pk}/edit/",
        {
            "first_name": child.first_name,
            "last_name": child.last_name,
            "date_of_birth": "2011-04-02",
            "looked_after": "on",
            "open_to_services": "on",
            "school": "Whitecross Hereford",
        },
        REMOTE_ADDR=ADDRESS,
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    change = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Child),
        object_pk=str(child.pk),
        action=AuditEntry.Action.UPDATE,
    ).latest()
    assert change.actor == worker
    assert change.remote_addr == ADDRESS
    assert change.changes_dict["school"] == ["Hereford Academy", "Whitecross Hereford"]


def test_creating_episodes_interviews_and_meetings_is_recorded() -> None:
    child = ChildFactory()
    episode = found_episode(child)
    interview = ReturnInterview.objects.create(episode=episode, offered_at=timezone.now())
    creates = AuditEntry.objects.filter(action=AuditEntry.Action.CREATE)
    assert creates.filter(content_type=ContentType.objects.get_for_model(Episode), object_pk=str(episode.pk))
    assert creates.filter(
        content_type=ContentType.objects.get_for_model(ReturnInterview), object_pk=str(interview.pk)
    )
    episode_rows = creates.filter(
        content_type=ContentType.objects.get_for_model(Episode), object_pk=str(episode.pk)
    )
    assert set(trail_for_child(child)) >= set(episode_rows)


def test_guessing_another_authoritys_child_id_gives_404_and_an_audit_row() -> None:
    ours, theirs = AuthorityFactory(name="Herefordshire Council"), AuthorityFactory(name="Shropshire Council")
    coordinator = UserFactory(role=Role.MISSING_COORDINATOR, organisation=ours)
    their_child = ChildFactory(responsible_authority=theirs, school="Old school")
    episode = found_episode(their_child)
    client = signed_in(coordinator)
    for url in [
        f"/children/{their_child.pk}/",
        f"/children/{their_child.pk}/edit/",
        f"/children/{their_child.pk}/report/",
        f"/children/{their_child.pk}/find-me-plan/",
    ]:
        assert client.get(url, REMOTE_ADDR=ADDRESS).status_code == 404, url
    assert client.get(f"/episodes/{episode.pk}/").status_code == 404
    changed = client.post(f"/children/{their_child.pk}/edit/", {"school": "Hacked"})
    assert changed.status_code == 404
    their_child.refresh_from_db()
    assert their_child.school == "Old school"
    refused = reads(Child, their_child.pk, REFUSED)
    assert len(refused) == 5
    assert {e.actor for e in refused} == {coordinator}
    assert {e.remote_addr for e in refused} == {ADDRESS, "127.0.0.1"}
    assert reads(Episode, episode.pk, REFUSED)
    # The attempt shows on the other authority's trail for the child.
    assert set(refused) <= set(trail_for_child(their_child))


def test_an_id_that_does_not_exist_is_answered_the_same_and_recorded() -> None:
    client = signed_in(UserFactory(role=Role.MISSING_COORDINATOR))
    response = client.get("/children/987654/")
    assert response.status_code == 404
    assert reads(Child, 987654, REFUSED)


def test_the_audit_page_shows_who_viewed_and_changed_the_record() -> None:
    authority = AuthorityFactory()
    team = TeamFactory(organisation=authority)
    worker = UserFactory(role=Role.SOCIAL_WORKER, organisation=authority, team=team, first_name="Priya")
    coordinator = UserFactory(role=Role.MISSING_COORDINATOR, organisation=authority)
    child = ChildFactory(responsible_authority=authority, team=team)
    signed_in(worker).get(f"/children/{child.pk}/", REMOTE_ADDR=ADDRESS)
    page = signed_in(coordinator).get(f"/children/{child.pk}/audit/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Who has viewed and changed this record" in text
    assert "Priya" in text and ADDRESS in text and "Viewed" in text
    # A social worker holds the case but does not oversee the record's trail.
    assert signed_in(worker).get(f"/children/{child.pk}/audit/").status_code == 404


def test_an_audit_row_cannot_be_changed_or_deleted_from_the_application() -> None:
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    child = ChildFactory(allocated_worker=worker)
    signed_in(worker).get(f"/children/{child.pk}/")
    [entry] = reads(Child, child.pk)
    entry.remote_addr = "198.51.100.1"
    with pytest.raises(AuditTrailIsPermanent):
        entry.save()
    with pytest.raises(AuditTrailIsPermanent):
        entry.delete()
    with pytest.raises(AuditTrailIsPermanent):
        AuditEntry.objects.filter(pk=entry.pk).update(remote_addr="198.51.100.1")
    with pytest.raises(AuditTrailIsPermanent):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.remote_addr == "127.0.0.1"


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("superuser", [False, True])
def test_no_role_can_alter_audit_rows_through_the_admin(role: Role, superuser: bool) -> None:
    child = ChildFactory()
    found_episode(child)
    # A row the admin may read at all: about a person (a child's rows it does not show).
    UserFactory(role=Role.SOCIAL_WORKER)
    entry = AuditEntry.objects.filter(
        action=AuditEntry.Action.CREATE, content_type=ContentType.objects.get_for_model(User)
    ).first()
    assert entry is not None
    # On the staff, and given every model permission on the trail (or a superuser): still no change.
    person = UserFactory(role=role, is_staff=True, is_superuser=superuser)
    person.user_permissions.set(Permission.objects.filter(content_type__model="auditentry"))
    client: Client = signed_in(person)
    url = f"/admin/accounts/auditentry/{entry.pk}"
    assert client.get(f"{url}/change/").status_code == 200, "may read it"
    assert client.post(f"{url}/change/", {"object_repr": "rewritten"}).status_code == 403
    assert client.post(f"{url}/delete/", {"post": "yes"}).status_code == 403
    client.post(
        "/admin/accounts/auditentry/",
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    after = AuditEntry.objects.get(pk=entry.pk)
    assert after.object_repr == entry.object_repr
    assert after.timestamp == entry.timestamp


def test_opening_a_change_form_or_the_trail_is_a_view_too() -> None:
    authority = AuthorityFactory()
    coordinator = UserFactory(role=Role.MISSING_COORDINATOR, organisation=authority)
    child = ChildFactory(responsible_authority=authority)
    client = signed_in(coordinator)
    for url in [
        f"/children/{child.pk}/edit/",
        f"/children/{child.pk}/find-me-plan/",
        f"/children/{child.pk}/audit/",
    ]:
        assert client.get(url).status_code == 200, url
    views = sorted(entry.additional_data.get("view") for entry in reads(Child, child.pk))
    assert views == ["audit_trail", "edit", "find_me_plan"]
    page = client.get(f"/children/{child.pk}/audit/").content.decode()
    assert "(change form)" in page and "(this audit trail)" in page
