"""Reporting a child missing in two minutes on a phone (issue 15): a carer starts at her children,
reports on one page with only what the police and the protocol need at once, and answers the
per-episode questions (West Mercia Appendix A) a group a page, or later. An unanswered question
stays unanswered, and the duty to tell the police (West Mercia 3.5.2, 6.16) is raised whatever
is left unanswered."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from homeward.accounts.models import Organisation, OrganisationKind, Role, User
from homeward.casework.episodes import record_found, report_episode
from homeward.casework.placements import start_placement
from homeward.children.models import Child, Establishment, PlacementType
from homeward.episodes import questions
from homeward.episodes.models import Episode
from homeward.obligations.models import Obligation
from homeward.protocols.pack import load_pack
from homeward.web.forms.episodes import ANSWERS
from homeward.web.views.common import start_page
from tests.factories import AuthorityFactory, ChildFactory, TeamFactory, UserFactory, signed_in

pytestmark = pytest.mark.django_db


def local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def home() -> tuple[User, Child]:
    """A carer at a children's home, and a child placed there (the authority works to West Mercia)."""
    force = Organisation.objects.create(name="West Mercia Police", kind=OrganisationKind.POLICE_FORCE)
    authority = AuthorityFactory(police_force=force, protocol="west-mercia")
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


def first_page(**extra: str) -> dict[str, str]:
    now = timezone.now()
    return {
        "category": "missing",
        "last_seen_at": local(now - timedelta(minutes=40)),
        "last_seen_where": "Bus station, Hereford",
        "police_informed": "false",
        "last_seen_force": "not_known",
        **extra,
    }


def test_a_carer_starts_at_her_children_and_a_social_worker_at_the_board(home: tuple[User, Child]) -> None:
    carer, child = home
    assert start_page(carer) == "/children/"
    assert child.allocated_worker is not None
    assert start_page(child.allocated_worker) == "/"
    # Signing in without asking for a page ends where she starts.
    client = signed_in(carer)
    assert client.get("/sign-in/code/?next=/")["Location"] == "/children/"


def test_each_child_she_cares_for_has_report_missing_beside_it(home: tuple[User, Child]) -> None:
    carer, child = home
    page = signed_in(carer).get("/children/").content.decode()
    assert f'href="/children/{child.pk}/report/"' in page


def test_a_child_already_missing_shows_missing_since_and_the_open_episode_instead(
    home: tuple[User, Child],
) -> None:
    carer, child = home
    episode = report_episode(
        child,
        category="missing",
        reported_at=timezone.now() - timedelta(hours=1),
        last_seen_at=timezone.now() - timedelta(hours=2),
        police_informed=False,
        by=carer,
    )
    page = signed_in(carer).get("/children/").content.decode()
    assert f'href="/children/{child.pk}/report/"' not in page
    assert f'href="/episodes/{episode.pk}/">Missing since' in page
    assert f"{len(questions.QUESTIONS)} questions still unanswered" in page


def test_someone_who_sees_the_child_but_may_not_report_is_not_offered_report_missing(
    home: tuple[User, Child],
) -> None:
    carer, child = home
    episode = report_episode(
        child,
        category="missing",
        reported_at=timezone.now() - timedelta(days=3),
        last_seen_at=None,
        police_informed=True,
        by=carer,
    )
    record_found(episode, at=timezone.now() - timedelta(days=2), by=carer)
    # A return interview worker sees the authority's children who have been missing, and reports none.
    interviewer = UserFactory(role=Role.RETURN_INTERVIEW_WORKER, organisation=child.responsible_authority)
    page = signed_in(interviewer).get("/children/").content.decode()
    assert child.first_name in page
    assert f'href="/children/{child.pk}/report/"' not in page


def test_the_categories_are_defined_in_the_authoritys_own_protocol_words(home: tuple[User, Child]) -> None:
    carer, child = home
    page = signed_in(carer).get(f"/children/{child.pk}/report/").content.decode()
    defined = load_pack("west-mercia").definitions.categories
    for category in ("missing", "absent", "away"):
        assert defined[category].text in page
        assert defined[category].cites in page


def test_the_first_page_asks_only_what_the_police_and_the_protocol_need_at_once(
    home: tuple[User, Child],
) -> None:
    carer, child = home
    page = signed_in(carer).get(f"/children/{child.pk}/report/").content.decode()
    form = page[page.index("<main") :]
    # A date's day, month, year, hour and minute boxes are one question.
    names = re.findall(r"<(?:input|textarea|select)[^>]*name=\"([a-z_]+)\"", form)
    asked = {re.sub(r"_(day|month|year|hour|minute)$", "", name) for name in names} - {"csrfmiddlewaretoken"}
    # When it was reported is filled in with now; changed only for a report made earlier.
    assert asked == {
        "category",
        "last_seen_at",
        "last_seen_where",
        "last_seen_force",
        "police_informed",
        "police_reference",
        "reported_at",
    }
    assert 'href="tel:999"' in page and 'href="tel:101"' in page


def test_a_carers_report_is_saved_from_the_first_page_and_the_questions_follow(
    home: tuple[User, Child],
) -> None:
    carer, child = home
    before = timezone.now()
    response = signed_in(carer).post(f"/children/{child.pk}/report/", first_page())
    episode = Episode.objects.get(child=child)
    assert response["Location"] == f"/episodes/{episode.pk}/questions/{questions.GROUPS[0].slug}/"
    assert episode.reported_at >= before and episode.reported_by == carer
    assert episode.last_seen_where == "Bus station, Hereford"
    # Every other question is still unanswered, none answered for her ...
    assert questions.unanswered(episode) == [q for q in questions.QUESTIONS if q != "last_seen_where"]
    assert episode.out_of_character is None and episode.self_harm_risk is None
    # ... and the duty to tell the police is raised all the same.
    assert Obligation.objects.filter(episode=episode, kind="notify", recipient="police", outcome="").exists()


def test_a_report_with_a_date_that_does_not_exist_names_the_field_and_saves_nothing(
    home: tuple[User, Child],
) -> None:
    carer, child = home
    response = signed_in(carer).post(
        f"/children/{child.pk}/report/", first_page(last_seen_at="2026-02-31T25:00", category="lost")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_last_seen_at"' in page and 'href="#id_category_0"' in page
    assert not Episode.objects.exists()


def test_a_last_seen_time_in_the_future_is_refused_on_its_field(home: tuple[User, Child]) -> None:
    carer, child = home
    future = local(timezone.now() + timedelta(hours=3))
    response = signed_in(carer).post(f"/children/{child.pk}/report/", first_page(last_seen_at=future))
    assert response.status_code == 400
    assert 'href="#id_last_seen_at"' in response.content.decode()
    assert not Episode.objects.exists()


def test_a_police_reference_with_not_yet_is_not_kept(home: tuple[User, Child]) -> None:
    carer, child = home
    signed_in(carer).post(f"/children/{child.pk}/report/", first_page(police_reference="WMP-1"))
    episode = Episode.objects.get(child=child)
    assert (episode.police_informed, episode.police_reference) == (False, "")


@pytest.fixture
def reported(home: tuple[User, Child]) -> tuple[User, Episode]:
    carer, child = home
    signed_in(carer).post(f"/children/{child.pk}/report/", first_page())
    return carer, Episode.objects.get(child=child)


def test_the_episode_page_says_how_many_questions_are_unanswered_and_links_to_them(
    reported: tuple[User, Episode],
) -> None:
    carer, episode = reported
    page = signed_in(carer).get(f"/episodes/{episode.pk}/").content.decode()
    assert f"{len(questions.QUESTIONS) - 1} questions about this episode still unanswered" in page
    for group in questions.GROUPS:
        assert f'href="/episodes/{episode.pk}/questions/{group.slug}/"' in page


def test_a_questions_page_saves_its_own_questions_and_leaves_not_known_unanswered(
    reported: tuple[User, Episode],
) -> None:
    carer, episode = reported
    client = signed_in(carer)
    page = client.get(f"/episodes/{episode.pk}/questions/risks/").content.decode()
    # Nothing is chosen for her: "Not known" is a choice she makes, not the default.
    assert not re.search(r'<input[^>]*type="radio"[^>]*checked', page)
    response = client.post(
        f"/episodes/{episode.pk}/questions/risks/",
        {"version": episode.version, "self_harm_risk": "true", "weapons": "unknown", "medication": "Inhaler"},
    )
    assert response["Location"] == f"/episodes/{episode.pk}/questions/why-they-went/"
    episode.refresh_from_db()
    assert (episode.self_harm_risk, episode.weapons, episode.medication) == (True, None, "Inhaler")
    assert episode.last_seen_where == "Bus station, Hereford"  # another page's answer, untouched
    assert "weapons" in questions.unanswered(episode) and "self_harm_risk" not in questions.unanswered(
        episode
    )


def test_save_and_answer_the_rest_later_goes_back_to_the_episode(reported: tuple[User, Episode]) -> None:
    carer, episode = reported
    response = signed_in(carer).post(
        f"/episodes/{episode.pk}/questions/where-they-may-be/",
        {
            "version": episode.version,
            "last_seen_where": "Bus station, Hereford",
            "wearing": "Red coat",
            "then": "later",
        },
    )
    assert response["Location"] == f"/episodes/{episode.pk}/"
    episode.refresh_from_db()
    assert episode.wearing == "Red coat"


def test_a_questions_page_that_does_not_exist_is_not_found(reported: tuple[User, Episode]) -> None:
    carer, episode = reported
    assert signed_in(carer).get(f"/episodes/{episode.pk}/questions/nothing/").status_code == 404


def test_the_groups_ask_every_per_episode_question_once() -> None:
    asked = [name for group in questions.GROUPS for name in group.fields]
    assert sorted(asked) == sorted(set(asked)) == sorted(ANSWERS)
    assert len(ANSWERS) == 22  # West Mercia Appendix A's per-episode questions, as the model holds them
