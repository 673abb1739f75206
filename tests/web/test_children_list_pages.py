"""The children list a page at a time: a coordinator sees the whole authority's children, and
thousands in one table were a long scroll on a phone and most of the page's time (issue 20)."""

from __future__ import annotations

import re

import pytest

from homeward.accounts.models import Role
from homeward.children.models import Child
from homeward.web.views.children import CHILDREN_PER_PAGE
from tests.factories import AuthorityFactory, ChildFactory, UserFactory, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator() -> object:
    authority = AuthorityFactory()
    for n in range(CHILDREN_PER_PAGE + 1):
        ChildFactory(responsible_authority=authority, first_name="Child", last_name=f"Surname{n:03d}")
    return UserFactory(organisation=authority, role=Role.MISSING_COORDINATOR)


def names(html: str) -> list[str]:
    return re.findall(r'href="/children/\d+/">(Child Surname\d+)</a>', html)


def test_the_first_page_shows_a_page_of_children_in_name_order_and_says_how_many_in_all(
    coordinator: object,
) -> None:
    html = signed_in(coordinator).get("/children/").content.decode()
    shown = names(html)
    assert len(shown) == CHILDREN_PER_PAGE
    assert shown == sorted(shown) and shown[0] == "Child Surname000"
    assert f"Showing 1 to {CHILDREN_PER_PAGE} of {CHILDREN_PER_PAGE + 1} children" in html
    assert 'href="?page=2" rel="next"' in html and 'rel="prev"' not in html


def test_the_next_page_shows_the_rest_and_leads_back(coordinator: object) -> None:
    html = signed_in(coordinator).get("/children/?page=2").content.decode()
    assert names(html) == [f"Child Surname{CHILDREN_PER_PAGE:03d}"]
    assert 'href="?page=1" rel="prev"' in html and 'rel="next"' not in html


@pytest.mark.parametrize(("asked", "first"), [("abc", "000"), ("0", "050"), ("999", "050"), ("-1", "050")])
def test_any_page_number_gives_a_page(coordinator: object, asked: str, first: str) -> None:
    response = signed_in(coordinator).get("/children/", {"page": asked})
    assert response.status_code == 200
    assert names(response.content.decode())[0] == f"Child Surname{first}"


def test_a_search_keeps_its_words_from_page_to_page(coordinator: object) -> None:
    html = signed_in(coordinator).get("/children/", {"q": "surname"}).content.decode()
    assert len(names(html)) == CHILDREN_PER_PAGE
    assert 'href="?q=surname&amp;page=2" rel="next"' in html


def test_one_page_of_children_needs_no_page_links(coordinator: object) -> None:
    Child.objects.filter(last_name__gte="Surname010").delete()
    html = signed_in(coordinator).get("/children/").content.decode()
    assert len(names(html)) == 10
    assert "govuk-pagination" not in html


def test_a_long_list_offers_the_first_and_last_pages_and_those_beside_this_one(coordinator: object) -> None:
    authority = coordinator.organisation  # type: ignore[attr-defined]
    for n in range(CHILDREN_PER_PAGE + 1, CHILDREN_PER_PAGE * 10):
        ChildFactory(responsible_authority=authority, first_name="Child", last_name=f"Surname{n:03d}")
    html = signed_in(coordinator).get("/children/?page=5").content.decode()
    offered = re.findall(r'aria-label="Page (\d+)[^"]*"', html)
    assert offered == ["1", "4", "5", "6", "10"]
    assert html.count("govuk-pagination__item--ellipses") == 2
    assert 'aria-label="Page 5 of 10" aria-current="page"' in html
