"""One write path: the whole change is recorded with its obligations, or nothing is."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from homeward.accounts.models import Organisation, Role
from homeward.casework import evaluation
from homeward.casework.episodes import inform_police, record_found, report_episode
from homeward.children.models import Child
from homeward.episodes.models import Episode, Event
from homeward.obligations.models import Obligation
from tests.factories import ChildFactory, TeamFactory, UserFactory, signed_in

pytestmark = pytest.mark.django_db


def local(moment: timezone.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def worker():  # type: ignore[no-untyped-def]
    team = TeamFactory()
    return UserFactory(role="social_worker", team=team, organisation=team.organisation)


def test_a_failure_while_storing_obligations_leaves_no_episode_and_no_event(worker, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    child = ChildFactory(responsible_authority=worker.organisation, allocated_worker=worker)

    def broken_store(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database went away midway")

    monkeypatch.setattr(evaluation, "store", broken_store)
    now = timezone.now()
    with pytest.raises(RuntimeError):
        report_episode(
            child,
            category="missing",
            reported_at=now - timedelta(hours=1),
            last_seen_at=now - timedelta(hours=2),
            police_informed=False,
            by=worker,
        )
    assert not Episode.objects.exists()
    assert not Event.objects.exists()
    assert not Obligation.objects.exists()


def test_a_failure_while_recording_found_leaves_the_episode_open(worker, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    child = ChildFactory(responsible_authority=worker.organisation, allocated_worker=worker)
    now = timezone.now()
    episode = report_episode(
        child,
        category="missing",
        reported_at=now - timedelta(hours=3),
        last_seen_at=None,
        police_informed=True,
        by=worker,
    )
    before = set(Obligation.objects.values_list("id", "outcome"))
    monkeypatch.setattr(evaluation, "store", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(RuntimeError):
        record_found(episode, at=now - timedelta(hours=1), where="Bus station", by=worker)
    episode.refresh_from_db()
    assert episode.found_at is None and episode.found_where == ""
    assert not Event.objects.filter(type="found").exists()
    assert set(Obligation.objects.values_list("id", "outcome")) == before


def test_every_change_stores_obligations_that_agree_with_the_engine(worker) -> None:  # type: ignore[no-untyped-def]
    child = ChildFactory(responsible_authority=worker.organisation, allocated_worker=worker)
    now = timezone.now()
    episode = report_episode(
        child,
        category="absent",
        reported_at=now - timedelta(hours=8),
        last_seen_at=now - timedelta(hours=9),
        police_informed=False,
        by=worker,
    )
    # West Mercia six-hour rule: the absence turned into a missing episode three hours ago.
    police = Obligation.objects.get(episode=episode, kind="notify", recipient="police")
    assert police.opens_at == episode.start + timedelta(hours=6)
    inform_police(episode, at=now - timedelta(minutes=30), reference="WMP-1", by=worker)
    police.refresh_from_db()
    assert police.outcome == "done"


def test_found_before_last_seen_is_refused_on_the_field_and_nothing_saved(worker) -> None:  # type: ignore[no-untyped-def]
    child = ChildFactory(responsible_authority=worker.organisation, allocated_worker=worker)
    now = timezone.now()
    episode = report_episode(
        child,
        category="missing",
        reported_at=now - timedelta(hours=2),
        last_seen_at=now - timedelta(hours=5),
        police_informed=True,
        by=worker,
    )
    response = signed_in(worker).post(
        f"/episodes/{episode.pk}/found/",
        {
            "at": local(now - timedelta(hours=6)),
            "where": "Home",
            "found_by": "Carer",
            "harmed": "false",
            "safe_and_well_done": "true",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_at"' in page
    assert "cannot be found before they were last seen" in page
    episode.refresh_from_db()
    assert episode.found_at is None
    assert not Event.objects.filter(type="found").exists()


def test_a_report_in_the_future_is_refused(worker) -> None:  # type: ignore[no-untyped-def]
    child = ChildFactory(responsible_authority=worker.organisation, allocated_worker=worker)
    later = timezone.now() + timedelta(days=1)
    response = signed_in(worker).post(
        f"/children/{child.pk}/report/",
        {
            "category": "missing",
            "last_seen_at": local(later - timedelta(hours=1)),
            "reported_at": local(later),
            "police_informed": "true",
            "last_seen_force": "not_known",
        },
    )
    assert response.status_code == 400
    assert "This cannot be in the future." in response.content.decode()
    assert not Episode.objects.exists()


def test_an_episode_before_the_date_of_birth_is_refused(worker) -> None:  # type: ignore[no-untyped-def]
    child = ChildFactory(responsible_authority=worker.organisation, date_of_birth=date(2020, 1, 1))
    with pytest.raises(ValidationError) as refused:
        report_episode(
            child,
            category="missing",
            reported_at=timezone.make_aware(timezone.datetime(2019, 6, 1, 12, 0)),
            last_seen_at=None,
            police_informed=True,
            by=worker,
        )
    # No last-seen time was given: the report's own time is the one at fault.
    assert list(refused.value.message_dict) == ["reported_at"]
    assert not Episode.objects.exists()


def test_a_date_of_birth_after_an_existing_episode_is_refused(worker) -> None:  # type: ignore[no-untyped-def]
    child = ChildFactory(responsible_authority=worker.organisation, allocated_worker=worker)
    now = timezone.now()
    report_episode(
        child,
        category="missing",
        reported_at=now - timedelta(days=3),
        last_seen_at=None,
        police_informed=True,
        by=worker,
    )
    response = signed_in(worker).post(
        f"/children/{child.pk}/edit/",
        {
            "first_name": child.first_name,
            "last_name": child.last_name,
            "date_of_birth": timezone.localdate().isoformat(),
            "open_to_services": "on",
            "version": Child.objects.get(pk=child.pk).version,
        },
    )
    assert response.status_code == 400
    assert "before the child&#x27;s first episode" in response.content.decode()
    child.refresh_from_db()
    assert child.date_of_birth == date(2011, 4, 2)


def test_an_unknown_protocol_is_refused_for_an_authority_and_for_the_deployment() -> None:
    authority = Organisation(name="Atlantis Council", kind="local_authority", protocol="atlantis")
    with pytest.raises(ValidationError) as refused:
        authority.full_clean()
    assert "unknown pack 'atlantis'" in str(refused.value.message_dict["protocol"])
    with override_settings(HOMEWARD_PROTOCOL="atlantis"), pytest.raises(Exception) as stopped:
        call_command("check")
    assert "HOMEWARD_PROTOCOL" in str(stopped.value)


def test_closing_a_return_interview_as_not_held_needs_the_agreeing_manager(worker) -> None:  # type: ignore[no-untyped-def]
    child = ChildFactory(responsible_authority=worker.organisation, allocated_worker=worker)
    now = timezone.now()
    episode = report_episode(
        child,
        category="missing",
        reported_at=now - timedelta(hours=20),
        last_seen_at=None,
        police_informed=True,
        by=worker,
    )
    record_found(episode, at=now - timedelta(hours=10), by=worker)
    interview = Obligation.objects.get(episode=episode, kind="return_interview")
    # The return interview worker's duty: the coordinator may record it (access.relationships).
    coordinator = UserFactory(role=Role.MISSING_COORDINATOR, organisation=worker.organisation)
    response = signed_in(coordinator).post(
        f"/obligations/{interview.pk}/close/",
        {"outcome": "not_required", "at": local(now), "reason": "Child moved out of area"},
    )
    assert response.status_code == 400
    assert "Name the manager who agreed" in response.content.decode()
    interview.refresh_from_db()
    assert interview.outcome == ""


def missing_since_six_hours_ago(child, worker) -> Episode:  # type: ignore[no-untyped-def]
    now = timezone.now()
    return report_episode(
        child,
        category="missing",
        reported_at=now - timedelta(hours=5),
        last_seen_at=now - timedelta(hours=6),
        police_informed=True,
        by=worker,
    )


def test_a_safe_and_well_check_recorded_with_the_find_meets_the_check_duty(worker) -> None:  # type: ignore[no-untyped-def]
    """West Mercia s.8.7 (WM6): the police carry out a safe and well check when a missing child
    is found. Saying on the found form that it was done closes that duty; saying why it was not
    done declines it with that reason. Either way it leaves nobody's work list."""
    now = timezone.now()
    outcomes = {}
    for done, reason in ((True, ""), (False, "She would not speak to the officers")):
        child = ChildFactory(responsible_authority=worker.organisation, allocated_worker=worker)
        episode = missing_since_six_hours_ago(child, worker)
        record_found(
            episode,
            at=now - timedelta(hours=1),
            where="Bus station",
            by=worker,
            safe_and_well_done=done,
            safe_and_well_reason=reason,
        )
        check = Obligation.objects.get(episode=episode, kind="safe_and_well_check")
        completed = Event.objects.get(episode=episode, type="completed")
        assert completed.data["kind"] == "safe_and_well_check"
        outcomes[done] = (check.outcome, completed.data["reason"])
    assert outcomes == {True: ("done", None), False: ("declined", "She would not speak to the officers")}


def test_a_find_with_the_check_left_unanswered_leaves_the_check_open(worker) -> None:  # type: ignore[no-untyped-def]
    child = ChildFactory(responsible_authority=worker.organisation, allocated_worker=worker)
    now = timezone.now()
    episode = missing_since_six_hours_ago(child, worker)
    record_found(episode, at=now - timedelta(hours=1), where="Bus station", by=worker)
    check = Obligation.objects.get(episode=episode, kind="safe_and_well_check")
    assert check.outcome == ""
    assert not Event.objects.filter(episode=episode, type="completed").exists()
