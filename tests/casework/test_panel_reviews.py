"""West Mercia WM11 (001 s.14.24-14.26): a home with more than twenty missing episodes in a year is
reviewed. Recording an organisational review of that home meets the duty: the panel is linked to
it and it closes as done, as a meeting closes the duty that asked for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from homeward.accounts.models import Organisation, OrganisationKind, Role, User
from homeward.casework.children import save_child
from homeward.casework.episodes import record_found, report_episode
from homeward.casework.panels import Place, record_panel
from homeward.casework.placements import start_placement
from homeward.children.models import Child, Establishment, PlacementType
from homeward.meetings.models import Panel, PanelKind, PlaceKind
from homeward.obligations.models import Obligation
from tests.factories import UserFactory, signed_in

pytestmark = pytest.mark.django_db

RULE = "west-mercia/organisational-review"


@dataclass
class Busy:
    authority: Organisation
    home: Establishment
    other_home: Establishment
    child: Child
    duty: Obligation
    coordinator: User


def busy_home() -> Busy:
    """Twenty missing episodes from one home, then a twenty-first: WM11 opens a review of it."""
    la = Organisation.objects.create(
        name="Herefordshire Council", kind=OrganisationKind.LOCAL_AUTHORITY, protocol="west-mercia"
    )
    home, other_home = (
        Establishment.objects.create(name=name, type=PlacementType.RESIDENTIAL, area=la)
        for name in ("Bridge House", "Orchard View")
    )
    now = timezone.now().replace(microsecond=0)

    def child(name: str) -> Child:
        return save_child(
            Child(
                responsible_authority=la, first_name=name, last_name="Test", date_of_birth=date(2011, 5, 1)
            ),
            by=None,
        )

    often, last = child("Often"), child("Last")
    start_placement(often, establishment=home, at=now - timedelta(days=300), by=None)
    start_placement(last, establishment=home, at=now - timedelta(days=300), by=None)
    for i in range(21):
        who = often if i < 20 else last
        reported = now - timedelta(days=150 - 5 * i)
        episode = report_episode(
            who, category="missing", reported_at=reported, last_seen_at=None, police_informed=True, by=None
        )
        record_found(episode, at=reported + timedelta(hours=3), by=None)
    duty = Obligation.objects.get(rule=RULE, outcome="")
    assert duty.establishment == home, "set-up: the review is of the home the episodes were from"
    coordinator = UserFactory(organisation=la, role=Role.MISSING_COORDINATOR)
    return Busy(la, home, other_home, duty.child, duty, coordinator)


def review(busy: Busy, home: Establishment, kind: str = PanelKind.ORGANISATIONAL_REVIEW) -> Panel:
    panel = Panel(
        authority=busy.authority,
        kind=kind,
        held_at=timezone.now() - timedelta(hours=2),
        chair="Supt Hale, local policing; PVP Missing Persons Co-ordinator",
        attendees="Home manager, Police, Commissioning",
        discussed="Twenty-one episodes this year",
        findings="Night staffing too thin",
    )
    return record_panel(
        panel, children=[], places=[Place(PlaceKind.HOME, establishment=home)], by=busy.coordinator
    )


def test_an_organisational_review_of_the_home_meets_its_wm11_duty() -> None:
    busy = busy_home()
    panel = review(busy, busy.home)
    busy.duty.refresh_from_db()
    assert panel.obligation == busy.duty
    assert busy.duty.outcome == "done"
    assert busy.duty.closed_at == panel.held_at


def test_a_review_of_another_home_or_a_mace_panel_about_the_home_leaves_the_duty_open() -> None:
    busy = busy_home()
    assert review(busy, busy.other_home).obligation is None
    mace = Panel(
        authority=busy.authority,
        kind=PanelKind.MACE,
        held_at=timezone.now() - timedelta(hours=1),
        chair="Head of Service",
        attendees="Police",
        discussed="The home",
    )
    record_panel(
        mace, children=[busy.child], places=[Place(PlaceKind.HOME, establishment=busy.home)], by=None
    )
    assert mace.obligation is None
    busy.duty.refresh_from_db()
    assert busy.duty.outcome == ""


def test_the_duty_offers_record_the_review_and_the_review_recorded_from_it_closes_it() -> None:
    busy = busy_home()
    client = signed_in(busy.coordinator)
    page = client.get(f"/children/{busy.child.pk}/").content.decode()
    link = f"/panels/new/?obligation={busy.duty.pk}"
    assert link in page and "Record the review" in page
    form = client.get(link).content.decode()
    assert 'data-testid="review-duty"' in form and "Bridge House" in form
    held = timezone.localtime() - timedelta(hours=1)
    response = client.post(
        link,
        {
            "kind": "organisational_review",
            "held_at": held.strftime("%Y-%m-%dT%H:%M"),
            "chair": "Supt Hale",
            "attendees": "Home manager, Police",
            "discussed": "Patterns of missing episodes",
            "findings": "Suitable to care, with more night staff",
            "reported_to_ofsted_on": held.strftime("%Y-%m-%d"),
            "ofsted_reference": "OF-2026-114",
            "children": "",
            "places-TOTAL_FORMS": "3",
            "places-INITIAL_FORMS": "0",
            "places-0-kind": "home",
            "places-0-establishment": str(busy.home.pk),
            "adults-TOTAL_FORMS": "0",
            "adults-INITIAL_FORMS": "0",
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    busy.duty.refresh_from_db()
    assert busy.duty.outcome == "done" and busy.duty.panels.get().ofsted_reference == "OF-2026-114"
    assert "Record the review" not in client.get(f"/children/{busy.child.pk}/").content.decode()


def test_another_authoritys_coordinator_is_not_offered_the_review_and_cannot_record_it_from_the_duty() -> (
    None
):
    busy = busy_home()
    other = Organisation.objects.create(name="Shropshire Council", kind=OrganisationKind.LOCAL_AUTHORITY)
    outsider = UserFactory(organisation=other, role=Role.MISSING_COORDINATOR)
    form = signed_in(outsider).get(f"/panels/new/?obligation={busy.duty.pk}").content.decode()
    assert 'data-testid="review-duty"' not in form
    # The social worker's page of the child does not offer it either: the review is the panel's.
    worker = UserFactory(organisation=busy.authority, role=Role.SOCIAL_WORKER)
    assert "Record the review" not in signed_in(worker).get(f"/children/{busy.child.pk}/").content.decode()
