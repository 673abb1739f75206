"""People are shown only what they can do: the navigation offers each role the sections it can
use, and those sections refuse everyone else; a refusal is shown as an error, never as success."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from homeward.accounts.models import Organisation, OrganisationKind, Role, User
from tests.factories import AuthorityFactory, EstablishmentFactory, UserFactory, signed_in

pytestmark = pytest.mark.django_db

BOARD, WORK, CHILDREN, OVERDUE, ALLOCATION, INBOX, REPORTS = (
    "/",
    "/my-work/",
    "/children/",
    "/overdue/",
    "/allocation/",
    "/inbox/",
    "/reports/",
)
PANELS = "/panels/"
EVERYTHING = [BOARD, WORK, CHILDREN, OVERDUE, INBOX, REPORTS]
# Those who allocate work to named people also have the queue of unallocated work.
ALLOCATES = [BOARD, WORK, CHILDREN, OVERDUE, ALLOCATION, INBOX, REPORTS]
# The coordinator and the managers run MACE panels and organisational reviews (PANEL_ROLES).
SECTIONS = {
    Role.SOCIAL_WORKER: EVERYTHING,
    Role.TEAM_MANAGER: [BOARD, WORK, CHILDREN, OVERDUE, ALLOCATION, INBOX, PANELS, REPORTS],
    Role.MISSING_COORDINATOR: [BOARD, WORK, CHILDREN, OVERDUE, ALLOCATION, INBOX, PANELS, REPORTS],
    Role.MASH_OFFICER: EVERYTHING,
    Role.SENIOR_MANAGER: [BOARD, WORK, CHILDREN, OVERDUE, INBOX, PANELS, REPORTS],
    Role.IRO: [BOARD, WORK, CHILDREN, INBOX, REPORTS],
    Role.RETURN_INTERVIEW_WORKER: [BOARD, WORK, CHILDREN, INBOX, REPORTS],
    Role.CARER: [BOARD, WORK, CHILDREN, INBOX],
    Role.POLICE_LIAISON: [BOARD, WORK, INBOX],
    Role.ANALYST: [INBOX, REPORTS],
    Role.ADMINISTRATOR: [INBOX],
}


def someone(role: Role) -> User:
    if role == Role.CARER:
        provider = Organisation.objects.create(name="Brightpath Homes", kind=OrganisationKind.CARE_PROVIDER)
        user: User = UserFactory(role=role, organisation=provider, establishment=EstablishmentFactory())
        return user
    if role == Role.POLICE_LIAISON:
        force = Organisation.objects.create(name="West Mercia Police", kind=OrganisationKind.POLICE_FORCE)
        user = UserFactory(role=role, organisation=force)
        return user
    user = UserFactory(role=role, organisation=AuthorityFactory())
    return user


def navigation(client: Client) -> list[str]:
    page = client.get(INBOX).content.decode()
    menu = page[page.index('id="navigation"') : page.index("</nav>")]
    return re.findall(r'class="govuk-service-navigation__link" href="([^"]+)"', menu)


@pytest.mark.parametrize("role", list(SECTIONS), ids=str)
def test_the_navigation_offers_each_role_only_the_sections_it_can_use(role: Role) -> None:
    client = signed_in(someone(role))
    offered = navigation(client)
    assert offered == SECTIONS[role]
    for section in ALLOCATES:
        response = client.get(section)
        if section in offered:
            assert response.status_code == 200, section
        else:
            # Not offered, and not open either: sent to where they start, told why.
            assert response.status_code == 302, section


def refusal_page(client: Client, url: str) -> str:
    response = client.get(url, follow=True)
    assert response.redirect_chain, url
    return html.unescape(response.content.decode())


def test_a_refusal_is_shown_as_an_error_not_a_success() -> None:
    client = signed_in(someone(Role.CARER))
    page = refusal_page(client, "/children/new/")
    assert "Only a local authority's social care staff can record a new child." in page
    assert "govuk-error-summary" in page and 'role="alert"' in page
    assert "govuk-notification-banner--success" not in page
    assert ">Success<" not in page
    overdue = refusal_page(client, OVERDUE)
    assert "govuk-error-summary" in overdue and ">Success<" not in overdue


def test_record_a_child_is_offered_only_to_those_who_may() -> None:
    assert "Record a child" not in signed_in(someone(Role.CARER)).get(CHILDREN).content.decode()
    assert "Record a child" not in signed_in(someone(Role.IRO)).get(CHILDREN).content.decode()
    assert "Record a child" in signed_in(someone(Role.SOCIAL_WORKER)).get(CHILDREN).content.decode()


def test_the_reports_page_does_not_offer_an_analyst_the_return_that_refuses_them() -> None:
    analyst = signed_in(someone(Role.ANALYST))
    assert "SSDA903" not in analyst.get(REPORTS).content.decode()
    assert analyst.get("/reports/ssda903/").status_code == 404
    assert "SSDA903" in signed_in(someone(Role.MISSING_COORDINATOR)).get(REPORTS).content.decode()


def test_an_analyst_starts_at_the_reports_not_an_empty_board() -> None:
    response = signed_in(someone(Role.ANALYST)).get(BOARD)
    assert response.status_code == 302 and response["Location"] == REPORTS
