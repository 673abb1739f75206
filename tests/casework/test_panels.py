"""Panels about places and people (issue 17): MACE with two children, a place and an adult
(Greenwich 000, Essex 004 s.7), organisational reviews of a home (West Mercia 001 s.14.24-14.26)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from homeward.access.retention import anonymise
from homeward.access.subject_access import export
from homeward.access.visible import panel_children, panels_about, visible_panels
from homeward.accounts.models import Organisation, OrganisationKind, Role
from homeward.casework.panels import Adult, Place, record_panel
from homeward.meetings.models import Panel, PanelAction, PanelChild, PanelKind, PlaceKind
from tests.factories import AuthorityFactory, ChildFactory, EstablishmentFactory, UserFactory

pytestmark = pytest.mark.django_db

HELD = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)


def _mace(authority: Organisation, children: list, by) -> Panel:  # type: ignore[no-untyped-def]
    panel = Panel(
        authority=authority,
        kind=PanelKind.MACE,
        held_at=HELD,
        chair="Jo Smith, Head of Service",
        attendees="Police, Youth Offending, Health",
        discussed="Two children seen at the same flat",
        disruption="Child abduction warning notice to be considered",
    )
    return record_panel(
        panel,
        children=children,
        places=[Place(PlaceKind.HOTSPOT, description="Bus station, High Street")],
        adults=[Adult(name="Adult A", link="Gives both children lifts", description="Male, 30s")],
        actions=[PanelAction(description="Police patrol of the bus station", owner="PC Jones")],
        by=by,
    )


def test_a_mace_panel_with_two_children_a_place_and_an_adult_shows_each_child_only_to_who_may_see_them() -> (
    None
):
    authority = AuthorityFactory()
    coordinator = UserFactory(organisation=authority, role=Role.MISSING_COORDINATOR)
    worker = UserFactory(organisation=authority, role=Role.SOCIAL_WORKER)
    first = ChildFactory(responsible_authority=authority, allocated_worker=worker)
    second = ChildFactory(responsible_authority=authority, sealed=True)
    panel = _mace(authority, [first, second], coordinator)

    # The restricted child is named to nobody not named on their record, the coordinator included.
    assert [pc.child for pc in panel_children(coordinator, panel)] == [first]
    assert panels_about(coordinator, first).get() == panel
    # The allocated worker reads the panel about their child, but the restricted child is not named.
    assert list(visible_panels(worker)) == [panel]
    assert [pc.child for pc in panel_children(worker, panel)] == [first]
    assert panel.children.count() == 2
    assert panel.places.get().description == "Bus station, High Street"
    assert panel.adults.get().link == "Gives both children lifts"


def test_carers_police_and_another_authority_do_not_read_a_panel() -> None:
    authority = AuthorityFactory()
    other = AuthorityFactory(name="Worcestershire County Council")
    force = Organisation.objects.create(name="West Mercia Police", kind=OrganisationKind.POLICE_FORCE)
    coordinator = UserFactory(organisation=authority, role=Role.MISSING_COORDINATOR)
    child = ChildFactory(responsible_authority=authority)
    panel = _mace(authority, [child], coordinator)
    for outsider in (
        UserFactory(organisation=other, role=Role.MISSING_COORDINATOR),
        UserFactory(organisation=force, role=Role.POLICE_LIAISON),
        UserFactory(organisation=authority, role=Role.CARER, establishment=EstablishmentFactory()),
        UserFactory(organisation=authority, role=Role.SOCIAL_WORKER),
    ):
        assert not visible_panels(outsider).exists()
        assert not outsider.has_perm("meetings.view_panel", panel)
    assert coordinator.has_perm("meetings.view_panel", panel)


def test_a_panel_with_a_missing_field_says_which_and_saves_nothing() -> None:
    authority = AuthorityFactory()
    child = ChildFactory(responsible_authority=authority)
    panel = Panel(
        authority=authority, kind=PanelKind.MACE, held_at=HELD, chair="", attendees="x", discussed="y"
    )
    with pytest.raises(ValidationError) as error:
        record_panel(panel, children=[child], adults=[Adult(name="Adult A", link="")], by=None)
    assert set(error.value.message_dict) == {"chair", "adults"}
    assert not Panel.objects.exists()
    assert not PanelChild.objects.exists()


def test_an_organisational_review_is_about_a_home_and_records_the_report_to_ofsted() -> None:
    """001 s.14.24-14.26: a review of an establishment, its findings and any report to Ofsted."""
    authority = AuthorityFactory()
    home = EstablishmentFactory()
    review = Panel(
        authority=authority,
        kind=PanelKind.ORGANISATIONAL_REVIEW,
        held_at=HELD,
        chair="Head of Service",
        attendees="Home manager, police",
        discussed="Twenty-three episodes this year",
        findings="Night staffing too thin",
        reported_to_ofsted_on=HELD.date(),
        ofsted_reference="OF-123",
    )
    with pytest.raises(ValidationError) as error:
        record_panel(review, children=[], by=None)
    assert "places" in error.value.message_dict
    record_panel(review, children=[], places=[Place(PlaceKind.HOME, establishment=home)], by=None)
    assert review.places.get().establishment == home


def test_panels_are_in_subject_access_and_their_words_go_when_the_only_child_is_anonymised() -> None:
    authority = AuthorityFactory()
    child = ChildFactory(responsible_authority=authority)
    other = ChildFactory(responsible_authority=authority)
    alone = _mace(authority, [child], None)
    shared = _mace(authority, [child, other], None)
    data = export(child)
    assert {row["id"] for row in data["panels"]} == {alone.pk, shared.pk}
    assert data["panel_adults"][0]["name"] == "Adult A"
    anonymise(child)
    alone.refresh_from_db()
    shared.refresh_from_db()
    assert alone.discussed == "" and alone.adults.get().name == ""
    assert shared.discussed == "Two children seen at the same flat"


def test_a_panels_action_is_closed_once_and_dropping_one_needs_a_reason() -> None:
    from homeward.casework.panels import close_panel_action
    from homeward.meetings.models import ActionState

    authority = AuthorityFactory()
    coordinator = UserFactory(organisation=authority, role=Role.MISSING_COORDINATOR)
    panel = _mace(authority, [ChildFactory(responsible_authority=authority)], coordinator)
    action = panel.actions.get()
    with pytest.raises(ValidationError) as error:
        close_panel_action(action, state=ActionState.DROPPED, note=" ", by=coordinator)
    assert set(error.value.message_dict) == {"closing_note"}
    close_panel_action(action, state=ActionState.DONE, note="Patrolled", by=coordinator)
    action.refresh_from_db()
    assert (action.state, action.closing_note, action.closed_by) == (
        ActionState.DONE,
        "Patrolled",
        coordinator,
    )
    with pytest.raises(ValidationError) as error:
        close_panel_action(action, state=ActionState.DONE, note="", by=coordinator)
    assert "already closed" in error.value.message_dict["state"][0]


def test_an_overdue_panel_action_is_chased_once_then_escalated_to_the_owners_team_manager() -> None:
    from datetime import timedelta

    from django.utils import timezone

    from homeward.casework import outbox
    from homeward.notifications.models import Kind, Message
    from tests.factories import TeamFactory

    authority = AuthorityFactory()
    team = TeamFactory(organisation=authority)
    manager = UserFactory(organisation=authority, role=Role.TEAM_MANAGER, team=team)
    team.manager = manager
    team.save()
    owner = UserFactory(organisation=authority, role=Role.SOCIAL_WORKER, team=team)
    child = ChildFactory(responsible_authority=authority)
    now = timezone.now()
    panel = Panel(
        authority=authority,
        kind=PanelKind.PRE_MACE,
        held_at=now - timedelta(days=20),
        chair="Chair",
        attendees="Police",
        discussed="Seen at the park",
    )
    action = PanelAction(
        description="Visit the park", assignee=owner, due_on=(now - timedelta(days=1)).date()
    )
    record_panel(panel, children=[child], actions=[action], by=None)
    assert Message.objects.filter(panel_action=action, kind=Kind.ACTION, recipient=owner).exists()
    outbox.chase_panel_actions(now)
    outbox.chase_panel_actions(now)
    assert Message.objects.filter(panel_action=action, kind=Kind.ACTION_OVERDUE, recipient=owner).count() == 1
    # Long past its date: the owner's team manager is told too, once.
    outbox.chase_panel_actions(now + timedelta(days=10))
    outbox.chase_panel_actions(now + timedelta(days=11))
    assert (
        Message.objects.filter(panel_action=action, kind=Kind.ACTION_ESCALATED, recipient=manager).count()
        == 1
    )
    # A closed action is not chased.
    later = PanelAction(description="Another", assignee=owner, due_on=(now - timedelta(days=1)).date())
    record_panel(
        Panel(
            authority=authority,
            kind=PanelKind.MACE,
            held_at=now - timedelta(days=5),
            chair="C",
            attendees="A",
            discussed="D",
        ),
        children=[child],
        actions=[later],
        by=None,
    )
    PanelAction.objects.filter(pk=later.pk).update(state="done")
    outbox.chase_panel_actions(now)
    assert not Message.objects.filter(panel_action=later, kind=Kind.ACTION_OVERDUE).exists()
