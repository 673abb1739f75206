"""A report through the partner API naming an adult under a warning notice tells the coordinator
(West Mercia 001 s.14.22), as a report made on the pages does."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from homeward.accounts.models import Role
from homeward.casework.warning_notices import record_notice
from homeward.notifications.models import Kind, Message
from tests.api.conftest import Partners, report_body
from tests.factories import ChildFactory, UserFactory


def test_a_police_report_naming_the_adult_served_for_another_child_tells_the_coordinator(
    partners: Partners,
) -> None:
    lead = UserFactory(role=Role.MISSING_COORDINATOR, organisation=partners.authority)
    sister = ChildFactory(responsible_authority=partners.authority, first_name="Tamsin")
    now = timezone.now()
    notice = record_notice(
        kind="child_abduction",
        children=[sister],
        adult={"adult_name": "Dean Hall"},
        statement_by="Jo Price, Team Manager",
        statement="No contact with Tamsin.",
        served_by_name="PC 1234 Ellis",
        served_by_force=partners.force,
        served_at=now - timedelta(days=3),
        expires_on=(now + timedelta(days=90)).date(),
        by=lead,
    )
    response = partners.client("police").post(
        "/api/v1/episodes/", report_body(partners.child, associates=["Dean Hall"])
    )
    assert response.status_code == 201, response.content
    [told] = Message.objects.filter(kind=Kind.WARNING_NOTICE)
    assert told.recipient == lead and told.warning_notice == notice
