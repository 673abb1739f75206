"""A report made in error is withdrawn, with a reason, by the reporter or a manager.

Its duties are cancelled (kept, with the outcome "cancelled", so the history stays), the
withdrawal is on the audit trail, the episode is left out of the board, the reports and the
statutory returns, and the engine raises nothing more for it: the case file it reads
(episodes/casefile.py) omits a withdrawn episode. REPLAY.md has no "withdrawn" event, and the
engine's interface is unchanged.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from homeward.access import partners
from homeward.accounts.models import AuditEntry, Organisation, OrganisationKind, Role, User
from homeward.casework import outbox
from homeward.casework.episodes import record_found, report_episode, withdraw_report
from homeward.casework.meetings import record_meeting
from homeward.casework.placements import start_placement
from homeward.casework.risk import grade_risk
from homeward.casework.timeline import extend_schedule
from homeward.children.models import Child
from homeward.episodes.casefile import case_file
from homeward.episodes.models import Episode
from homeward.meetings.models import Meeting
from homeward.notifications.models import Message
from homeward.obligations.evaluation import protocol_of
from homeward.obligations.models import Obligation
from homeward.reports import annex_a, ssda903
from homeward.reports.oversight import Period, Scope, report
from homeward.reports.pdf import briefing_entries
from homeward.reports.reading import read_episodes
from tests.conftest import Service, person
from tests.factories import EstablishmentFactory, UserFactory, signed_in

pytestmark = pytest.mark.django_db

REASON = "Reported the wrong child: Keziah was at school all afternoon"


def carer_of(service: Service) -> User:
    home = EstablishmentFactory(area=service.team.organisation)
    start_placement(service.child, establishment=home, at=timezone.now() - timedelta(days=90), by=None)
    return person(Role.CARER, None, establishment=home)


def reported_by(who: User, child: Child, hours_ago: float = 30) -> Episode:
    now = timezone.now()
    return report_episode(
        child,
        category="missing",
        reported_at=now - timedelta(hours=hours_ago),
        last_seen_at=now - timedelta(hours=hours_ago + 1),
        police_informed=False,
        by=who,
    )


def test_the_reporter_withdraws_a_report_made_in_error_from_the_episode_page(service: Service) -> None:
    carer = carer_of(service)
    episode = reported_by(carer, service.child)
    opened = set(Obligation.objects.outstanding().filter(episode=episode).values_list("pk", flat=True))
    assert opened
    client = signed_in(carer)
    page = client.get(f"/episodes/{episode.pk}/").content.decode()
    assert "Withdraw this report" in page
    assert service.child.name in client.get("/").content.decode()

    # A reason is required.
    refused = client.post(f"/episodes/{episode.pk}/withdraw/", {"reason": "  "})
    assert refused.status_code == 400
    assert "Say why the report is withdrawn" in refused.content.decode()
    response = client.post(f"/episodes/{episode.pk}/withdraw/", {"reason": REASON})
    assert response.status_code == 302 and response["Location"] == f"/episodes/{episode.pk}/"

    episode.refresh_from_db()
    assert episode.withdrawn_at is not None and episode.withdrawn_by == carer
    assert episode.withdrawal_reason == REASON
    # The duties are cancelled, not deleted: the same rows, closed, with the reason.
    kept = Obligation.objects.filter(pk__in=opened)
    assert kept.count() == len(opened)
    assert set(kept.values_list("outcome", flat=True)) == {"cancelled"}
    assert all(REASON in o.reason for o in kept)
    assert not Obligation.objects.filter(episode=episode, outcome="").exists()
    # On the audit trail, by the carer.
    change = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Episode),
        object_pk=str(episode.pk),
        action=AuditEntry.Action.UPDATE,
    ).latest()
    assert change.actor == carer
    assert change.changes_dict["withdrawal_reason"][1] == REASON
    # Off the board; still on the child's record, marked withdrawn, with the reason.
    assert service.child.name not in client.get("/").content.decode()
    record = signed_in(service.worker).get(f"/children/{service.child.pk}/").content.decode()
    assert "Withdrawn" in record and REASON in record
    page = client.get(f"/episodes/{episode.pk}/").content.decode()
    assert "This report was withdrawn" in page and "Withdraw this report" not in page


def test_the_engine_raises_nothing_more_for_a_withdrawn_report(service: Service) -> None:
    episode = reported_by(service.worker, service.child, hours_ago=3)
    withdraw_report(episode, reason=REASON, by=service.manager)
    # The engine's case file no longer holds the episode.
    file = case_file([service.child], protocol_of(service.child), None)
    assert not [e for e in file["events"] if e.get("episode") == episode.reference]
    # Time passes: no new duty opens for it, and no one is told or chased about it.
    before = Obligation.objects.filter(episode=episode).count()
    extend_schedule(service.child)
    later = timezone.now() + timedelta(days=3)
    outbox.refresh(later)
    assert Obligation.objects.filter(episode=episode).count() == before
    assert not Obligation.objects.filter(episode=episode, outcome="").exists()
    assert not Message.objects.filter(obligation__episode=episode, created_at__gt=timezone.now()).exists()
    # And nothing more is recorded on it.
    with pytest.raises(ValidationError):
        grade_risk(episode, level="high", at=timezone.now(), rationale="late", by=service.worker)
    with pytest.raises(ValidationError):
        withdraw_report(episode, reason="again", by=service.manager)
    with pytest.raises(ValidationError):
        record_meeting(
            Meeting(
                child=service.child,
                episode=episode,
                kind="strategy",
                held_at=timezone.now(),
                attendees="Social worker",
                decisions="None",
            ),
            [],
            by=service.worker,
        )
    assert not Meeting.objects.exists()


def test_a_withdrawn_report_is_left_out_of_reports_and_returns(service: Service) -> None:
    carer = carer_of(service)
    now = timezone.now()
    kept = reported_by(carer, service.child, hours_ago=80)
    record_found(kept, at=now - timedelta(hours=70), by=carer)
    withdrawn = reported_by(carer, service.child, hours_ago=30)
    withdraw_report(withdrawn, reason=REASON, by=carer)
    children = Child.objects.filter(pk=service.child.pk)

    assert [e.pk for e in read_episodes(children, now)] == [kept.pk]
    today = timezone.localdate()
    period = Period(today - timedelta(days=30), today)
    assert report(children, period, Scope("all"), now).episodes == 1
    year = ssda903.collection_year(today.year if today.month < 4 else today.year + 1, today)
    missing = ssda903.build(children, year, now).missing
    assert len(missing) == 1
    (row,) = annex_a.rows(children, today, now)
    assert row.missing + row.absent == 1
    # The missing briefing pack leaves it out too: nobody is missing now.
    assert briefing_entries(children, now) == []


@pytest.mark.parametrize("role", [Role.TEAM_MANAGER, Role.MISSING_COORDINATOR, Role.SENIOR_MANAGER])
def test_a_manager_may_withdraw_a_report_someone_else_made(service: Service, role: Role) -> None:
    episode = reported_by(service.worker, service.child)
    manager = service.manager if role == Role.TEAM_MANAGER else person(role, service.team)
    assert manager.has_perm("episodes.withdraw_episode", episode)
    response = signed_in(manager).post(f"/episodes/{episode.pk}/withdraw/", {"reason": REASON})
    assert response.status_code == 302
    assert Episode.objects.get(pk=episode.pk).withdrawn_by == manager


def test_no_one_else_may_withdraw_it(service: Service) -> None:
    carer = carer_of(service)
    episode = reported_by(carer, service.child)
    colleague = person(Role.SOCIAL_WORKER, service.team)
    for who in (service.worker, colleague):
        assert not who.has_perm("episodes.withdraw_episode", episode)
        assert "Withdraw this report" not in signed_in(who).get(f"/episodes/{episode.pk}/").content.decode()
        before = AuditEntry.objects.filter(additional_data__outcome="refused").count()
        response = signed_in(who).post(f"/episodes/{episode.pk}/withdraw/", {"reason": REASON})
        assert response.status_code == 404
        assert AuditEntry.objects.filter(additional_data__outcome="refused").count() == before + 1
    assert Episode.objects.get(pk=episode.pk).withdrawn_at is None


def test_a_report_withdrawn_tells_the_police_nothing_more(service: Service) -> None:
    # Reported in error (the wrong child): the force told of it no longer sees it, nor the child.
    force = Organisation.objects.create(name="West Mercia Police", kind=OrganisationKind.POLICE_FORCE)
    Organisation.objects.filter(pk=service.team.organisation_id).update(police_force=force)
    service.child.responsible_authority.refresh_from_db()
    liaison = UserFactory(role=Role.POLICE_LIAISON, organisation=force)
    now = timezone.now()
    episode = report_episode(
        service.child,
        category="missing",
        reported_at=now - timedelta(hours=2),
        last_seen_at=None,
        police_informed=True,
        by=service.worker,
    )
    assert liaison.has_perm("episodes.view_episode", episode)
    assert partners.children_for(force).filter(pk=service.child.pk).exists()
    withdraw_report(episode, reason=REASON, by=service.manager)
    assert not liaison.has_perm("episodes.view_episode", episode)
    assert not partners.episodes_for(force).exists()
    assert not partners.children_for(force).exists()
    assert signed_in(liaison).get(f"/episodes/{episode.pk}/").status_code == 404


def test_once_an_open_report_is_withdrawn_the_child_can_be_reported_again(service: Service) -> None:
    wrong = reported_by(service.worker, service.child, hours_ago=2)
    withdraw_report(wrong, reason=REASON, by=service.manager)
    # The report form, not the withdrawn episode ("already reported": one open episode a child).
    assert signed_in(service.worker).get(f"/children/{service.child.pk}/report/").status_code == 200
    again = reported_by(service.worker, service.child, hours_ago=1)
    assert again.pk != wrong.pk
