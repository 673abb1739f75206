"""My work and Overdue as worklists (issue 15): grouped overdue, due today, due this week and
later; each duty says what, for which child and episode, by when and why (the event and the rule
with its citation), in practitioners' words, with a link to the form that meets it only for
those who may use that form; a team manager sees the team's work counted by person."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from homeward.accounts.models import Organisation, OrganisationKind, Role, User
from homeward.casework.episodes import record_found, report_episode
from homeward.casework.placements import start_placement
from homeward.obligations.models import Obligation
from homeward.queries.work import _group
from tests.factories import (
    AuthorityFactory,
    ChildFactory,
    EstablishmentFactory,
    TeamFactory,
    UserFactory,
    sign_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people() -> dict[str, User]:
    force = Organisation.objects.create(name="West Mercia Police", kind=OrganisationKind.POLICE_FORCE)
    council = AuthorityFactory(police_force=force)
    team = TeamFactory(organisation=council)
    manager = UserFactory(organisation=council, team=team, role=Role.TEAM_MANAGER)
    team.manager = manager
    team.save()
    return {
        "worker": UserFactory(organisation=council, team=team, role=Role.SOCIAL_WORKER),
        "manager": manager,
        "rhi": UserFactory(organisation=council, role=Role.RETURN_INTERVIEW_WORKER),
        "police": UserFactory(organisation=force, role=Role.POLICE_LIAISON),
    }


def found_child(people: dict[str, User], *, hours_ago: int) -> Obligation:
    """A looked-after child missing for a day and found ``hours_ago``: the IRO duty is overdue
    and the return interview (West Mercia 12.1, due 72 hours after the return) is open."""
    worker = people["worker"]
    child = ChildFactory(responsible_authority=worker.organisation, allocated_worker=worker, team=worker.team)
    now = timezone.now()
    start_placement(
        child,
        establishment=EstablishmentFactory(area=worker.organisation),
        at=now - timedelta(days=90),
        by=worker,
    )
    start = now - timedelta(hours=hours_ago + 30)
    episode = report_episode(
        child,
        category="missing",
        reported_at=start + timedelta(minutes=10),
        last_seen_at=start,
        police_informed=True,
        by=worker,
    )
    found = now - timedelta(hours=hours_ago)
    record_found(episode, at=found, notified_at=found, by=worker)
    return Obligation.objects.get(episode=episode, kind="return_interview")


def test_my_work_groups_duties_overdue_first_each_with_why_and_what_meets_it(people: dict[str, User]) -> None:
    interview = found_child(people, hours_ago=2)
    html = sign_in(Client(), people["worker"]).get("/my-work/").content.decode()
    assert 'data-testid="worklist-mine-overdue"' in html
    assert re.search(r"Overdue \(\d+\)", html)
    # In practitioners' words, never the engine's ("Returninterview", "notify").
    assert "Return home interview" in html and "Tell the IRO" in html
    assert "Returninterview" not in html
    # Why: the event that raised it and the rule's citation.
    assert "Raised when the child was found (" in html
    assert interview.cites in html
    # The child and episode, and the form that meets it, for the case holder.
    assert f"Episode E{interview.episode_id}" in html
    assert f'href="/episodes/{interview.episode_id}/return-interview/"' in html


def test_the_form_that_meets_a_duty_is_offered_only_to_those_who_may_use_it(people: dict[str, User]) -> None:
    interview = found_child(people, hours_ago=2)
    form = f"/episodes/{interview.episode_id}/return-interview/"
    for who in ("worker", "manager"):
        client = sign_in(Client(), people[who])
        html = client.get("/my-work/").content.decode()
        assert f'href="{form}"' in html, who
        assert client.get(form).status_code == 200, who
    # The police see their own duties only; the interview form is not theirs.
    police = sign_in(Client(), people["police"])
    assert f'href="{form}"' not in police.get("/my-work/").content.decode()
    assert police.get(form).status_code == 404


def test_a_team_manager_sees_the_teams_work_counted_by_person(people: dict[str, User]) -> None:
    found_child(people, hours_ago=2)
    html = sign_in(Client(), people["manager"]).get("/my-work/").content.decode()
    assert 'data-testid="team-by-person"' in html
    assert people["worker"].get_full_name() in html
    worker_html = sign_in(Client(), people["worker"]).get("/my-work/").content.decode()
    assert 'data-testid="team-by-person"' not in worker_html


def test_overdue_names_kinds_in_words_and_says_how_long_overdue(people: dict[str, User]) -> None:
    found_child(people, hours_ago=2)
    html = sign_in(Client(), people["manager"]).get("/overdue/").content.decode()
    assert "Tell someone" in html or "Tell the IRO" in html
    assert "Returninterview" not in html and "Notify" not in html
    assert re.search(r"Overdue</strong> <span class=\"govuk-body-s\">\d+h \d+m", html)


def test_due_today_this_week_and_later_by_the_local_calendar() -> None:
    now = timezone.now().replace(hour=9, minute=0)
    obligation = Obligation(opens_at=now, due_at=now - timedelta(minutes=1))
    assert _group(obligation, now) == "overdue"
    obligation.due_at = now + timedelta(hours=1)
    assert _group(obligation, now) == "today"
    obligation.due_at = now + timedelta(days=30)
    assert _group(obligation, now) == "later"
    obligation.due_at = None
    assert _group(obligation, now) == "undated"
