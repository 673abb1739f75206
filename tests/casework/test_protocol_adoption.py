"""An authority adopts a protocol version from a date (REPLAY.md, "Protocol versions and
explanations"): each duty is raised by the adoption in force at its occasion and keeps the due
time, pack and version it was raised with; only the coordinator or a senior manager adopts,
with a reason, from now on; the adoption is audited and exported with the case."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from homeward.accounts.models import AuditEntry, Role
from homeward.casework.episodes import record_found, report_episode
from homeward.casework.protocols import adopt_protocol
from homeward.episodes.models import Episode
from homeward.obligations.models import Obligation, ProtocolAdoption
from homeward.protocols.pack import PACKS_DIR
from tests.conftest import Service, person

pytestmark = pytest.mark.django_db


def episode(service: Service, reported_days_ago: float, found_days_ago: float) -> Episode:
    now = timezone.now().replace(second=0, microsecond=0)
    made = report_episode(
        service.child,
        category="missing",
        reported_at=now - timedelta(days=reported_days_ago),
        last_seen_at=now - timedelta(days=reported_days_ago, hours=1),
        police_informed=True,
        by=service.worker,
    )
    record_found(made, at=now - timedelta(days=found_days_ago), by=service.worker, where="At home")
    made.refresh_from_db()
    return made


def interview(episode: Episode) -> Obligation:
    row = Obligation.objects.filter(episode=episode, kind="return_interview").first()
    assert row is not None
    return row


def test_a_duty_raised_before_an_adoption_keeps_its_due_time_and_version_after_it(service: Service) -> None:
    """West Mercia s.12.1 gives 72 hours; the practice guidance adopted later gives 24 ('RHI to be
    offered within 24hrs'). The first episode's interview stays West Mercia's."""
    first = episode(service, reported_days_ago=30, found_days_ago=29)
    before = interview(first)
    assert (before.protocol, before.version) == ("west-mercia", "8.1")
    assert before.due_at == first.found_at + timedelta(hours=72)
    # An adoption in force from ten days ago (recorded then: the write layer refuses a past date).
    ProtocolAdoption.objects.create(
        authority=service.child.responsible_authority,
        pack="practice-guidance",
        version="1",
        text=(PACKS_DIR / "practice-guidance.yaml").read_text(),
        in_force_from=timezone.now() - timedelta(days=10),
        reason="Adopted the regional practice guidance",
        by=service.service_manager,
        recorded_at=timezone.now() - timedelta(days=10),
    )
    second = episode(service, reported_days_ago=5, found_days_ago=4)  # re-evaluates the child
    after = interview(first)
    assert after.pk == before.pk
    assert after.due_at == before.due_at and (after.protocol, after.version) == ("west-mercia", "8.1")
    assert "72 hours" in after.due_because
    later = interview(second)
    assert (later.protocol, later.version) == ("practice-guidance", "1")
    assert later.due_at == second.found_at + timedelta(hours=24)
    # The export carries the history, and names each obligation's version as the pages do.
    out = StringIO()
    call_command("export_case", service.child.reference, stdout=out)
    protocol = json.loads(out.getvalue())["protocol"]
    assert [(a["pack"], a["version"]) for a in protocol] == [
        ("west-mercia", "8.1"),
        ("practice-guidance", "1"),
    ]
    assert "from" not in protocol[0] and protocol[1]["from"]


def test_the_coordinator_adopts_from_now_on_with_a_reason_and_it_is_audited(service: Service) -> None:
    authority = service.child.responsible_authority
    coordinator = person(Role.MISSING_COORDINATOR, service.team)
    start = timezone.now() + timedelta(days=7)
    record = adopt_protocol(
        authority,
        pack="wakefield",
        in_force_from=start,
        reason="Regional alignment, board of 1 May",
        by=coordinator,
    )
    assert (record.pack, record.version, record.by) == ("wakefield", "2018-12", coordinator)
    audit = AuditEntry.objects.get_for_object(record).filter(action=AuditEntry.Action.CREATE).get()
    # The trail keeps what was adopted, from when, why and by whom (the actor is the request's).
    assert "Regional alignment" in str(audit.changes) and str(coordinator.pk) in str(audit.changes)


@pytest.mark.parametrize(
    ("role", "changes", "field"),
    [
        (Role.SOCIAL_WORKER, {}, None),
        (Role.SENIOR_MANAGER, {"reason": "  "}, "reason"),
        (Role.SENIOR_MANAGER, {"pack": "nowhere"}, "pack"),
        (Role.SENIOR_MANAGER, {"pack": "/etc/passwd.yaml"}, "pack"),
        (Role.SENIOR_MANAGER, {"version": "99"}, "pack"),
        (Role.SENIOR_MANAGER, {"in_force_from": timezone.now() - timedelta(hours=1)}, "in_force_from"),
    ],
)
def test_an_adoption_is_refused_naming_what_is_wrong(
    service: Service, role: str, changes: dict[str, object], field: str | None
) -> None:
    by = service.service_manager if role == Role.SENIOR_MANAGER else service.worker
    args: dict[str, object] = {
        "pack": "wakefield",
        "in_force_from": timezone.now() + timedelta(days=1),
        "reason": "Regional alignment",
        **changes,
    }
    with pytest.raises(ValidationError) as refused:
        adopt_protocol(service.child.responsible_authority, by=by, **args)  # type: ignore[arg-type]
    if field is not None:
        assert field in refused.value.message_dict
    assert not ProtocolAdoption.objects.exists()


def test_the_command_records_an_adoption_and_names_a_bad_option(service: Service) -> None:
    from django.core.management.base import CommandError

    coordinator = person(Role.MISSING_COORDINATOR, service.team)
    name = service.child.responsible_authority.name
    start = (timezone.now() + timedelta(days=3)).isoformat()
    common = {"authority": name, "reason": "Board decision", "by": coordinator.username}
    with pytest.raises(CommandError, match=r"^--from: "):
        call_command(
            "adopt_protocol", pack="wakefield", in_force_from="next week", stdout=StringIO(), **common
        )
    with pytest.raises(CommandError, match=r"^--pack: "):
        call_command(
            "adopt_protocol", pack="wakefield@1999", in_force_from=start, stdout=StringIO(), **common
        )
    out = StringIO()
    call_command("adopt_protocol", pack="wakefield@2018-12", in_force_from=start, stdout=out, **common)
    assert ProtocolAdoption.objects.get().by == coordinator and "wakefield 2018-12" in out.getvalue()
