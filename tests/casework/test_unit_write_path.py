"""A write re-stores only the children of the evaluation unit the change can affect.

Under West Mercia every child ever placed in the same home is evaluated together (the home's
count of missing episodes). A completion or a grading reaches its own child only; a report,
a return or a reclassification reaches the children missing from the child's homes after it.
After every write the stored obligations of the whole unit are what a full evaluation of the
unit gives.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from homeward.casework import evaluation
from homeward.casework.episodes import record_found, report_episode
from homeward.casework.obligations import close_obligation
from homeward.casework.placements import start_placement
from homeward.children.models import Child
from homeward.obligations.evaluation import evaluation_unit
from homeward.obligations.models import Obligation
from tests.factories import ChildFactory, EstablishmentFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

FIELDS = [f.attname for f in Obligation._meta.concrete_fields if f.attname != "id"]


def _stored(children: list[Child]) -> list[tuple[Any, ...]]:
    return sorted(Obligation.objects.filter(child__in=children).values_list(*FIELDS), key=repr)


def _as_a_full_evaluation_gives(children: list[Child], now: datetime) -> bool:
    """Re-evaluate the whole unit (no change named), compare, and roll back."""
    before = _stored(children)
    with transaction.atomic():
        evaluation.reevaluate(children, now)
        after = _stored(children)
        transaction.set_rollback(True)
    return before == after


def test_each_write_stores_the_children_it_can_affect_and_the_unit_agrees_with_the_engine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = timezone.now().replace(microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: now)  # one instant: the schedule's horizon alike
    team = TeamFactory()
    worker = UserFactory(role="social_worker", team=team, organisation=team.organisation)
    home = EstablishmentFactory()
    a, b, c = (
        ChildFactory(responsible_authority=worker.organisation, allocated_worker=worker, team=team)
        for _ in range(3)
    )
    for child in (a, b, c):
        start_placement(child, establishment=home, at=now - timedelta(days=300), by=worker)
    unit = evaluation_unit(a)
    assert {x.pk for x in unit} == {a.pk, b.pk, c.pk}

    stored: list[set[int]] = []
    real_store = evaluation.store

    def spy(children: list[Child], computed: list[Any], *rest: Any) -> None:
        stored.append({x.pk for x in children})
        real_store(children, computed, *rest)

    monkeypatch.setattr(evaluation, "store", spy)

    def report(child: Child, hours_ago: int) -> Any:
        return report_episode(
            child,
            category="missing",
            reported_at=now - timedelta(hours=hours_ago),
            last_seen_at=now - timedelta(hours=hours_ago + 1),
            police_informed=True,
            by=worker,
        )

    # B goes missing first, then A: nobody else is missing from the home after either report.
    b_episode = report(b, 10)
    assert stored.pop() == {b.pk}
    report(a, 5)
    assert stored.pop() == {a.pk}
    report(c, 1)
    assert stored.pop() == {c.pk}
    assert _as_a_full_evaluation_gives(unit, now)

    # B's return: A and C went missing from the same home after B's report, their counts hold it.
    record_found(b_episode, at=now - timedelta(minutes=30), where="Bus station", by=worker)
    assert stored.pop() == {a.pk, b.pk, c.pk}
    assert _as_a_full_evaluation_gives(unit, now)

    # Work recorded on A's duty is A's alone.
    duty = (
        Obligation.objects.filter(child=a, outcome="", opens_at__lte=now).order_by("opens_at", "id").first()
    )
    assert duty is not None
    close_obligation(duty, outcome="done", at=now - timedelta(minutes=10), by=worker)
    assert stored.pop() == {a.pk}
    assert Obligation.objects.get(pk=duty.pk).outcome == "done"
    assert _as_a_full_evaluation_gives(unit, now)
