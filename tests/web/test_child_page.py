"""The child's page with a summary first (issue 15): who the child is, then what matters now
(missing or not, what is due, the risk, the Find Me plan's key facts), then the record; the
timeline in practitioners' words, newest first, filterable by kind, with old history folded so a
child with years of it does not render everything (issue 20)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from homeward.accounts.models import Role, User
from homeward.casework.episodes import record_found, report_episode
from homeward.casework.find_me import save_find_me_plan
from homeward.casework.interviews import record_return_interview
from homeward.casework.placements import start_placement
from homeward.casework.restrictions import restrict_record
from homeward.casework.risk import grade_risk
from homeward.children.models import FindMePlan
from homeward.episodes.models import Episode
from homeward.interviews.models import Method, Response, ReturnInterview
from homeward.web import timeline
from homeward.web.views.children import TIMELINE_SHOWN
from tests.conftest import Service, person
from tests.factories import EstablishmentFactory, TeamFactory, signed_in

pytestmark = pytest.mark.django_db

WENT_WITH = "Two older men from the car wash on Bath Street"


def page(user: User, pk: int, query: str = "") -> str:
    response = signed_in(user).get(f"/children/{pk}/{query}")
    assert response.status_code == 200
    return response.content.decode()


# Where each part of the page ends: the next part's start.
ENDS = {"identity-bar": 'id="now"', "what-matters-now": ">Details</h2>"}


def section(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index(ENDS[testid], start)]


def timeline_titles(html: str) -> list[str]:
    items = re.findall(
        r'<li class="moj-timeline__item hw-timeline__item" data-kind="(\w+)">(.*?)</li>', html, re.S
    )
    return [re.sub(r"<[^>]+>|\s+", " ", body).strip() for _, body in items]


def timeline_kinds(html: str) -> list[str]:
    return re.findall(r'<li class="moj-timeline__item hw-timeline__item" data-kind="(\w+)">', html)


def missing_now(service: Service, hours_ago: int = 3) -> Episode:
    now = timezone.now().replace(second=0, microsecond=0)
    return report_episode(
        service.child,
        category="missing",
        reported_at=now - timedelta(hours=hours_ago),
        last_seen_at=now - timedelta(hours=hours_ago + 1),
        police_informed=True,
        by=service.worker,
    )


def missing_and_found(service: Service, times: int, *, days_ago: int = 400) -> list[Episode]:
    """``times`` past episodes, ten days apart, each reported and ended by the child's return."""
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(days=days_ago)
    episodes = []
    for n in range(times):
        at = start + timedelta(days=10 * n)
        episode = report_episode(
            service.child,
            category="missing",
            reported_at=at,
            last_seen_at=at - timedelta(hours=1),
            police_informed=True,
            by=service.worker,
        )
        record_found(episode, at=at + timedelta(hours=5), by=service.worker)
        episodes.append(episode)
    return episodes


def test_the_identity_bar_says_who_the_child_is_before_anything_else(service: Service) -> None:
    child = service.child
    html = page(service.worker, child.pk)
    bar = section(html, "identity-bar")
    assert html.index('data-testid="identity-bar"') < html.index('data-testid="what-matters-now"')
    assert "Keziah Abernethy-Quill" in bar
    assert child.reference in bar
    assert f"<dd>{child.age_on(timezone.localdate())} " in bar
    assert "Looked after" in bar
    assert "Restricted record" not in bar
    assert "No photo" in bar


def test_a_restricted_record_is_marked_as_restricted_in_the_identity_bar(service: Service) -> None:
    coordinator = person(Role.MISSING_COORDINATOR, service.team)
    restrict_record(service.child, sealed=True, named=[service.worker], by=coordinator)
    bar = section(page(service.worker, service.child.pk), "identity-bar")
    assert "Restricted record" in bar


def test_a_child_missing_now_shows_the_open_episode_its_category_and_since_when(service: Service) -> None:
    episode = missing_now(service)
    grade_risk(episode, level="high", at=episode.reported_at + timedelta(minutes=30), by=service.worker)
    now = section(page(service.worker, service.child.pk), "what-matters-now")
    assert "Missing now?" in now and ">Yes<" in now
    assert f'href="/episodes/{episode.pk}/"' in now and episode.reference in now
    assert "Missing since" in now
    local = timezone.localtime(episode.reported_at + timedelta(minutes=30))
    assert "High</strong> graded " + local.strftime("%a %-d %b %Y %H:%M") in now


def test_a_child_not_missing_says_so_and_when_the_last_episode_was(service: Service) -> None:
    (episode,) = missing_and_found(service, 1, days_ago=30)
    now = section(page(service.worker, service.child.pk), "what-matters-now")
    assert 'Missing now?</dt><dd class="govuk-summary-list__value">No' in now
    # The page dates an episode from when the child was last seen, an hour before the report:
    # at 00:30 the two fall on different days.
    assert "last episode " + timezone.localtime(episode.start).strftime("%-d %b %Y") in now


def test_what_is_due_names_each_open_duty_for_whom_by_when_and_flags_the_overdue(service: Service) -> None:
    episode = missing_now(service, hours_ago=30)
    html = page(service.worker, service.child.pk)
    now = section(html, "what-matters-now")
    outstanding = episode.obligations.filter(outcome="", opens_at__lte=timezone.now())
    assert outstanding.exists()
    first = min(outstanding, key=lambda o: (o.due_at is None, o.due_at or o.opens_at))
    assert first.title in now
    assert "For " in now
    overdue = [o for o in outstanding if o.due_at and o.due_at <= timezone.now()]
    assert overdue, "a child missing 30 hours has a duty past its time"
    assert re.search(r'Overdue</strong> <span class="govuk-body-s">by \d+', now)


def test_the_find_me_plans_key_facts_are_in_the_summary_with_a_link_to_it(service: Service) -> None:
    save_find_me_plan(
        FindMePlan(
            child=service.child,
            likely_places="Her aunt's flat on Ledbury Road",
            contacts="Aunt Maria, 07700 900123",
            people_not_to_associate_with="A man known as Dee",
            description="Slim, about 5 ft 4, long dark hair",
        ),
        by=service.worker,
    )
    now = section(page(service.worker, service.child.pk), "what-matters-now")
    for fact in (
        "Her aunt&#x27;s flat on Ledbury Road",
        "Aunt Maria",
        "A man known as Dee",
        "long dark hair",
    ):
        assert fact in now
    assert f'href="/children/{service.child.pk}/find-me-plan/"' in now


def test_the_timeline_is_newest_first_in_practitioners_words_with_who_did_it(service: Service) -> None:
    missing_and_found(service, 1, days_ago=20)
    html = page(service.worker, service.child.pk)
    titles = timeline_titles(html)
    found = next(i for i, t in enumerate(titles) if "Found" in t)
    reported = next(i for i, t in enumerate(titles) if "Reported missing" in t)
    assert found < reported
    assert f"by {service.worker.get_full_name()}" in titles[reported]
    assert "Notify (" not in html and "_" not in " ".join(titles)


def test_a_closed_duty_reads_as_what_was_done_not_the_engines_words() -> None:
    event = type("E", (), {"data": {"kind": "notify", "recipient": "iro", "outcome": "done"}})()
    assert timeline._completed(event) == "Told the IRO"  # type: ignore[arg-type]
    event.data = {"kind": "return_interview", "outcome": "declined"}  # type: ignore[attr-defined]
    assert timeline._completed(event) == "Return home interview declined"  # type: ignore[arg-type]
    event.data = {"kind": "safe_and_well_check", "outcome": "done"}  # type: ignore[attr-defined]
    assert timeline._completed(event) == "Safe and well check done"  # type: ignore[arg-type]


def test_the_timeline_filters_by_kind_with_plain_links(service: Service) -> None:
    (episode,) = missing_and_found(service, 1, days_ago=20)
    grade_risk(episode, level="medium", at=episode.reported_at + timedelta(minutes=20), by=service.worker)
    everything = page(service.worker, service.child.pk)
    assert 'href="?kind=risk#timeline"' in everything
    assert {"episode", "risk"} <= set(timeline_kinds(everything))
    risk_only = page(service.worker, service.child.pk, "?kind=risk")
    assert timeline_kinds(risk_only) == ["risk"]
    assert 'aria-current="page">Risk gradings (1)' in risk_only
    # An unknown kind shows everything rather than an error or an empty list.
    assert timeline_kinds(page(service.worker, service.child.pk, "?kind=<script>")) == timeline_kinds(
        everything
    )


def test_years_of_history_fold_to_the_most_recent_entries_with_show_all(service: Service) -> None:
    missing_and_found(service, 12)
    folded = page(service.worker, service.child.pk)
    total = len(timeline.for_child(service.child, service.worker))
    assert total > TIMELINE_SHOWN
    assert len(timeline_kinds(folded)) == TIMELINE_SHOWN
    assert f"Show all {total} entries" in folded
    assert 'href="?all=1#timeline"' in folded
    everything = page(service.worker, service.child.pk, "?all=1")
    assert len(timeline_kinds(everything)) == total
    assert "Show all" not in everything.split('id="timeline"')[1]
    # The newest are the ones kept.
    assert timeline_titles(everything)[:TIMELINE_SHOWN] == timeline_titles(folded)
    # And the episodes table folds with it.
    assert "Show all 12 episodes" in folded


def interviewed(service: Service) -> tuple[Episode, ReturnInterview]:
    (episode,) = missing_and_found(service, 1, days_ago=5)
    episode.refresh_from_db()
    found = episode.found_at
    assert found is not None
    interview = record_return_interview(
        ReturnInterview(
            episode=episode,
            offered_at=found + timedelta(hours=2),
            response=Response.ACCEPTED,
            held_at=found + timedelta(hours=20),
            held_by=service.worker,
            method=Method.FACE_TO_FACE,
            held_where="At school",
            account_where="The car wash on Bath Street",
            account_with_whom=WENT_WITH,
            account_why="Said she was bored at the home",
            agreed_by=service.manager,
        ),
        by=service.worker,
    )
    return episode, interview


def test_a_return_home_interviews_findings_are_on_the_timeline_for_its_readers(service: Service) -> None:
    interviewed(service)
    html = page(service.worker, service.child.pk)
    entry = next(t for t in timeline_titles(html) if "Return home interview held" in t)
    assert WENT_WITH in entry
    assert "Said she was bored at the home" in entry


def test_a_carer_who_may_not_read_the_interview_sees_none_of_its_findings(service: Service) -> None:
    home = EstablishmentFactory(area=service.team.organisation)
    start_placement(service.child, establishment=home, at=timezone.now() - timedelta(days=60), by=None)
    carer = person(Role.CARER, None, establishment=home)
    _, interview = interviewed(service)
    assert signed_in(carer).get(f"/return-interviews/{interview.pk}/").status_code == 404
    html = page(carer, service.child.pk)
    assert WENT_WITH not in html
    assert "bored at the home" not in html
    assert "Return home interview held" not in html
    assert 'href="?kind=interview' not in html


def test_the_page_prints_the_summary_without_filters_buttons_or_folding_links(service: Service) -> None:
    missing_and_found(service, 12)
    html = page(service.worker, service.child.pk)
    assert re.search(r'<nav class="hw-timeline-filter hw-no-print"', html)
    assert re.search(r'<div class="govuk-button-group hw-no-print">', html)
    assert re.search(r'<p class="govuk-body hw-no-print">Showing the', html)
    assert 'hw-print-only">The 20 most recent of' in html
    css = (
        __import__("pathlib").Path(__file__).parents[2] / "src/homeward/web/static/homeward/homeward.css"
    ).read_text()
    print_blocks = css.count("@media print {")
    assert print_blocks == 3  # the board's, the header search's one-liner and the profile sheet's
    first_print = css.split("@media print {")[1]
    assert ".hw-identity-bar" in first_print and ".hw-timeline-filter" in first_print


def test_the_folded_and_filtered_pages_refuse_whoever_may_not_open_the_child(service: Service) -> None:
    """Another authority's social worker: 404 for every form of the page, as for the page itself."""
    stranger = person(Role.SOCIAL_WORKER, TeamFactory())
    client = signed_in(stranger)
    for query in ("", "?all=1", "?kind=interview", "?kind=risk&all=1"):
        assert client.get(f"/children/{service.child.pk}/{query}").status_code == 404
