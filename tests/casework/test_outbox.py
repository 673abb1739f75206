"""Who is told what, and when: messages queued by the write path and by the worker's clock.

The clock is injected: every function takes ``now``, so timelines cross due
times without sleeping.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
import yaml
from django.test import override_settings
from django.utils import timezone

from homeward.accounts.models import Organisation, Role
from homeward.casework import outbox
from homeward.casework.episodes import record_found, report_episode
from homeward.casework.obligations import close_obligation
from homeward.episodes.models import Episode
from homeward.notifications.models import Kind, Message, OutOfHours
from homeward.obligations.models import Obligation
from homeward.protocols.calendar import is_working_day
from homeward.protocols.pack import PACKS_DIR
from tests.conftest import Service, person
from tests.factories import AuthorityFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def london(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def use_protocol(service: Service, protocol: str) -> None:
    Organisation.objects.filter(pk=service.team.organisation_id).update(protocol=protocol)
    service.child.responsible_authority.refresh_from_db()


def report(service: Service, start: datetime, *, police_informed: bool = False) -> Episode:
    return report_episode(
        service.child,
        category="missing",
        reported_at=start + timedelta(hours=1),
        last_seen_at=start,
        police_informed=police_informed,
        by=service.worker,
    )


def messages(kind: str, **filters: object) -> list[Message]:
    return list(Message.objects.filter(kind=kind, **filters).order_by("id"))


@override_settings(HOMEWARD_BASE_URL="https://homeward.example.gov.uk")
def test_reporting_a_missing_child_tells_the_allocated_worker_what_is_required_without_naming_the_child_in_the_subject(
    service: Service,
) -> None:
    episode = report(service, timezone.now() - timedelta(hours=3))

    told = messages(Kind.OPENED)
    police = Obligation.objects.get(rule="west-mercia/report-to-police")
    assert {m.obligation_id for m in told} == set(
        Obligation.objects.outstanding().values_list("pk", flat=True)
    )
    assert all(m.recipient == service.worker for m in told)
    message = next(m for m in told if m.obligation_id == police.pk)
    child = service.child
    # Due within the hour of the report (CATALOGUE.md, Due promptly): the subject says by when.
    assert police.due_at == police.opens_at + timedelta(hours=1)
    assert message.subject.startswith(
        f"Report the missing child to the police - child {child.reference}, due by "
    )
    assert child.first_name not in message.subject and child.last_name not in message.subject
    assert "Required (must): Report the missing child to the police" in message.body
    assert f"Child: {child.name} ({child.reference})" in message.body
    assert f"Protocol: {police.cites}" in message.body
    assert message.link == f"https://homeward.example.gov.uk/episodes/{episode.pk}/"
    assert message.link in message.body


def test_a_change_that_fails_after_queueing_leaves_no_message(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = outbox.announce_for

    def queue_then_fail(*args: object, **kwargs: object) -> int:
        real(*args, **kwargs)  # type: ignore[arg-type]
        assert Message.objects.exists()
        raise RuntimeError("the database went away before the commit")

    monkeypatch.setattr(outbox, "announce_for", queue_then_fail)
    with pytest.raises(RuntimeError):
        report(service, timezone.now() - timedelta(hours=3))
    assert not Episode.objects.exists()
    assert not Message.objects.exists()


def test_the_subject_says_by_when_and_the_body_gives_the_due_time(service: Service) -> None:
    use_protocol(service, "essex")
    start = timezone.now() - timedelta(hours=6)
    episode = report(service, start)
    record_found(episode, at=start + timedelta(hours=2), by=service.worker)
    visit = Obligation.objects.get(rule="essex/social-worker-contact")
    assert visit.due_at == start + timedelta(hours=2 + 48)
    message = Message.objects.get(obligation=visit, kind=Kind.OPENED)
    when = timezone.localtime(visit.due_at).strftime("%H:%M on %a %d %b %Y")
    assert message.subject.endswith(f"- child {service.child.reference}, due by {when}")
    assert f"Due by: {when}" in message.body


def test_someone_outside_the_childs_network_is_told_the_reference_only(service: Service) -> None:
    report(service, timezone.now() - timedelta(hours=3))
    obligation = Obligation.objects.get(rule="west-mercia/report-to-police")
    stranger = UserFactory(
        role=Role.SOCIAL_WORKER, organisation=AuthorityFactory(name="Another Council", protocol="essex")
    )
    message = outbox.compose(obligation, Kind.OPENED, stranger, outbox.Visibility(), timezone.now())
    child = service.child
    assert f"Child reference: {child.reference}" in message.body
    for part in (child.first_name, child.last_name):
        assert part not in message.body and part not in message.subject


def test_a_duty_stored_ahead_is_told_by_the_worker_when_it_opens_and_only_once(service: Service) -> None:
    # Practice guidance: missing 24 hours, an allocated child's senior leadership
    # alert and strategy meeting open; they are stored when the episode is reported.
    use_protocol(service, "practice-guidance")
    start = timezone.now() - timedelta(hours=3)
    report(service, start)
    ahead = Obligation.objects.filter(opens_at=start + timedelta(hours=24))
    assert {o.rule for o in ahead} >= {
        "practice-guidance/senior-leadership-alert",
        "practice-guidance/strategy-meeting",
    }
    assert not Message.objects.filter(obligation__in=ahead).exists()

    assert outbox.announce_opened(start + timedelta(hours=23, minutes=59)) == 0
    opened = start + timedelta(hours=24, minutes=1)
    assert outbox.announce_opened(opened) == ahead.count()
    assert outbox.announce_opened(opened + timedelta(minutes=10)) == 0
    told = Message.objects.filter(obligation__in=ahead, kind=Kind.OPENED)
    assert told.count() == ahead.count()
    # The strategy meeting and the alert fall to the team manager.
    alert = told.get(obligation__rule="practice-guidance/senior-leadership-alert")
    meeting = told.get(obligation__rule="practice-guidance/strategy-meeting")
    assert alert.recipient == meeting.recipient == service.manager
    # Publicity falls to the police liaison officer, and nobody holds that role
    # here: the team manager hears rather than nobody.
    publicity = told.get(obligation__rule="practice-guidance/consider-publicity")
    assert publicity.obligation is not None and publicity.obligation.assignee is None
    assert publicity.recipient == service.manager
    assert "Falls to: nobody yet; no police liaison officer here is set up for this child" in publicity.body


def _last(day_matches: object, hour: int) -> datetime:
    day = timezone.localdate() - timedelta(days=2)
    while not day_matches(day):  # type: ignore[operator]
        day -= timedelta(days=1)
    return london(day, hour)


def test_a_duty_that_opens_out_of_hours_also_goes_to_the_emergency_duty_team(service: Service) -> None:
    # Wakefield s.9 "EDT if out of hours"; SET guidance s.2.5 "Emergency Duty Service, if out of hours".
    edt = TeamFactory(organisation=service.team.organisation, name="Emergency Duty Team")
    duty_officer = person(Role.SOCIAL_WORKER, edt)
    OutOfHours.objects.create(organisation=service.team.organisation, emergency_duty_team=edt)

    saturday_night = _last(lambda d: d.weekday() == 5, 1)
    report(service, saturday_night)
    out_of_hours = messages(Kind.OUT_OF_HOURS)
    assert out_of_hours
    assert {m.recipient for m in out_of_hours} == {duty_officer}
    assert all(m.subject.startswith("Out of hours: ") for m in out_of_hours)
    assert "emergency duty team" in out_of_hours[0].body
    # The allocated worker is told as well, for when the office opens.
    assert {m.obligation_id for m in out_of_hours} == {m.obligation_id for m in messages(Kind.OPENED)}


def test_a_duty_that_opens_in_office_hours_stays_with_the_team(service: Service) -> None:
    edt = TeamFactory(organisation=service.team.organisation, name="Emergency Duty Team")
    person(Role.SOCIAL_WORKER, edt)
    OutOfHours.objects.create(organisation=service.team.organisation, emergency_duty_team=edt)

    weekday_morning = _last(is_working_day, 10)
    report(service, weekday_morning)
    assert messages(Kind.OPENED)
    assert not messages(Kind.OUT_OF_HOURS)


def test_an_authority_sets_its_own_office_hours(service: Service) -> None:
    edt = TeamFactory(organisation=service.team.organisation, name="Emergency Duty Team")
    person(Role.SOCIAL_WORKER, edt)
    OutOfHours.objects.create(
        organisation=service.team.organisation,
        emergency_duty_team=edt,
        working_day_starts=time(8, 0),
        working_day_ends=time(18, 0),
    )
    # Last seen at 16:00, reported at 17:00: within this authority's day, outside 9 to 5.
    report(service, _last(is_working_day, 16))
    assert not messages(Kind.OUT_OF_HOURS)


def found_in_essex(service: Service, found_at: datetime) -> Obligation:
    use_protocol(service, "essex")
    episode = report(service, found_at - timedelta(hours=2))
    record_found(episode, at=found_at, by=service.worker)
    visit = Obligation.objects.get(rule="essex/social-worker-contact")
    assert visit.assignee == service.worker and visit.due_at is not None
    return visit


def test_overdue_work_goes_to_the_team_manager_then_a_day_later_to_the_service_manager(
    service: Service,
) -> None:
    # SET guidance 2.5.3 and s.6: the social worker sees the child within 48 hours of
    # the return; Essex's pack escalates at the due time, then 24 hours on.
    visit = found_in_essex(service, timezone.now() - timedelta(hours=1))
    due = visit.due_at
    assert due is not None

    # The episode's other duties (police within the hour, the IRO within a day:
    # CATALOGUE.md, Due promptly) fall overdue earlier; this test follows the visit.
    outbox.escalate(due - timedelta(minutes=1))
    assert not messages(Kind.TEAM_MANAGER, obligation=visit)

    assert outbox.escalate(due + timedelta(minutes=1)) >= 1
    to_manager = messages(Kind.TEAM_MANAGER, obligation=visit)
    assert [m.recipient for m in to_manager] == [service.manager]
    assert to_manager[0].subject.startswith("Overdue: ")
    assert f"Falls to: {service.worker}" in to_manager[0].body
    assert not messages(Kind.SERVICE_MANAGER, obligation=visit)

    outbox.escalate(due + timedelta(hours=12))
    assert not messages(Kind.SERVICE_MANAGER, obligation=visit)
    assert outbox.escalate(due + timedelta(hours=24, minutes=1)) >= 1
    to_service_manager = messages(Kind.SERVICE_MANAGER, obligation=visit)
    assert [m.recipient for m in to_service_manager] == [service.service_manager]
    assert to_service_manager[0].subject.startswith("Still overdue: ")

    # Every step once, however often the worker looks.
    outbox.escalate(due + timedelta(days=5))
    assert len(messages(Kind.TEAM_MANAGER, obligation=visit)) == 1
    assert len(messages(Kind.SERVICE_MANAGER, obligation=visit)) == 1


def test_a_worker_late_to_start_escalates_both_steps_at_once(service: Service) -> None:
    visit = found_in_essex(service, timezone.now() - timedelta(hours=1))
    assert visit.due_at is not None
    outbox.escalate(visit.due_at + timedelta(days=3))
    assert messages(Kind.TEAM_MANAGER, obligation=visit)
    assert messages(Kind.SERVICE_MANAGER, obligation=visit)


def test_work_done_in_time_is_not_escalated(service: Service) -> None:
    visit = found_in_essex(service, timezone.now() - timedelta(hours=1))
    close_obligation(visit, outcome="done", at=timezone.now(), by=service.worker)
    assert visit.due_at is not None
    outbox.escalate(visit.due_at + timedelta(days=3))
    # The family's views, still open, go up the line; the visit, done, does not.
    assert messages(Kind.TEAM_MANAGER, obligation__rule="essex/family-views")
    assert not Message.objects.filter(obligation=visit).exclude(kind=Kind.OPENED).exists()


def test_the_pack_sets_how_long_before_the_service_manager_hears(service: Service, tmp_path: Path) -> None:
    pack = yaml.safe_load((PACKS_DIR / "essex.yaml").read_text())
    pack["escalation"] = {
        "manager_after": {"hours": 1},
        "service_manager_after": {"hours": 2},
        "cites": "A stricter local reading, s.6",
    }
    stricter = tmp_path / "stricter-essex.yaml"
    stricter.write_text(yaml.safe_dump(pack))
    visit = found_in_essex(service, timezone.now() - timedelta(hours=1))
    use_protocol(service, str(stricter))
    due = visit.due_at
    assert due is not None

    outbox.escalate(due + timedelta(minutes=59))
    assert not messages(Kind.TEAM_MANAGER, obligation=visit)
    outbox.escalate(due + timedelta(hours=1, minutes=1))
    assert messages(Kind.TEAM_MANAGER, obligation=visit) and not messages(
        Kind.SERVICE_MANAGER, obligation=visit
    )
    outbox.escalate(due + timedelta(hours=3, minutes=1))
    assert messages(Kind.SERVICE_MANAGER, obligation=visit)


@override_settings(HOMEWARD_DIGEST_AT="07:00")
def test_the_daily_digest_lists_what_is_due_today_then_what_is_overdue_once_a_day(service: Service) -> None:
    found_on = timezone.localdate() - timedelta(days=4)
    visit = found_in_essex(service, london(found_on, 10))
    assert visit.due_at is not None
    due_day = timezone.localtime(visit.due_at).date()
    # Everything else the episode asked for was done on the day (each is due within
    # a day at most: CATALOGUE.md, Due promptly), leaving the visit and the family's views;
    # and what doing them raised (the plan's review after a Missing Chat, ES13) likewise.
    for _ in range(3):
        for other in Obligation.objects.outstanding().exclude(
            rule__in=["essex/social-worker-contact", "essex/family-views"]
        ):
            close_obligation(other, outcome="done", at=london(found_on, 11), by=service.worker)

    def digest_at(day: date, hour: int = 7, minute: int = 30) -> int:
        return outbox.send_digests(london(day, hour, minute))

    # The day before: nothing is due today or overdue for the worker.
    assert digest_at(due_day - timedelta(days=1)) == 0
    # Before the digest time nothing is sent.
    assert digest_at(due_day, 6, 59) == 0

    assert digest_at(due_day) == 1
    first = Message.objects.get(kind=Kind.DIGEST, recipient=service.worker, day=due_day)
    assert first.subject == f"Your work for {due_day:%a %d %b %Y}: 0 overdue, 2 due today"
    assert "Due today (2):" in first.body and "Overdue" not in first.body
    assert "Social worker contact" in first.body or visit.title in first.body
    assert service.child.last_name in first.body  # the worker knows the child

    # Once per person per day, however often the worker passes.
    assert digest_at(due_day, 12, 0) == 0
    assert digest_at(due_day, 23, 59) == 0

    assert digest_at(due_day + timedelta(days=1)) == 1
    second = Message.objects.get(kind=Kind.DIGEST, recipient=service.worker, day=due_day + timedelta(days=1))
    assert second.subject.endswith(": 2 overdue, 0 due today")
    assert "Overdue (2):" in second.body
    assert service.child.last_name not in second.subject


def test_no_digest_for_someone_with_nothing_due(service: Service) -> None:
    assert outbox.send_digests(london(timezone.localdate(), 8)) == 0
    assert not Message.objects.filter(kind=Kind.DIGEST).exists()
