"""Return interview findings as intelligence (issue 18): what a return home interview found
(places, people, why the child went, signs of exploitation) is offered on the Find Me plan for the
social worker to confirm, item by item; only what they tick is written, into a new version of the
plan naming the interview; a confirmed concern is a flag the pack reads (West Mercia 12.7)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from homeward.accounts.models import Role
from homeward.casework.episodes import record_found, report_episode
from homeward.casework.interviews import record_return_interview
from homeward.children.models import Child, FindMePlan, Flag
from homeward.episodes.models import Episode
from homeward.interviews.findings import names_in
from homeward.interviews.models import ConfirmedFinding, Response, ReturnInterview
from homeward.obligations.models import Obligation
from tests.conftest import Service
from tests.factories import UserFactory, signed_in

pytestmark = pytest.mark.django_db

WHERE = "Hereford bus station\nThe flat above the chip shop, Widemarsh Street"
WITH_WHOM = "Dean, about 25, drives a black Audi"


def found_episode(child: Child, by: Any) -> Episode:
    now = timezone.now().replace(microsecond=0)
    episode = report_episode(
        child,
        category="missing",
        reported_at=now - timedelta(hours=30),
        last_seen_at=now - timedelta(hours=31),
        police_informed=True,
        by=by,
    )
    record_found(episode, at=now - timedelta(hours=26), by=by)
    episode.refresh_from_db()
    return episode


def interview(episode: Episode, by: Any, **answers: Any) -> ReturnInterview:
    now = timezone.now().replace(microsecond=0)
    return record_return_interview(
        ReturnInterview(
            episode=episode,
            offered_at=now - timedelta(hours=24),
            response=Response.ACCEPTED,
            held_at=now - timedelta(hours=20),
            held_where="At school",
            held_by=by,
            method="face_to_face",
            told_independent=True,
            chose_independent=False,
            seen_alone=True,
            account_where=answers.pop("account_where", WHERE),
            account_with_whom=answers.pop("account_with_whom", WITH_WHOM),
            **answers,
        ),
        by=by,
    )


def plan_form(**changes: Any) -> dict[str, Any]:
    return {
        "version": "0",
        "description": "Slim, long dark hair",
        "likely_places": "",
        "reason": "Return interview findings added",
        **changes,
    }


@pytest.fixture
def interviewed(service: Service) -> ReturnInterview:
    return interview(found_episode(service.child, service.worker), service.worker)


def test_an_interview_naming_a_place_and_a_person_is_offered_on_the_find_me_plan(
    service: Service, interviewed: ReturnInterview
) -> None:
    page = signed_in(service.worker).get(f"/children/{service.child.pk}/find-me-plan/")
    text = page.content.decode()
    day = f"{timezone.localdate(interviewed.held_at):%-d %B %Y}"
    assert page.status_code == 200
    assert f"From the return interview on {day}: place: Hereford bus station" in text
    assert f"From the return interview on {day}: person: Dean, about 25, drives a black Audi" in text
    # Offered, never ticked for the worker.
    assert "checked" not in page.context["form"]["from_interview"].as_widget()


def test_confirming_a_place_writes_a_new_plan_version_naming_the_interview(
    service: Service, interviewed: ReturnInterview
) -> None:
    client = signed_in(service.worker)
    form = client.get(f"/children/{service.child.pk}/find-me-plan/").context["form"]
    keys = {label.split(": ", 1)[1]: key for key, label in form.fields["from_interview"].choices}
    page = client.post(
        f"/children/{service.child.pk}/find-me-plan/",
        plan_form(from_interview=[keys["place: Hereford bus station"]]),
    )
    assert page.status_code == 302
    plan = FindMePlan.objects.get(child=service.child)
    assert plan.likely_places == "Hereford bus station"
    assert "Dean" not in plan.contacts  # left, not confirmed
    confirmed = ConfirmedFinding.objects.get()
    assert (confirmed.interview, confirmed.text, confirmed.written_to) == (
        interviewed,
        "Hereford bus station",
        "likely_places",
    )
    assert confirmed.plan_version == plan.version == 1
    assert confirmed.confirmed_by == service.worker
    # Confirmed once: no longer offered; the finding left is still offered.
    again = client.get(f"/children/{service.child.pk}/find-me-plan/").context["form"]
    labels = [label for _, label in again.fields["from_interview"].choices]
    assert not any("Hereford bus station" in label for label in labels)
    assert any("Dean" in label for label in labels)


def test_a_suggestion_not_confirmed_changes_nothing(service: Service, interviewed: ReturnInterview) -> None:
    signed_in(service.worker).post(f"/children/{service.child.pk}/find-me-plan/", plan_form())
    plan = FindMePlan.objects.get(child=service.child)
    assert (plan.likely_places, plan.contacts) == ("", "")
    assert not ConfirmedFinding.objects.exists()
    service.child.refresh_from_db()
    assert service.child.flags == []


def test_a_finding_changed_since_the_page_was_read_is_refused_naming_the_field(
    service: Service, interviewed: ReturnInterview
) -> None:
    page = signed_in(service.worker).post(
        f"/children/{service.child.pk}/find-me-plan/", plan_form(from_interview=["999-place-0000"])
    )
    assert page.status_code == 400
    assert "What the return interviews found: the interview has changed" in page.content.decode()
    assert not FindMePlan.objects.exists()


def test_a_confirmed_exploitation_concern_makes_the_west_mercia_return_interview_a_must(
    service: Service,
) -> None:
    """West Mercia 12.7: a return interview must be held when the child is at risk of sexual
    exploitation (among the listed concerns); on a first episode without one it is a consider."""
    child = service.child
    assert child.responsible_authority.protocol == "west-mercia"
    episode = found_episode(child, service.worker)
    duty = Obligation.objects.get(episode=episode, kind="return_interview")
    assert duty.requirement == "consider"
    interview(episode, service.worker, exploitation_indicators=["sexual"])
    client = signed_in(service.worker)
    form = client.get(f"/children/{child.pk}/find-me-plan/").context["form"]
    concerns = dict((label.split(" (")[0], key) for key, label in form.fields["concerns"].choices)
    cse = next(key for label, key in concerns.items() if Flag.CSE_RISK.label in label)
    client.post(f"/children/{child.pk}/find-me-plan/", plan_form(concerns=[cse]))
    child.refresh_from_db()
    assert Flag.CSE_RISK in child.flags
    duty.refresh_from_db()
    assert duty.requirement == "must"


def test_a_concern_suggested_but_not_confirmed_leaves_the_duty_a_consider(service: Service) -> None:
    episode = found_episode(service.child, service.worker)
    interview(episode, service.worker, exploitation_indicators=["sexual"])
    signed_in(service.worker).post(f"/children/{service.child.pk}/find-me-plan/", plan_form())
    service.child.refresh_from_db()
    assert service.child.flags == []
    assert Obligation.objects.get(episode=episode, kind="return_interview").requirement == "consider"


def test_a_carer_keeps_the_plan_but_is_offered_no_interview_findings(
    service: Service, interviewed: ReturnInterview
) -> None:
    """Only those who may read the interview see its findings as suggestions."""
    from homeward.casework.placements import start_placement
    from tests.factories import EstablishmentFactory

    home = EstablishmentFactory()
    start_placement(service.child, establishment=home, at=timezone.now() - timedelta(days=60), by=None)
    carer = UserFactory(role=Role.CARER, establishment=home, organisation=home.provider)
    page = signed_in(carer).get(f"/children/{service.child.pk}/find-me-plan/")
    assert page.status_code == 200
    assert "from_interview" not in page.context["form"].fields
    assert "Hereford bus station" not in page.content.decode()


def test_places_are_read_one_to_a_line_or_separated_by_semicolons() -> None:
    assert names_in("- Hereford bus station; the park\n\n  the park  \n") == [
        "Hereford bus station",
        "the park",
    ]


def second_child(service: Service, first_name: str) -> Child:
    from tests.factories import ChildFactory

    return ChildFactory(
        responsible_authority=service.team.organisation,
        team=service.team,
        allocated_worker=service.worker,
        first_name=first_name,
        last_name="Quennell-Ardmore",
    )


@pytest.fixture
def three_children_name_the_bus_station(service: Service) -> list[Child]:
    children = [service.child, second_child(service, "Tamsin"), second_child(service, "Ossian")]
    places = ["Hereford bus station", "hereford  bus station.", "HEREFORD BUS STATION\nThe retail park"]
    people = [WITH_WHOM, "", ""]
    for child, where, who in zip(children, places, people, strict=True):
        interview(
            found_episode(child, service.worker), service.worker, account_where=where, account_with_whom=who
        )
    return children


def test_the_report_counts_a_place_named_by_three_children_first(
    service: Service, three_children_name_the_bus_station: list[Child]
) -> None:
    coordinator = UserFactory(role=Role.MISSING_COORDINATOR, organisation=service.team.organisation)
    page = signed_in(coordinator).get("/reports/interview-names/")
    assert page.status_code == 200
    rows = page.context["table"].rows
    assert rows[0][:4] == ("Hereford bus station", "Place", 3, 3)
    assert "Tamsin Quennell-Ardmore" in rows[0][4]
    assert ("The retail park", "Place", 1, 1) in [r[:4] for r in rows]


def test_an_analyst_sees_the_counts_numbered_never_the_place_or_the_children(
    service: Service, three_children_name_the_bus_station: list[Child]
) -> None:
    analyst = UserFactory(role=Role.ANALYST, organisation=service.team.organisation)
    page = signed_in(analyst).get("/reports/interview-names/")
    body = page.content.decode()
    assert page.context["table"].rows[0] == ("Place 1", "Place", 3, 3)
    assert "bus station" not in body.casefold()
    assert "Quennell-Ardmore" not in body and "Dean" not in body


def test_the_csv_is_safe_to_open_in_a_spreadsheet(service: Service) -> None:
    interview(
        found_episode(service.child, service.worker),
        service.worker,
        account_where='=HYPERLINK("http://example.org")',
    )
    coordinator = UserFactory(role=Role.MISSING_COORDINATOR, organisation=service.team.organisation)
    download = signed_in(coordinator).get("/reports/interview-names/?download=csv&table=named")
    assert download.status_code == 200
    text = download.content.decode("utf-8-sig")
    assert "\r\n=HYPERLINK" not in text and "'=HYPERLINK" in text


def test_another_authoritys_coordinator_counts_none_of_these_interviews(
    service: Service, three_children_name_the_bus_station: list[Child]
) -> None:
    from tests.factories import AuthorityFactory

    elsewhere = AuthorityFactory(name="Powys County Council")
    other = UserFactory(role=Role.MISSING_COORDINATOR, organisation=elsewhere)
    page = signed_in(other).get("/reports/interview-names/")
    assert page.status_code == 200
    assert page.context["table"].rows == []
    assert "bus station" not in page.content.decode().casefold()


def test_the_police_are_sent_away_from_the_report(service: Service) -> None:
    from homeward.accounts.models import Organisation, OrganisationKind

    force = Organisation.objects.create(name="West Mercia Police", kind=OrganisationKind.POLICE_FORCE)
    police = UserFactory(role=Role.POLICE_LIAISON, organisation=force)
    page = signed_in(police).get("/reports/interview-names/")
    assert page.status_code == 302


def test_the_police_told_of_the_episode_see_places_people_and_signs_not_the_childs_account() -> None:
    """Issue 18, "What the police see, and no more": an intelligence summary from the return
    interview (places, people, exploitation indicators; not the child's whole account)."""
    from homeward.access.audit import VIEWED
    from homeward.accounts.models import AuditEntry
    from tests.web.test_profile import Place

    place = Place()
    episode = place.report()
    record_found(episode, at=timezone.now() - timedelta(minutes=30), by=place.worker)
    episode.refresh_from_db()
    now = timezone.now().replace(microsecond=0)
    record_return_interview(
        ReturnInterview(
            episode=episode,
            offered_at=now - timedelta(minutes=20),
            response=Response.ACCEPTED,
            held_at=now - timedelta(minutes=10),
            held_by=place.worker,
            held_where="At the home",
            method="face_to_face",
            told_independent=True,
            chose_independent=False,
            seen_alone=True,
            account_where="Hereford bus station",
            account_with_whom="Dean, about 25",
            account_why="Wanted to see her mum; said the home is too strict",
            exploitation_indicators=["gifts_money"],
        ),
        by=place.worker,
    )
    body = signed_in(place.police).get(f"/episodes/{episode.pk}/").content.decode()
    assert "What the return interview found" in body
    assert "Hereford bus station" in body and "Dean, about 25" in body
    assert "Unexplained gifts, phone or money" in body
    assert "too strict" not in body
    [entry] = AuditEntry.objects.filter(
        object_pk=str(episode.pk),
        additional_data__outcome=VIEWED,
        additional_data__view="interview_intelligence",
    )
    assert entry.additional_data["recipient_force"] == "West Mercia Police"
    # Another force, not told: the episode is not there for it at all.
    assert signed_in(place.other_police).get(f"/episodes/{episode.pk}/").status_code == 404


def test_the_next_risk_assessment_is_offered_the_interview_and_keeps_only_what_was_ticked(
    service: Service, interviewed: ReturnInterview
) -> None:
    from homeward.children.models import PlacementRiskAssessment

    client = signed_in(service.worker)
    url = f"/children/{service.child.pk}/risk-assessment/"
    form = client.get(url).context["form"]
    keys = {label.split(": ", 1)[1]: key for key, label in form.fields["from_interview"].choices}
    assert "person: Dean, about 25, drives a black Audi" in keys
    answers = {
        "completed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "likelihood": "medium",
        "risk_if_missing": "medium",
        "cse_risk": "high",
        "risk_to_others": "low",
        "from_interview": [keys["person: Dean, about 25, drives a black Audi"]],
    }
    assert client.post(url, answers).status_code == 302
    assessment = PlacementRiskAssessment.objects.get()
    day = f"{timezone.localdate(interviewed.held_at):%-d %B %Y}"
    assert assessment.associates == f"Dean, about 25, drives a black Audi (return interview, {day})"
    assert assessment.potential_addresses == ""
    # The next assessment after this one is offered only interviews held since.
    assert "from_interview" not in client.get(url).context["form"].fields
