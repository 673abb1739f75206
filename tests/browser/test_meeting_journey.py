"""A strategy meeting in a browser, arranged from its duty and held (Wakefield s.8): the team
manager arranges it from My work, the return interview worker (always invited, s.8) is told in
her inbox and sees it in My work; the meeting is held with attendance and decisions, an action is
given to her, and it shows in her My work. Past its date it is overdue there, she is chased, the
team manager is told, and the next meeting's agenda lists it still open (issue 17). Each step on a
laptop (1366 x 768) and a phone (390 x 844)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from homeward.accounts.models import Organisation, OrganisationKind, Role
from homeward.casework import outbox
from homeward.casework.episodes import report_episode
from homeward.meetings.models import Action, Arrangement, Meeting
from homeward.obligations.models import Obligation
from tests.browser.cast import local
from tests.browser.conftest import Steps, live_database, sign_in, sign_out
from tests.browser.dates import fill_date, fill_datetime
from tests.browser.test_casework_journey import both_sizes
from tests.factories import AuthorityFactory, ChildFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, live_database]

STRATEGY = "Missing strategy meeting - still missing at 24 hours"


def test_a_strategy_meeting_arranged_from_its_duty_held_and_its_action_in_my_work(
    page: Page, steps: Steps
) -> None:
    now = timezone.now().replace(second=0, microsecond=0)
    force = Organisation.objects.create(name="West Yorkshire Police", kind=OrganisationKind.POLICE_FORCE)
    wakefield = AuthorityFactory(name="Wakefield Council", protocol="wakefield", police_force=force)
    team = TeamFactory(organisation=wakefield, name="Children in Care Team")
    manager = UserFactory(
        username="amira",
        first_name="Amira",
        last_name="Khan",
        role=Role.TEAM_MANAGER,
        team=team,
        organisation=wakefield,
    )
    team.manager = manager
    team.save()
    worker = UserFactory(
        username="robin",
        first_name="Robin",
        last_name="Howell",
        role=Role.SOCIAL_WORKER,
        team=team,
        organisation=wakefield,
    )
    fiona = UserFactory(
        username="fiona",
        first_name="Fiona",
        last_name="Bell",
        role=Role.RETURN_INTERVIEW_WORKER,
        organisation=wakefield,
    )
    UserFactory(
        username="gail", first_name="Gail", last_name="Phillips", role=Role.POLICE_LIAISON, organisation=force
    )
    child = ChildFactory(
        responsible_authority=wakefield,
        team=team,
        allocated_worker=worker,
        first_name="Maya",
        last_name="Price",
    )
    episode = report_episode(
        child,
        category="missing",
        reported_at=now - timedelta(hours=29),
        last_seen_at=now - timedelta(hours=30),
        police_informed=True,
        by=worker,
    )
    duty = Obligation.objects.get(episode=episode, rule="wakefield/strategy-24h")

    # The team manager arranges the strategy meeting from the duty in her work.
    sign_in(page, manager)
    page.goto("/my-work/")
    page.locator(f"a[href*='/meetings/arrange/?obligation={duty.pk}']").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Arrange a strategy meeting or discussion")
    both_sizes(page, steps, "arrange")
    fill_datetime(page, "When will it be held?", local(now + timedelta(hours=2)))
    page.get_by_label("Where").fill("Room 4, County Hall")
    page.get_by_label("Outside contacts").fill("Early Help Manager, Wakefield Early Help")
    page.get_by_role("button", name="Arrange the meeting and tell the people invited").click()
    expect(page.get_by_text("has been arranged")).to_be_visible()
    expect(page.get_by_role("heading", name="Agenda")).to_be_visible()
    both_sizes(page, steps, "arranged")
    arranged = Arrangement.objects.get(child=child)
    assert arranged.obligation == duty
    sign_out(page)

    # Fiona, always invited (s.8), is told in her inbox and sees it in her work.
    sign_in(page, fiona)
    page.goto("/inbox/")
    expect(page.get_by_text(re.compile(r"Invited: Strategy meeting"))).to_be_visible()
    page.goto("/my-work/")
    expect(page.get_by_role("link", name="Strategy meeting or discussion")).to_be_visible()
    both_sizes(page, steps, "invitee-work")
    sign_out(page)

    # The meeting is held: attendance, decisions, an action for Fiona.
    sign_in(page, manager)
    page.goto(f"/meetings/arranged/{arranged.pk}/")
    page.get_by_role("link", name="Record the meeting").click()
    for radio in page.get_by_label("Present", exact=True).all():
        radio.check()
    page.get_by_label("What was decided").fill("Police to visit the known address tonight.")
    page.get_by_label("What is to be done").first.fill("Share the Find Me plan with the CVE Team")
    page.get_by_label("A person in Homeward to do it").first.select_option(str(fiona.pk))
    fill_date(page, "By when", timezone.localdate() + timedelta(days=2))
    both_sizes(page, steps, "hold")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_text("has been recorded")).to_be_visible()
    both_sizes(page, steps, "held")
    held = Meeting.objects.get(child=child)
    assert Action.objects.get(meeting=held).assignee == fiona
    duty.refresh_from_db()
    assert duty.outcome == "done"
    sign_out(page)

    # The action is in Fiona's work.
    sign_in(page, fiona)
    page.goto("/my-work/")
    expect(page.get_by_role("link", name="Share the Find Me plan with the CVE Team")).to_be_visible()
    both_sizes(page, steps, "action-in-work")
    sign_out(page)

    # Its date passes with the action still open: Fiona is chased and, as Wakefield escalates a
    # late duty, the child's team manager is told (Fiona has no team of her own).
    action = Action.objects.get(meeting=held)
    Action.objects.filter(pk=action.pk).update(due_on=timezone.localdate() - timedelta(days=3))
    assert outbox.chase_actions(timezone.now()) == 2
    sign_in(page, fiona)
    page.goto("/my-work/")
    row = page.locator("tr", has=page.get_by_role("link", name="Share the Find Me plan with the CVE Team"))
    expect(row.get_by_text("Overdue")).to_be_visible()
    page.goto("/inbox/")
    chased = page.locator(
        "tr", has=page.get_by_text(re.compile(rf"Overdue action - child {child.reference}"))
    )
    expect(chased.get_by_text("Outstanding")).to_be_visible()
    both_sizes(page, steps, "action-overdue")
    sign_out(page)

    # The team manager hears of it, and the next meeting's agenda starts from it, still open.
    nxt = Arrangement.objects.create(
        child=child, kind="strategy", starts_at=now + timedelta(days=1), place="Room 4, County Hall"
    )
    sign_in(page, manager)
    page.goto("/inbox/")
    expect(
        page.get_by_text(re.compile(rf"Overdue action in your team - child {child.reference}"))
    ).to_be_visible()
    page.goto(f"/meetings/arranged/{nxt.pk}/")
    still_open = page.locator(
        "li", has=page.get_by_role("link", name="Share the Find Me plan with the CVE Team")
    )
    expect(page.get_by_role("heading", name="6. Actions still open from earlier meetings")).to_be_visible()
    expect(still_open.get_by_text("Overdue")).to_be_visible()
    both_sizes(page, steps, "next-agenda")
