"""Missing versus away at the point of entry: the DfE's definitions on the report form, and each
authority's share of missing and away beside the national figures on the data-quality page."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from homeward.accounts.models import Role, User
from homeward.reports import missing_away, ssda903
from homeward.reports.ssda903 import CollectionYear
from tests.factories import AuthorityFactory, UserFactory, sign_in
from tests.reports.builders import episode, placed_child

pytestmark = pytest.mark.django_db


def test_the_report_form_explains_missing_absent_and_away_in_the_dfes_words() -> None:
    # Where the authority's pack does not define the categories in its own words (Greenwich's
    # factsheet does not; West Mercia's 3.4-3.6 does, tests/web/test_carer_report.py).
    authority = AuthorityFactory(protocol="greenwich")
    child = placed_child(authority=authority)
    worker: User = UserFactory(organisation=authority, role=Role.MISSING_COORDINATOR)
    html = sign_in(Client(), worker).get(f"/children/{child.pk}/report/").content.decode()
    away = 'id="id_category_2-item-hint" class="govuk-hint govuk-radios__hint">A looked-after child whose whereabouts are known'
    assert away in html
    assert 'aria-describedby="id_category_2-item-hint"' in html
    assert "where they are expected to be (for example school), and their whereabouts are not known" in html
    assert "If you know where a looked-after child is, they are away, not missing" in html


def test_each_national_figure_carries_its_year_basis_and_source() -> None:
    data = json.loads(missing_away.NATIONAL.read_text())
    assert len(data["figures"]) >= 2
    for figure in data["figures"]:
        assert figure["year"] and figure["basis"] and figure["source"]
        assert figure["url"].startswith("https://")
    # The DfE's own estimate of the true 2019-20 figures is there, with its away share.
    estimate = next(s for s in missing_away.national() if s.year == "2019-20")
    assert (estimate.missing, estimate.away, estimate.away_share) == (11000, 4800, 30)


def test_an_authoritys_share_counts_children_missing_and_away_in_the_years_return() -> None:
    authority = AuthorityFactory(name="Herefordshire Council")
    amy, ben, cal, dee = (placed_child(authority=authority, date_of_birth=date(2010, 1, 1)) for _ in range(4))
    episode(amy, "2025-07-10 21:00", 40)
    episode(amy, "2025-08-10 21:00", 40)
    episode(ben, "2025-07-11 21:00", 40)
    episode(ben, "2025-09-11 16:00", 3, "away")  # both missing and away: counted in each
    episode(cal, "2025-09-01 16:00", 3, "away")
    episode(dee, "2025-10-01 16:00", 3, "absent")  # an absence is neither
    other = placed_child(authority=AuthorityFactory(name="Shropshire Council"))
    episode(other, "2025-07-10 21:00", 40)
    from homeward.children.models import Child

    built = ssda903.assemble(Child.objects.all(), CollectionYear(2026), timezone.now())
    got = {
        s.who: (s.looked_after, s.missing, s.away, s.percent_missing, s.away_share)
        for s in missing_away.shares(built)
    }
    assert got == {
        "Herefordshire Council": (4, 2, 2, 50, 50),
        "Shropshire Council": (1, 1, 0, 100, 0),
    }


def test_the_data_quality_page_sets_the_authority_beside_england_with_sources() -> None:
    authority = AuthorityFactory(name="Herefordshire Council")
    amy = placed_child(authority=authority)
    episode(amy, "2025-07-10 21:00", 40)
    coordinator: User = UserFactory(organisation=authority, role=Role.MISSING_COORDINATOR)
    html = sign_in(Client(), coordinator).get("/reports/data-quality/", {"year": "2026"}).content.decode()
    section = html.split('id="missing-or-away"')[1]
    assert '<th scope="row" class="govuk-table__header">Herefordshire Council</th>' in section
    assert "none recorded" not in section  # 0 away of 1 missing or away: 0%, shown as such
    assert ">0%<" in section
    for figure in missing_away.national():
        assert f'href="{figure.url}"' in section and figure.source in section.replace("&#x27;", "'")
    assert ">4,800<" in section and ">30%<" in section
