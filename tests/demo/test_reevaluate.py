"""``homeward reevaluate``: stored obligations get their due times through the normal re-evaluation.

Due promptly (CATALOGUE.md, shared definitions) gave every obligation a due
time. Rows stored before it have none until their child is re-evaluated; the
command re-evaluates every child (or those named) through the write path.
"""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from homeward.accounts.models import Role, User
from homeward.children.models import Child
from homeward.episodes.models import Episode
from homeward.obligations.evaluation import evaluation_unit
from homeward.obligations.models import Obligation
from tests.factories import signed_in


def _as_stored_before_due_promptly() -> int:
    """Take away the due times the engine now gives where a rule gives none, as rows stored before had."""
    undated = Obligation.objects.outstanding().exclude(
        kind__in=["return_interview", "intervention_meeting", "placement_risk_assessment"]
    )
    return undated.update(due_at=None)


def _undated() -> int:
    return Obligation.objects.outstanding().filter(due_at__isnull=True).count()


@pytest.mark.django_db
def test_after_reevaluating_the_demo_no_outstanding_obligation_is_without_a_due_time(demo: str) -> None:
    assert _undated() == 0  # the demo is built through the write path, with today's engine
    ids = set(Obligation.objects.values_list("pk", flat=True))
    taken = _as_stored_before_due_promptly()
    assert taken > 0 and _undated() == taken

    out = StringIO()
    call_command("reevaluate", stdout=out)

    assert _undated() == 0
    assert f"Re-evaluated {Child.objects.count()} children" in out.getvalue()
    assert out.getvalue().strip().endswith("0 outstanding obligations without a due time.")
    # The same rows, given their due times: links and messages about them stay valid.
    assert set(Obligation.objects.values_list("pk", flat=True)) == ids
    iro = Obligation.objects.filter(rule="west-mercia/inform-iro").first()
    assert iro is not None and iro.due_at == iro.opens_at + timedelta(hours=24)
    police = Obligation.objects.filter(kind="notify", recipient="police").first()
    assert police is not None and police.due_at == police.opens_at + timedelta(hours=1)


@pytest.mark.django_db
def test_reevaluate_one_child_leaves_the_others_as_they_were(demo: str) -> None:
    _as_stored_before_due_promptly()
    undated_children = list(
        Child.objects.filter(obligations__due_at__isnull=True, obligations__outcome="").distinct()
    )
    assert len(undated_children) >= 2
    chosen = undated_children[0]
    unit = {c.pk for c in evaluation_unit(chosen)}
    others = [c for c in undated_children if c.pk not in unit]
    assert others, "the demo should have children outside the chosen child's evaluation unit"

    call_command("reevaluate", "--child", chosen.reference, stdout=StringIO())

    assert not Obligation.objects.outstanding().filter(child_id__in=unit, due_at__isnull=True).exists()
    assert Obligation.objects.outstanding().filter(child=others[0], due_at__isnull=True).exists()


@pytest.mark.django_db
def test_reevaluate_refuses_a_child_that_does_not_exist_naming_the_option(demo: str) -> None:
    _as_stored_before_due_promptly()
    before = _undated()
    for bad in ("C999999", "twelve", ""):
        with pytest.raises(CommandError) as refused:
            call_command("reevaluate", "--child", "C1", "--child", bad, stdout=StringIO())
        message = str(refused.value)
        assert message.startswith("--child: no child ") and "\n" not in message
    # Every reference is checked first: the good one was not re-evaluated either.
    assert _undated() == before


@pytest.mark.django_db
def test_the_currently_missing_board_shows_a_next_deadline_once_obligations_are_reevaluated(
    demo: str,
) -> None:
    coordinator = User.objects.filter(role=Role.MISSING_COORDINATOR, is_active=True).first()
    assert coordinator is not None
    client: Client = signed_in(coordinator)
    _as_stored_before_due_promptly()
    before = client.get("/").content.decode().count("open since")
    assert before > 0  # as the issue saw it: no next deadline

    call_command("reevaluate", stdout=StringIO())

    after = client.get("/").content.decode().count("open since")
    assert after < before
    # A duty with no due time says "open since"; none is left once every duty has one.
    idle = (
        Episode.objects.filter(found_at__isnull=True)
        .exclude(pk__in=Obligation.objects.outstanding().filter(episode__isnull=False).values("episode"))
        .count()
    )
    assert after <= idle
