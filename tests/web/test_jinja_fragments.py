"""The hot row loops rendered by Jinja2 (issue 20: homeward.web.jinja): the work lists (My work,
Overdue) and the board's rows (the page and its refresh) escape what people type, as Django's
engine did and with its escaping, and print times in the UK's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.template import defaultfilters, engines
from django.test import Client
from django.utils import timezone, translation
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]

from homeward.accounts.models import Organisation, OrganisationKind, Role, User
from homeward.casework.episodes import report_episode
from homeward.casework.placements import start_placement
from homeward.web import jinja
from tests.factories import (
    AuthorityFactory,
    ChildFactory,
    EstablishmentFactory,
    TeamFactory,
    UserFactory,
    sign_in,
)

pytestmark = pytest.mark.django_db

# A child's name is typed by a person: each fragment must show it, never run it.
FIRST, LAST = "<script>alert('x')</script>", "O'Brien"
# Django's escaping (&#x27; for the apostrophe, where MarkupSafe's own would be &#39;).
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; O&#x27;Brien"


@pytest.fixture
def people() -> dict[str, User]:
    force = Organisation.objects.create(name="West Mercia Police", kind=OrganisationKind.POLICE_FORCE)
    council = AuthorityFactory(police_force=force)
    team = TeamFactory(organisation=council)
    manager = UserFactory(organisation=council, team=team, role=Role.TEAM_MANAGER)
    team.manager = manager
    team.save()
    worker = UserFactory(organisation=council, team=team, role=Role.SOCIAL_WORKER)
    child = ChildFactory(
        first_name=FIRST, last_name=LAST, responsible_authority=council, allocated_worker=worker, team=team
    )
    now = timezone.now()
    start_placement(
        child, establishment=EstablishmentFactory(area=council), at=now - timedelta(days=90), by=worker
    )
    # Missing two days: the duties owed at once are overdue, so Overdue lists them too.
    report_episode(
        child,
        category="missing",
        reported_at=now - timedelta(hours=47),
        last_seen_at=now - timedelta(hours=48),
        police_informed=True,
        by=worker,
    )
    return {
        "worker": worker,
        "manager": manager,
        "coordinator": UserFactory(organisation=council, role=Role.MISSING_COORDINATOR),
    }


@pytest.mark.parametrize(
    ("who", "path", "fragment"),
    [
        ("worker", "/my-work/", 'data-testid="worklist-mine-'),
        ("manager", "/my-work/", 'data-testid="worklist-team-'),
        ("manager", "/overdue/", 'data-testid="worklist-1-overdue"'),
        ("coordinator", "/", 'data-testid="currently-missing"'),
        ("coordinator", "/board/rows/", 'data-testid="currently-missing"'),
    ],
)
def test_each_fragment_escapes_the_childs_name(
    people: dict[str, User], who: str, path: str, fragment: str
) -> None:
    html = sign_in(Client(), people[who]).get(path).content.decode()
    assert fragment in html
    assert ESCAPED in html
    assert "<script>alert" not in html and "alert('x')" not in html


def test_the_chase_form_carries_the_csrf_token_and_the_page_to_return_to(people: dict[str, User]) -> None:
    html = sign_in(Client(), people["manager"]).get("/my-work/?x=1").content.decode()
    assert 'class="hw-chase"><input type="hidden" name="csrfmiddlewaretoken" value="' in html
    assert '<input type="hidden" name="next" value="/my-work/?x=1">' in html
    assert "?next=/my-work/%3Fx%3D1" in html


def test_dates_are_djangos_date_filter_in_the_uk_time_zone() -> None:
    fragment = engines["jinja2"].from_string(
        "{{ at|date('D j M H:i') }}|{{ at|date('U') }}|{{ missing|date('j M') }}"
    )
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    # British Summer Time: an hour ahead of UTC; the epoch seconds are the same instant.
    assert fragment.render({"at": summer}) == f"Wed 1 Jul 13:00|{int(summer.timestamp())}|"


@pytest.mark.parametrize("language", ["en-gb", "cy"])
def test_the_fast_date_formats_are_djangos_every_hour_of_a_year(language: str) -> None:
    # The formats the fragments use, one Django's own filter is left to (a backslash escape), and
    # every hour of 2026 (both clock changes), in English and in Welsh (the names translated).
    formats = ["D j M H:i", "j M", "U", "H:i D j M", "D j M Y H:i", r"D \d\a\y"]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with translation.override(language):
        for hour in range(0, 365 * 24, 1):
            at = start + timedelta(hours=hour, minutes=hour % 60)
            for fmt in formats:
                assert jinja.date(at, fmt) == defaultfilters.date(template_localtime(at), fmt), (at, fmt)
    assert jinja.date(None, "j M") == "" and jinja.date(datetime(2026, 7, 1).date(), "j M") == "1 Jul"
