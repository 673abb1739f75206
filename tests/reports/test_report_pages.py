"""The report pages refuse bad input naming the field, and draw charts a screen reader can read."""

from __future__ import annotations

import pytest
from django.test import Client

from homeward.accounts.models import Role, User
from homeward.reports.charts import bar_chart
from homeward.reports.oversight import Count
from tests.factories import AuthorityFactory, UserFactory, sign_in

pytestmark = pytest.mark.django_db


def manager() -> tuple[Client, User]:
    user = UserFactory(organisation=AuthorityFactory(), role=Role.TEAM_MANAGER)
    client = Client()
    sign_in(client, user)
    return client, user


def test_a_period_ending_before_it_starts_is_refused_on_the_end_field() -> None:
    client, _ = manager()
    page = client.get("/reports/oversight/", {"start": "2026-03-01", "end": "2026-02-01", "scope": "all"})
    html = page.content.decode()
    assert page.status_code == 400
    assert 'href="#id_end"' in html and "The end of the period must be on or after its start." in html
    assert 'role="img"' not in html


def test_an_unreadable_date_and_an_unknown_scope_are_refused_naming_them() -> None:
    client, _ = manager()
    page = client.get("/reports/oversight/", {"start": "1st March", "end": "2026-02-01", "scope": "team-999"})
    html = page.content.decode()
    assert page.status_code == 400
    assert 'href="#id_start"' in html and "Enter a date, like 21/03/2026." in html
    assert 'href="#id_scope"' in html and "Select a valid choice." in html


def test_a_bad_collection_year_is_refused_on_the_year_field() -> None:
    client, _ = manager()
    page = client.get("/reports/ssda903/", {"year": "2999"})
    assert page.status_code == 400
    assert "The 2998-99 collection year has not started yet." in page.content.decode()
    assert client.get("/reports/ssda903/", {"year": "abcd"}).status_code == 400


def test_an_empty_report_still_renders_with_its_charts() -> None:
    client, _ = manager()
    page = client.get("/reports/oversight/", {"start": "2026-01-01", "end": "2026-03-31", "scope": "all"})
    assert page.status_code == 200
    assert page.content.decode().count('role="img"') == 3


def test_signed_out_people_are_sent_to_sign_in() -> None:
    for url in ("/reports/", "/reports/oversight/", "/reports/ssda903/", "/reports/annex-a/"):
        assert Client().get(url).status_code == 302


def test_a_chart_has_a_title_a_description_and_a_label_on_every_bar() -> None:
    svg = bar_chart("c", "Episodes <by> month", [Count("Jan & Feb", 3), Count("Mar", 0), Count("Apr", 6)])
    assert 'role="img"' in svg and 'aria-labelledby="c-title c-desc"' in svg
    assert '<title id="c-title">Episodes &lt;by&gt; month</title>' in svg
    assert "9 in all; most in Apr (6)" in svg
    assert "<title>Jan &amp; Feb: 3</title>" in svg and ">6</text>" in svg and ">3</text>" in svg
    assert svg.count("<rect") == 3
