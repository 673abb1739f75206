"""Linked places (issue 18's second "Done when"): a return interview names a place and a person;
a second child's return interview names the same place. The places report links both children to
that place (two children, both named for a reader who may see them; numbered for an analyst), and
the next risk assessment is offered the place and the person for the social worker to confirm."""

from __future__ import annotations

import pytest

from homeward.accounts.models import Role, User
from homeward.casework.restrictions import restrict_record
from homeward.children.models import Child
from tests.conftest import Service
from tests.factories import UserFactory, signed_in
from tests.web.test_interview_findings import found_episode, interview, second_child

pytestmark = pytest.mark.django_db

PLACE = "The flat above the chip shop, Widemarsh Street"


@pytest.fixture
def tamsin(service: Service) -> Child:
    """Two children name the flat: the first also names Dean; Tamsin names the flat alone."""
    interview(
        found_episode(service.child, service.worker),
        service.worker,
        account_where=f"Hereford bus station\n{PLACE}",
        account_with_whom="Dean, about 25, drives a black Audi",
    )
    other = second_child(service, "Tamsin")
    # Typed differently at the second interview: the same place all the same.
    interview(
        found_episode(other, service.worker),
        service.worker,
        account_where="the flat above the chip shop, widemarsh street.",
        account_with_whom="",
    )
    return other


def coordinator(service: Service) -> User:
    user: User = UserFactory(role=Role.MISSING_COORDINATOR, organisation=service.team.organisation)
    return user


def row_for(rows: list[tuple[object, ...]], name: str) -> tuple[object, ...]:
    [row] = [r for r in rows if str(r[0]).casefold() == name.casefold()]
    return row


def test_the_place_two_children_named_links_both_children_for_the_coordinator(
    service: Service, tamsin: Child
) -> None:
    page = signed_in(coordinator(service)).get("/reports/interview-names/")
    assert page.status_code == 200
    rows = page.context["table"].rows
    # Named by two children, so it ranks above what one child named.
    assert rows[0][:4] == (PLACE, "Place", 2, 2)
    children = str(rows[0][4])
    assert service.child.name in children and tamsin.name in children
    # The place only the first child named links only her.
    bus_station = row_for(rows, "Hereford bus station")
    assert bus_station[2] == 1 and tamsin.name not in str(bus_station[4])
    body = page.content.decode()
    assert PLACE in body and tamsin.name in body


def test_an_analyst_sees_the_shared_place_counted_and_numbered_and_no_child(
    service: Service, tamsin: Child
) -> None:
    analyst = UserFactory(role=Role.ANALYST, organisation=service.team.organisation)
    page = signed_in(analyst).get("/reports/interview-names/")
    rows = page.context["table"].rows
    assert rows[0] == ("Place 1", "Place", 2, 2)
    body = page.content.decode()
    assert "chip shop" not in body.casefold()
    assert tamsin.last_name not in body and service.child.last_name not in body


def test_a_reader_who_may_not_see_the_second_child_is_not_told_she_named_the_place(
    service: Service, tamsin: Child
) -> None:
    keeper = coordinator(service)
    reader = coordinator(service)
    restrict_record(tamsin, sealed=True, named=[keeper], by=keeper)
    rows = signed_in(reader).get("/reports/interview-names/").context["table"].rows
    flat = row_for(rows, PLACE)
    assert flat[2] == 1
    assert tamsin.name not in str(flat[4]) and service.child.name in str(flat[4])
    # The one named on the restriction still sees both.
    rows = signed_in(keeper).get("/reports/interview-names/").context["table"].rows
    assert row_for(rows, PLACE)[2] == 2


def test_the_next_risk_assessment_of_each_child_is_offered_the_place_they_named(
    service: Service, tamsin: Child
) -> None:
    client = signed_in(service.worker)
    for child, offered in (
        (
            service.child,
            {f"place: {PLACE}", "place: Hereford bus station", "person: Dean, about 25, drives a black Audi"},
        ),
        (tamsin, {"place: the flat above the chip shop, widemarsh street."}),
    ):
        form = client.get(f"/children/{child.pk}/risk-assessment/").context["form"]
        labels = {label.split(": ", 1)[1] for _, label in form.fields["from_interview"].choices}
        assert offered <= labels, (child.name, labels)
        # Nothing is ticked for the worker: each is a suggestion to confirm.
        assert not form["from_interview"].value()
