"""Told to act: whoever a message asks to act on an obligation can open what it is about.

Out of hours the emergency duty team is told of duties on children it has no other
relationship to (Wakefield s.9 "EDT if out of hours"; SET guidance s.2.5); an overdue duty
goes to the manager of the team of the person it falls to, who may not manage the child's
team. Each of them can open the episode (and what they need of the child to act on it) while
the duty is theirs: open, and for the duty team only until the office opens again. Opening
it is audited like any view; once it is no longer theirs it answers 404, also audited.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from homeward.access import relationships as rel
from homeward.access.audit import REFUSED, VIEWED
from homeward.access.visible import visible_children, visible_episodes
from homeward.accounts.models import AuditEntry, Organisation, OrganisationKind, Role, Team, User
from homeward.casework import outbox
from homeward.casework.episodes import record_found, report_episode
from homeward.casework.find_me import save_find_me_plan
from homeward.casework.obligations import close_obligation
from homeward.casework.restrictions import restrict_record
from homeward.children.models import FindMePlan
from homeward.episodes.models import Episode
from homeward.notifications.models import Kind, Message, OutOfHours
from homeward.obligations.models import Obligation
from tests.conftest import Service, person
from tests.factories import TeamFactory, UserFactory, signed_in

pytestmark = pytest.mark.django_db

# A Saturday night, and the Monday morning the office opens again (neither a bank holiday).
SATURDAY = date(2026, 11, 21)
MONDAY = date(2026, 11, 23)


def london(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class Clock:
    """The service's clock, set by the test: ``timezone.now`` is what every check reads."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.instant = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.instant)

    def set(self, instant: datetime) -> None:
        self.instant = instant


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    yield Clock(monkeypatch)


def duty_team(service: Service) -> User:
    edt: Team = TeamFactory(organisation=service.team.organisation, name="Emergency Duty Team")
    OutOfHours.objects.create(organisation=service.team.organisation, emergency_duty_team=edt)
    return person(Role.SOCIAL_WORKER, edt)


def report_saturday_night(service: Service, clock: Clock) -> Episode:
    clock.set(london(SATURDAY, 1, 30))
    return report_episode(
        service.child,
        category="missing",
        reported_at=london(SATURDAY, 1, 20),
        last_seen_at=london(SATURDAY, 0, 45),
        police_informed=False,
        by=service.worker,
    )


def refused(user: User) -> int:
    return AuditEntry.objects.filter(actor=user, additional_data__outcome=REFUSED).count()


def test_the_duty_team_opens_the_episode_it_was_told_of_out_of_hours_and_sees_it_on_the_board(
    service: Service, clock: Clock
) -> None:
    officer = duty_team(service)
    save_find_me_plan(
        FindMePlan(child=service.child, likely_places="Her aunt's, Leominster"), by=service.worker
    )
    episode = report_saturday_night(service, clock)
    told = Message.objects.filter(recipient=officer, kind=Kind.OUT_OF_HOURS)
    assert told.exists()
    assert {m.link for m in told} == {f"http://127.0.0.1:8000/episodes/{episode.pk}/"}
    # Theirs until the allocated team is back: 09:00 on Monday.
    assert {m.acts_until for m in told} == {london(MONDAY, 9)}

    assert rel.is_told_to_act(officer, episode)
    assert officer.has_perm("episodes.view_episode", episode)
    assert list(visible_episodes(officer)) == [episode]
    # The episode, not the child's whole record.
    assert not officer.has_perm("children.view_child", service.child)
    assert not visible_children(officer).exists()

    client = signed_in(officer)
    board = client.get("/").content.decode()
    assert service.child.name in board
    assert "No child is missing at the moment." not in board
    page = client.get(f"/episodes/{episode.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    # What the duty worker needs to act: who the child is and whom to call.
    assert service.child.name in body
    assert "2 April 2011" in body
    assert service.worker.get_full_name() in body
    assert f"/reports/children/{service.child.pk}/find-me-plan.pdf" in body
    assert client.get(f"/reports/children/{service.child.pk}/find-me-plan.pdf").status_code == 200
    assert AuditEntry.objects.filter(
        actor=officer, object_pk=str(episode.pk), additional_data__outcome=VIEWED
    ).exists()


def test_the_duty_teams_part_ends_when_the_office_opens(service: Service, clock: Clock) -> None:
    officer = duty_team(service)
    episode = report_saturday_night(service, clock)
    clock.set(london(MONDAY, 8, 59))
    assert signed_in(officer).get(f"/episodes/{episode.pk}/").status_code == 200

    clock.set(london(MONDAY, 9, 1))
    assert not rel.is_told_to_act(officer, episode)
    before = refused(officer)
    assert signed_in(officer).get(f"/episodes/{episode.pk}/").status_code == 404
    assert refused(officer) == before + 1
    assert not visible_episodes(officer).exists()
    # The message stays in the inbox, and says so rather than linking to a 404.
    message = Message.objects.filter(recipient=officer, kind=Kind.OUT_OF_HOURS).first()
    assert message is not None
    page = signed_in(officer).get(f"/inbox/{message.pk}/").content.decode()
    assert (
        "This is no longer yours to act on: the allocated team has had it since 09:00 on Mon 23 Nov" in page
    )
    assert f'href="{message.link}"' not in page
    # The allocated worker, told too, still has it.
    assert signed_in(service.worker).get(f"/episodes/{episode.pk}/").status_code == 200


def test_the_duty_teams_part_ends_when_the_duty_is_closed(service: Service, clock: Clock) -> None:
    officer = duty_team(service)
    episode = report_saturday_night(service, clock)
    clock.set(london(SATURDAY, 2, 0))
    for obligation in Obligation.objects.outstanding().filter(episode=episode):
        close_obligation(
            obligation, outcome="not_required", at=clock.instant, by=service.worker, reason="test"
        )
    assert not Obligation.objects.outstanding().filter(episode=episode).exists()
    assert not rel.is_told_to_act(officer, episode)
    assert signed_in(officer).get(f"/episodes/{episode.pk}/").status_code == 404


def test_a_restricted_record_stays_closed_to_a_duty_worker_not_named_on_it(
    service: Service, clock: Clock
) -> None:
    officer = duty_team(service)
    episode = report_saturday_night(service, clock)
    coordinator = person(Role.MISSING_COORDINATOR, service.team)
    restrict_record(service.child, sealed=True, named=[service.worker], by=coordinator)
    assert not officer.has_perm("episodes.view_episode", episode)
    assert signed_in(officer).get(f"/episodes/{episode.pk}/").status_code == 404


def test_every_message_links_to_something_its_recipient_can_open(service: Service, clock: Clock) -> None:
    """Each kind of message: now open, out of hours, overdue to the team manager and to the
    service manager, and the daily digest."""
    officer = duty_team(service)
    # The return interview falls to a return home interview worker in a team of their own,
    # whose manager is told when it is overdue: a manager with no other tie to the child.
    rhi_team: Team = TeamFactory(organisation=service.team.organisation, name="Return Interviews")
    rhi_manager = person(Role.TEAM_MANAGER, rhi_team)
    rhi_team.manager = rhi_manager
    rhi_team.save()
    person(Role.RETURN_INTERVIEW_WORKER, rhi_team)
    episode = report_saturday_night(service, clock)
    clock.set(london(SATURDAY, 3, 0))
    record_found(episode, at=london(SATURDAY, 2, 50), by=service.worker)
    # Days later, nothing done: escalations and digests.
    later = london(MONDAY, 8, 30) + timedelta(days=7)
    clock.set(later)
    outbox.refresh(later)
    assert Message.objects.filter(recipient=rhi_manager, kind=Kind.TEAM_MANAGER).exists()
    kinds = set(Message.objects.values_list("kind", flat=True))
    assert {Kind.OPENED, Kind.OUT_OF_HOURS, Kind.TEAM_MANAGER, Kind.DIGEST} <= kinds

    # Back to when each was sent: every link opens for its recipient while the duty is theirs
    # (duties closed since, the police notification and the carer updates, are no longer anyone's).
    still_open = Message.objects.exclude(kind=Kind.DIGEST).filter(obligation__outcome="")
    assert still_open.filter(kind=Kind.OUT_OF_HOURS).exists()
    assert still_open.filter(kind=Kind.TEAM_MANAGER, recipient=rhi_manager).exists()
    for message in still_open:
        clock.set(message.created_at)
        path = message.link.removeprefix("http://127.0.0.1:8000")
        response = signed_in(message.recipient).get(path)
        assert response.status_code == 200, f"{message.kind} to {message.recipient}: {path}"
    clock.set(later)
    for digest in Message.objects.filter(kind=Kind.DIGEST):
        links = [
            word.removeprefix("http://127.0.0.1:8000")
            for word in digest.body.split()
            if word.startswith("http://127.0.0.1:8000/")
        ]
        assert links
        for path in links:
            assert signed_in(digest.recipient).get(path).status_code == 200, f"digest: {path}"
    assert officer.pk in set(Message.objects.values_list("recipient_id", flat=True))


def test_a_police_duty_falls_to_the_force_that_covers_the_child_not_the_first_force_on_file(
    service: Service,
) -> None:
    # Whoever a duty falls to may open its episode, so it must be the force told (002 s.3).
    elsewhere = Organisation.objects.create(name="Dyfed-Powys Police", kind=OrganisationKind.POLICE_FORCE)
    force = Organisation.objects.create(name="West Mercia Police", kind=OrganisationKind.POLICE_FORCE)
    Organisation.objects.filter(pk=service.team.organisation_id).update(police_force=force)
    service.child.responsible_authority.refresh_from_db()
    stranger = UserFactory(role=Role.POLICE_LIAISON, organisation=elsewhere)
    ours = UserFactory(role=Role.POLICE_LIAISON, organisation=force)
    now = timezone.now()
    episode = report_episode(
        service.child,
        category="missing",
        reported_at=now - timedelta(hours=3),
        last_seen_at=None,
        police_informed=True,
        by=service.worker,
    )
    record_found(episode, at=now - timedelta(hours=1), by=service.worker)
    check = Obligation.objects.get(episode=episode, kind="safe_and_well_check")
    assert check.assignee == ours
    assert not rel.is_told_to_act(stranger, episode)
    assert not stranger.has_perm("episodes.view_episode", episode)
    assert not Message.objects.filter(recipient=stranger).exists()
