"""Panels as pages (issue 17): the coordinator records a MACE panel about two children, a place and
an adult, with an action for a person in Homeward; each child shows only to who may see them; a
panel's action is in its owner's My work, falls overdue, is chased and is closed from its page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from homeward.access.audit import trail_for_child
from homeward.accounts.models import AuditEntry, Organisation, OrganisationKind, Role
from homeward.casework import outbox
from homeward.children.models import Child
from homeward.meetings.models import ActionState, Panel, PanelAction, PanelKind
from homeward.notifications.delivery import _why_not as reason_not_to_send
from homeward.notifications.models import Kind, Message
from tests.factories import (
    AuthorityFactory,
    ChildFactory,
    EstablishmentFactory,
    TeamFactory,
    UserFactory,
    signed_in,
)

pytestmark = pytest.mark.django_db


class Setting:
    def __init__(self) -> None:
        self.authority = AuthorityFactory()
        self.team = TeamFactory(organisation=self.authority)
        self.manager = UserFactory(organisation=self.authority, role=Role.TEAM_MANAGER, team=self.team)
        self.team.manager = self.manager
        self.team.save()
        self.coordinator = UserFactory(
            organisation=self.authority, role=Role.MISSING_COORDINATOR, team=self.team
        )
        self.worker = UserFactory(organisation=self.authority, role=Role.SOCIAL_WORKER, team=self.team)
        self.colleague = UserFactory(organisation=self.authority, role=Role.SOCIAL_WORKER, team=self.team)
        self.first: Child = ChildFactory(
            responsible_authority=self.authority,
            allocated_worker=self.worker,
            team=self.team,
            first_name="Keziah",
            last_name="Abernethy-Quill",
        )
        self.second: Child = ChildFactory(
            responsible_authority=self.authority,
            allocated_worker=self.colleague,
            team=self.team,
            first_name="Tobiah",
            last_name="Vanterpool-Ng",
        )
        # A restricted record: the first child's worker may not see the second child at all.
        self.second.sealed = True
        self.second.save(update_fields=["sealed"])
        self.second.sealed_to.set([self.coordinator, self.colleague])
        for user in (self.worker, self.manager):
            user.email = f"{user.username}@example.org"
            user.save(update_fields=["email"])
        self.home = EstablishmentFactory(name="The Willows", area=self.authority)


@pytest.fixture
def setting(db: None) -> Setting:
    return Setting()


def _form(s: Setting, **overrides: Any) -> dict[str, Any]:
    held = timezone.localtime() - timedelta(days=1)
    data: dict[str, Any] = {
        "kind": "mace",
        "held_at": held.strftime("%Y-%m-%dT%H:%M"),
        "chair": "Jo Smith, Head of Service",
        "attendees": "PC Ellis, West Mercia Police\nSam Reed, Health",
        "discussed": "Keziah and Tobiah both seen at the flat on Mill Street",
        "disruption": "Patrols of the bus station; warning notice to Adult A considered",
        "children": f"C{s.first.pk}, C{s.second.pk}",
        "people": [str(s.worker.pk)],
        "places-TOTAL_FORMS": "3",
        "places-INITIAL_FORMS": "0",
        "places-0-kind": "hotspot",
        "places-0-description": "Bus station, High Street",
        "places-1-kind": "home",
        "places-1-establishment": str(s.home.pk),
        "adults-TOTAL_FORMS": "3",
        "adults-INITIAL_FORMS": "0",
        "adults-0-name": "Dean Hall",
        "adults-0-description": "Male, 30s, black Audi",
        "adults-0-link": "Gives Keziah and Tobiah lifts",
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-0-description": "Visit the flat with the police",
        "actions-0-assignee": str(s.worker.pk),
        "actions-0-due_on": (held + timedelta(days=7)).strftime("%Y-%m-%d"),
        "actions-1-description": "Patrol the bus station",
        "actions-1-owner": "PC Ellis, West Mercia Police",
    }
    data.update(overrides)
    return data


def _record(s: Setting, **overrides: Any) -> Panel:
    response = signed_in(s.coordinator).post("/panels/new/", _form(s, **overrides))
    assert response.status_code == 302, response.content.decode()[:3000]
    return Panel.objects.get()


def test_the_coordinator_records_a_mace_panel_with_two_children_a_place_and_an_adult(
    setting: Setting,
) -> None:
    s = setting
    assert signed_in(s.coordinator).get("/panels/new/").status_code == 200
    panel = _record(s)
    assert panel.kind == PanelKind.MACE and panel.authority == s.authority
    assert {pc.child for pc in panel.children.all()} == {s.first, s.second}
    assert [str(p) for p in panel.places.all()] == ["Bus station, High Street", "The Willows"]
    assert panel.adults.get().name == "Dean Hall"
    assert [p.person for p in panel.people.all()] == [s.worker]
    assert panel.actions.count() == 2
    # The worker given the action is told (the message names no child: they may not see both).
    told = Message.objects.get(recipient=s.worker, kind=Kind.ACTION)
    assert told.panel_action is not None
    assert "Keziah" not in told.body and "Tobiah" not in told.body
    page = signed_in(s.coordinator).get(f"/panels/{panel.pk}/").content.decode()
    for words in (
        "Keziah Abernethy-Quill",
        "Tobiah Vanterpool-Ng",
        "Dean Hall",
        "Bus station",
        "both seen at the flat",
    ):
        assert words in page
    listing = signed_in(s.coordinator).get("/panels/").content.decode()
    assert f"/panels/{panel.pk}/" in listing


def test_every_problem_shows_at_once_naming_the_field_and_nothing_is_saved(setting: Setting) -> None:
    s = setting
    response = signed_in(s.coordinator).post(
        "/panels/new/",
        _form(
            s,
            chair="",
            children="C99999, nonsense",
            **{
                "places-2-kind": "address",
                "adults-1-link": "Knows them",
                "actions-2-description": "Something",
            },
        ),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter who chaired the panel." in page
    assert "Children discussed: &#x27;nonsense&#x27; is not a child&#x27;s reference" in page
    assert "Place 3: enter the address or describe the hotspot." in page
    assert "Adult 2: enter their name." in page
    assert "Action 3: say who will do it." in page
    assert not Panel.objects.exists() and not PanelAction.objects.exists()


def test_a_child_the_recorder_may_not_see_cannot_be_put_on_a_panel(setting: Setting) -> None:
    s = setting
    other = ChildFactory(responsible_authority=AuthorityFactory(name="Worcestershire County Council"))
    sealed = ChildFactory(responsible_authority=s.authority, sealed=True)
    for child in (other, sealed):
        response = signed_in(s.coordinator).post(
            "/panels/new/", _form(s, children=f"C{s.first.pk} C{child.pk}")
        )
        assert response.status_code == 400
        assert (
            f"C{child.pk} is not a child of your authority whose record you may see"
            in response.content.decode()
        )
    assert not Panel.objects.exists()


def test_a_worker_of_one_child_sees_only_that_child_and_not_the_panels_notes(setting: Setting) -> None:
    s = setting
    panel = _record(s, people=[])
    page = signed_in(s.worker).get(f"/panels/{panel.pk}/").content.decode()
    assert "Keziah Abernethy-Quill" in page
    assert "Tobiah" not in page and f"C{s.second.pk}" not in page
    assert "1 other child whose record you cannot see" in page
    # The notes may name the other child, so they are withheld; what was agreed to disrupt is not.
    assert "both seen at the flat" not in page and "Gives Keziah and Tobiah lifts" not in page
    assert "Patrols of the bus station" in page and "Dean Hall" in page


def test_a_reader_who_may_not_see_the_panel_gets_404_and_it_is_audited(setting: Setting) -> None:
    s = setting
    panel = _record(s)
    police = UserFactory(
        role=Role.POLICE_LIAISON,
        organisation=Organisation.objects.create(
            name="West Mercia Police", kind=OrganisationKind.POLICE_FORCE
        ),
    )
    outsider = UserFactory(
        organisation=AuthorityFactory(name="Worcestershire County Council"), role=Role.MISSING_COORDINATOR
    )
    mash = UserFactory(organisation=s.authority, role=Role.MASH_OFFICER)
    for who in (police, outsider, mash):
        assert signed_in(who).get(f"/panels/{panel.pk}/").status_code == 404
    for who in (police, outsider, mash):
        denied = AuditEntry.objects.filter(object_pk=str(panel.pk), content_type__model="panel", actor=who)
        assert denied.get().additional_data["outcome"] == "refused"
    # The list and the form are not theirs either (the social worker sees the list of their panels).
    assert signed_in(mash).get("/panels/").status_code == 302
    assert signed_in(mash).get("/panels/new/").status_code == 302
    assert signed_in(s.worker).get("/panels/new/").status_code == 302
    assert f"/panels/{panel.pk}/" in signed_in(s.worker).get("/panels/").content.decode()


def test_each_childs_page_links_the_panel_and_the_childs_audit_trail_has_it(setting: Setting) -> None:
    s = setting
    panel = _record(s)
    for child in (s.first, s.second):
        assert (
            f"/panels/{panel.pk}/" in signed_in(s.coordinator).get(f"/children/{child.pk}/").content.decode()
        )
        models = set(trail_for_child(child).values_list("content_type__model", flat=True))
        assert {"panel", "panelchild", "paneladult", "panelplace", "panelaction"} <= models
    signed_in(s.coordinator).get(f"/panels/{panel.pk}/")
    audit = signed_in(s.coordinator).get(f"/children/{s.first.pk}/audit/")
    assert audit.status_code == 200


def test_a_panels_action_is_in_my_work_falls_overdue_is_chased_and_is_closed(setting: Setting) -> None:
    s = setting
    panel = _record(s)
    action = panel.actions.get(assignee=s.worker)
    work = signed_in(s.worker).get("/my-work/").content.decode()
    assert f"/panels/actions/{action.pk}/" in work and "Visit the flat with the police" in work
    # Past its date: overdue in My work, the owner chased, then their team manager.
    PanelAction.objects.filter(pk=action.pk).update(due_on=timezone.localdate() - timedelta(days=10))
    work = signed_in(s.worker).get("/my-work/").content.decode()
    assert "Overdue" in work[work.index("Actions from panels") :]
    outbox.refresh(timezone.now())
    chased = Message.objects.get(recipient=s.worker, kind=Kind.ACTION_OVERDUE, panel_action=action)
    assert Message.objects.filter(
        recipient=s.manager, kind=Kind.ACTION_ESCALATED, panel_action=action
    ).exists()
    assert reason_not_to_send(chased) is None
    # Closing it: a reason is needed when it is no longer needed; done closes it.
    page = signed_in(s.worker).post(f"/panels/actions/{action.pk}/", {"state": "dropped", "closing_note": ""})
    assert page.status_code == 400 and "Say why the action is no longer needed." in page.content.decode()
    page = signed_in(s.worker).post(
        f"/panels/actions/{action.pk}/", {"state": "done", "closing_note": "Visited"}
    )
    assert page.status_code == 302
    action.refresh_from_db()
    assert action.state == ActionState.DONE and action.closed_by == s.worker
    chased.refresh_from_db()
    assert reason_not_to_send(chased) == "the action was closed first"
    assert "Visit the flat with the police" not in signed_in(s.worker).get("/my-work/").content.decode()
    # Someone else's action is not theirs to open.
    other = panel.actions.exclude(pk=action.pk).get()
    assert signed_in(s.colleague).get(f"/panels/actions/{other.pk}/").status_code == 404
    assert signed_in(s.coordinator).get(f"/panels/actions/{other.pk}/").status_code == 200


def test_the_navigation_offers_panels_to_who_runs_them(setting: Setting) -> None:
    s = setting
    assert 'href="/panels/"' in signed_in(s.coordinator).get("/inbox/").content.decode()
    assert 'href="/panels/"' not in signed_in(s.worker).get("/inbox/").content.decode()
