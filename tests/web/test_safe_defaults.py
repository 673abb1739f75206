"""No question that raises or closes a duty is answered for the person: a form shows no answer
chosen, and a form sent without one records nothing and says which question is unanswered."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from homeward.accounts.models import Organisation, OrganisationKind, Role, User
from homeward.casework.episodes import report_episode
from homeward.casework.placements import start_placement
from homeward.children.models import Child, Establishment, PlacementType
from homeward.episodes.models import Episode
from homeward.obligations.models import Obligation
from tests.factories import AuthorityFactory, ChildFactory, TeamFactory, UserFactory, signed_in

pytestmark = pytest.mark.django_db


def local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def checked(page: str, name: str) -> list[str]:
    """The values of the radios or checkboxes called ``name`` that the page shows chosen."""
    inputs = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
    return [re.search(r'value="([^"]*)"', tag).group(1) for tag in inputs if " checked" in tag]  # type: ignore[union-attr]


@pytest.fixture
def home() -> tuple[User, Child]:
    """A carer at a children's home, and a child placed there, in an area West Mercia Police cover."""
    force = Organisation.objects.create(name="West Mercia Police", kind=OrganisationKind.POLICE_FORCE)
    authority = AuthorityFactory(police_force=force)
    provider = Organisation.objects.create(name="Brightpath Homes", kind=OrganisationKind.CARE_PROVIDER)
    willows = Establishment.objects.create(
        name="The Willows", type=PlacementType.RESIDENTIAL, provider=provider, area=authority
    )
    team = TeamFactory(organisation=authority)
    worker = UserFactory(role=Role.SOCIAL_WORKER, organisation=authority, team=team)
    carer = UserFactory(role=Role.CARER, organisation=provider, establishment=willows)
    child: Child = ChildFactory(responsible_authority=authority, allocated_worker=worker, team=team)
    start_placement(child, establishment=willows, at=timezone.now() - timedelta(days=30), by=worker)
    return carer, child


def test_the_report_form_does_not_answer_whether_the_police_have_been_told(home: tuple[User, Child]) -> None:
    carer, child = home
    page = signed_in(carer).get(f"/children/{child.pk}/report/").content.decode()
    assert 'name="police_informed"' in page
    assert checked(page, "police_informed") == []


def test_a_report_that_does_not_say_whether_the_police_were_told_is_refused_naming_the_question(
    home: tuple[User, Child],
) -> None:
    carer, child = home
    now = timezone.now()
    # The two questions a carer at 2 a.m. answers first, and the report time the form fills in.
    response = signed_in(carer).post(
        f"/children/{child.pk}/report/",
        {
            "category": "missing",
            "last_seen_at": local(now - timedelta(hours=2)),
            "reported_at": local(now - timedelta(minutes=5)),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_police_informed_0"' in page
    assert "Have the police been told: choose an answer." in page
    assert not Episode.objects.exists()


def test_not_yet_raises_the_duty_to_tell_the_police(home: tuple[User, Child]) -> None:
    carer, child = home
    now = timezone.now()
    response = signed_in(carer).post(
        f"/children/{child.pk}/report/",
        {
            "category": "missing",
            "last_seen_at": local(now - timedelta(hours=2)),
            "reported_at": local(now - timedelta(minutes=5)),
            "police_informed": "false",
            "last_seen_force": "not_known",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    episode = Episode.objects.get(child=child)
    assert episode.police_informed is False
    duty = Obligation.objects.get(episode=episode, kind="notify", recipient="police")
    assert duty.outcome == ""


def test_the_close_form_does_not_choose_an_outcome(home: tuple[User, Child]) -> None:
    carer, child = home
    now = timezone.now()
    episode = report_episode(
        child,
        category="missing",
        reported_at=now - timedelta(hours=3),
        last_seen_at=now - timedelta(hours=4),
        police_informed=True,
        by=carer,
    )
    # The social worker's own duty: tell the IRO the looked-after child is missing (West Mercia 6.20).
    duty = Obligation.objects.get(episode=episode, kind="notify", recipient="iro")
    assert duty.assignee == child.allocated_worker
    client = signed_in(child.allocated_worker)  # type: ignore[arg-type]
    page = client.get(f"/obligations/{duty.pk}/close/").content.decode()
    assert 'name="outcome"' in page
    assert checked(page, "outcome") == []
    sent = client.post(f"/obligations/{duty.pk}/close/", {"at": local(now)})
    assert sent.status_code == 400
    assert "Outcome: choose an answer." in sent.content.decode()
    duty.refresh_from_db()
    assert duty.outcome == ""


def missing(child: Child, by: User) -> Episode:
    now = timezone.now()
    return report_episode(
        child,
        category="missing",
        reported_at=now - timedelta(hours=5),
        last_seen_at=now - timedelta(hours=6),
        police_informed=True,
        police_reference="WMP-26-000123",
        by=by,
    )


def found_form(**answers: str) -> dict[str, str]:
    return {
        "at": local(timezone.now() - timedelta(minutes=30)),
        "where": "Returned to The Willows",
        "found_by": "Came back on her own",
        "harmed": "false",
        **answers,
    }


def safe_and_well_check(episode: Episode) -> Obligation:
    return Obligation.objects.get(episode=episode, kind="safe_and_well_check")


def test_the_found_form_asks_about_the_safe_and_well_check_with_three_answers_none_chosen(
    home: tuple[User, Child],
) -> None:
    carer, child = home
    episode = missing(child, carer)
    page = signed_in(carer).get(f"/episodes/{episode.pk}/found/").content.decode()
    assert "Yes, it has been done" in page
    assert "No, and it will not be done" in page
    assert "Not yet, or I do not know" in page
    assert checked(page, "safe_and_well_done") == []
    assert checked(page, "harmed") == []


def test_a_check_the_police_will_do_in_the_morning_leaves_their_duty_open(home: tuple[User, Child]) -> None:
    carer, child = home
    episode = missing(child, carer)
    client = signed_in(carer)
    response = client.post(f"/episodes/{episode.pk}/found/", found_form(safe_and_well_done="not_yet"))
    assert response.status_code == 302, response.content.decode()[:2000]
    episode.refresh_from_db()
    assert episode.found_at is not None
    assert episode.safe_and_well_done is None
    check = safe_and_well_check(episode)
    assert (check.outcome, check.falls_to) == ("", Role.POLICE_LIAISON)
    assert "it stays in the police" in client.get(f"/episodes/{episode.pk}/").content.decode()


def test_a_found_form_that_does_not_answer_the_safe_and_well_question_records_nothing(
    home: tuple[User, Child],
) -> None:
    carer, child = home
    episode = missing(child, carer)
    response = signed_in(carer).post(f"/episodes/{episode.pk}/found/", found_form())
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_safe_and_well_done_0"' in page
    assert "Has the police safe and well check been done: choose an answer." in page
    episode.refresh_from_db()
    assert episode.found_at is None


def test_a_check_that_will_not_be_done_needs_the_reason_and_closes_the_duty_as_declined(
    home: tuple[User, Child],
) -> None:
    carer, child = home
    episode = missing(child, carer)
    client = signed_in(carer)
    refused = client.post(f"/episodes/{episode.pk}/found/", found_form(safe_and_well_done="false"))
    assert refused.status_code == 400
    assert "Say why no safe and well check will be done." in refused.content.decode()
    episode.refresh_from_db()
    assert episode.found_at is None
    reason = "The duty inspector decided no check was needed: she was never at risk."
    sent = client.post(
        f"/episodes/{episode.pk}/found/",
        found_form(safe_and_well_done="false", safe_and_well_reason=reason),
    )
    assert sent.status_code == 302
    check = safe_and_well_check(episode)
    assert (check.outcome, check.reason) == ("declined", reason)


def test_the_police_record_the_check_later_and_the_episode_says_it_was_done(
    home: tuple[User, Child],
) -> None:
    carer, child = home
    episode = missing(child, carer)
    signed_in(carer).post(f"/episodes/{episode.pk}/found/", found_form(safe_and_well_done="not_yet"))
    police = UserFactory(role=Role.POLICE_LIAISON, organisation=child.responsible_authority.police_force)
    check = safe_and_well_check(episode)
    closed = signed_in(police).post(
        f"/obligations/{check.pk}/close/", {"outcome": "done", "at": local(timezone.now())}
    )
    assert closed.status_code == 302, closed.content.decode()[:2000]
    check.refresh_from_db()
    episode.refresh_from_db()
    assert check.outcome == "done"
    assert episode.safe_and_well_done is True


def test_a_check_not_yet_done_is_in_the_police_forces_work_not_another_forces(
    home: tuple[User, Child],
) -> None:
    carer, child = home
    # An officer of another force, signed up first: the duty is not theirs to chase.
    elsewhere = Organisation.objects.create(name="Dyfed-Powys Police", kind=OrganisationKind.POLICE_FORCE)
    stranger = UserFactory(role=Role.POLICE_LIAISON, organisation=elsewhere)
    police = UserFactory(role=Role.POLICE_LIAISON, organisation=child.responsible_authority.police_force)
    episode = missing(child, carer)
    signed_in(carer).post(f"/episodes/{episode.pk}/found/", found_form(safe_and_well_done="not_yet"))
    check = safe_and_well_check(episode)
    assert check.assignee == police
    work = signed_in(police).get("/my-work/").content.decode()
    assert check.title in work
    # "Record outcome" opens the safe and well check's record, offering this duty.
    assert f'href="/episodes/{check.episode_id}/records/safe_and_well/new/?duty={check.pk}"' in work
    assert check.title not in signed_in(stranger).get("/my-work/").content.decode()
