"""The child's page lists the panels that discussed them (issue 17), to readers of panels only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from homeward.accounts.models import Role
from homeward.casework.panels import Adult, Place, record_panel
from homeward.meetings.models import Panel, PanelKind, PlaceKind
from tests.factories import AuthorityFactory, ChildFactory, TeamFactory, UserFactory, signed_in

pytestmark = pytest.mark.django_db


def test_each_childs_page_shows_the_mace_panel_to_panel_readers_and_to_nobody_else() -> None:
    authority = AuthorityFactory()
    team = TeamFactory(organisation=authority)
    coordinator = UserFactory(organisation=authority, role=Role.MISSING_COORDINATOR)
    worker = UserFactory(organisation=authority, role=Role.SOCIAL_WORKER, team=team)
    colleague = UserFactory(organisation=authority, role=Role.SOCIAL_WORKER, team=team)
    first = ChildFactory(responsible_authority=authority, allocated_worker=worker, team=team)
    second = ChildFactory(responsible_authority=authority, allocated_worker=colleague, team=team)
    panel = Panel(
        authority=authority,
        kind=PanelKind.MACE,
        held_at=datetime(2026, 11, 3, 10, 0, tzinfo=UTC),
        chair="Jo Smith, Head of Service",
        attendees="Police, Health",
        discussed="Both children seen at the flat",
        disruption="Warning notice to Adult A",
    )
    record_panel(
        panel,
        children=[first, second],
        places=[Place(PlaceKind.ADDRESS, description="Flat 2, 10 Mill Street")],
        adults=[Adult(name="Adult A", link="Hosts both children")],
        by=coordinator,
    )
    for child in (first, second):
        page = signed_in(coordinator).get(f"/children/{child.pk}/").content.decode()
        assert 'id="panels"' in page and "Warning notice to Adult A" in page
    # The first child's worker reads the panel about their child on that child's page...
    assert "Warning notice to Adult A" in signed_in(worker).get(f"/children/{first.pk}/").content.decode()
    # A MASH officer may open the child's record (the whole authority) but does not read panels.
    mash = UserFactory(organisation=authority, role=Role.MASH_OFFICER)
    response = signed_in(mash).get(f"/children/{first.pk}/")
    assert response.status_code == 200
    assert 'id="panels"' not in response.content.decode()
    assert "Warning notice to Adult A" not in response.content.decode()
