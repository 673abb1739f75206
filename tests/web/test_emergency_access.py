"""Emergency access (issue 18; the NHS Summary Care Record model): a duty worker outside their
relationships opens a child's record after stating why; refused without a reason; it lasts
HOMEWARD_EMERGENCY_ACCESS_HOURS and then expires; every view under it is flagged on the audit
trail; the privacy lead reviews and signs off each use on their own page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from homeward.access.audit import VIEWED
from homeward.accounts.models import AuditEntry, Role, User
from homeward.casework.restrictions import restrict_record
from homeward.children.models import Child, EmergencyAccess
from homeward.notifications.models import Kind, Message
from tests.factories import AuthorityFactory, ChildFactory, TeamFactory, UserFactory, signed_in

pytestmark = pytest.mark.django_db


class Place:
    def __init__(self) -> None:
        self.authority = AuthorityFactory(name="Herefordshire Council")
        other = AuthorityFactory(name="Powys County Council")
        team = TeamFactory(organisation=self.authority)
        duty_team = TeamFactory(organisation=self.authority, name="Emergency Duty Team")
        self.worker = UserFactory(role=Role.SOCIAL_WORKER, organisation=self.authority, team=team)
        self.duty: User = UserFactory(role=Role.SOCIAL_WORKER, organisation=self.authority, team=duty_team)
        self.lead: User = UserFactory(role=Role.SENIOR_MANAGER, organisation=self.authority)
        self.lead.user_permissions.add(Permission.objects.get(codename="review_emergencyaccess"))
        self.other_lead: User = UserFactory(role=Role.SENIOR_MANAGER, organisation=other)
        self.other_lead.user_permissions.add(Permission.objects.get(codename="review_emergencyaccess"))
        self.other_worker = UserFactory(role=Role.SOCIAL_WORKER, organisation=other)
        self.child: Child = ChildFactory(
            responsible_authority=self.authority,
            team=team,
            allocated_worker=self.worker,
            last_name="Glassbreak",
        )


@pytest.fixture
def place() -> Place:
    return Place()


def break_glass(client: Client, child: Child, reason: str) -> int:
    return int(client.post(f"/children/{child.pk}/emergency-access/", {"reason": reason}).status_code)


def test_refused_without_a_reason_works_with_one_and_expires(place: Place) -> None:
    duty = signed_in(place.duty)
    record = f"/children/{place.child.pk}/"
    assert duty.get(record).status_code == 404
    response = duty.post(f"/children/{place.child.pk}/emergency-access/", {"reason": ""})
    assert response.status_code == 400
    assert "Say why you must open this child&#x27;s record now." in response.content.decode()
    assert break_glass(duty, place.child, "urgent") == 400  # too short to judge
    assert not EmergencyAccess.objects.exists()
    assert duty.get(record).status_code == 404

    assert (
        break_glass(duty, place.child, "Police called at 2am: the child was found, need placement details")
        == 302
    )
    use = EmergencyAccess.objects.get()
    assert use.user == place.duty
    assert use.expires_at - use.opened_at == timedelta(hours=4)
    assert duty.get(record).status_code == 200
    # The view is flagged on the child's audit trail with the use it was made under.
    entry = AuditEntry.objects.filter(object_pk=str(place.child.pk), additional_data__outcome=VIEWED).latest(
        "pk"
    )
    assert entry.actor == place.duty and entry.additional_data["emergency_access"] == use.pk
    # The use itself is on the trail (a created row).
    assert AuditEntry.objects.filter(
        object_pk=str(use.pk), content_type__model="emergencyaccess", action=AuditEntry.Action.CREATE
    ).exists()

    # Four hours on (the use's times moved back by them): the record is closed to them again.
    EmergencyAccess.objects.filter(pk=use.pk).update(
        opened_at=use.opened_at - timedelta(hours=4, minutes=1),
        expires_at=use.expires_at - timedelta(hours=4, minutes=1),
    )
    assert duty.get(record).status_code == 404


def test_the_privacy_lead_reviews_and_signs_off_each_use(place: Place) -> None:
    assert break_glass(signed_in(place.duty), place.child, "Police called at 2am about the child") == 302
    signed_in(place.duty).get(f"/children/{place.child.pk}/")
    use = EmergencyAccess.objects.get()
    # The privacy lead is told there is a use to review (by reference: no name, no reason); the
    # other authority's privacy lead is not.
    [told] = Message.objects.filter(kind=Kind.EMERGENCY_ACCESS)
    assert told.recipient == place.lead and place.child.reference in told.subject
    assert "Glassbreak" not in told.subject + told.body and "2am" not in told.body
    assert f"/emergency-access/{use.pk}/review/" in told.link
    lead = signed_in(place.lead)
    page = lead.get("/emergency-access/").content.decode()
    assert "Glassbreak" in page and "Police called at 2am" in page
    assert "Emergency access" in lead.get("/").content.decode()  # in the navigation
    # Another authority's privacy lead sees nothing of it.
    other = signed_in(place.other_lead)
    assert "Glassbreak" not in other.get("/emergency-access/").content.decode()
    assert other.get(f"/emergency-access/{use.pk}/review/").status_code == 404
    # Not a privacy lead: 404.
    assert signed_in(place.worker).get("/emergency-access/").status_code == 404

    url = f"/emergency-access/{use.pk}/review/"
    form = lead.get(url).content.decode()
    assert "Pages opened under it: 1" in form
    response = lead.post(url, {"outcome": "not_justified", "note": ""})
    assert response.status_code == 400 and "what was wrong" in response.content.decode()
    assert lead.post(url, {"outcome": "justified", "note": "EDT call logged"}).status_code == 302
    use.refresh_from_db()
    assert use.reviewed_by == place.lead and use.review_outcome == "justified"
    page = lead.get("/emergency-access/").content.decode()
    assert "Nothing to review." in page and "Justified" in page
    # Reviewed once only.
    assert lead.post(url, {"outcome": "justified", "note": ""}).status_code == 400


def test_the_privacy_lead_cannot_sign_off_their_own_use(place: Place) -> None:
    assert (
        break_glass(signed_in(place.lead), place.child, "Covering the duty rota tonight, police call") == 302
    )
    use = EmergencyAccess.objects.get()
    response = signed_in(place.lead).post(f"/emergency-access/{use.pk}/review/", {"outcome": "justified"})
    assert response.status_code == 400 and "Someone else must review" in response.content.decode()


def test_no_emergency_access_to_another_authoritys_child_or_a_restricted_record(place: Place) -> None:
    assert break_glass(signed_in(place.other_worker), place.child, "Police called about this child") == 404
    restrict_record(place.child, sealed=True, named=[place.worker], by=place.lead)
    assert break_glass(signed_in(place.duty), place.child, "Police called about this child tonight") == 404
    assert not EmergencyAccess.objects.exists()


def test_partners_and_analysts_cannot_ask(place: Place) -> None:
    for role in (Role.ANALYST, Role.ADMINISTRATOR):
        user = UserFactory(role=role, organisation=place.authority)
        assert break_glass(signed_in(user), place.child, "Police called about this child tonight") == 404
