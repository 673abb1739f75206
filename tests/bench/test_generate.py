"""`homeward generate`: skewed synthetic histories whose stored obligations are the engine's."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count

from homeward.accounts.models import Organisation
from homeward.bench.generate import Options, generate
from homeward.casework.evaluation import reevaluate
from homeward.children.models import Child, Placement
from homeward.episodes.models import Episode, Event
from homeward.interviews.models import ReturnInterview
from homeward.meetings.models import Meeting
from homeward.obligations.models import Obligation

NOW = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)


@pytest.fixture
def generated(db: None) -> dict[str, object]:
    # Five authorities: one of each shipped pack, West Mercia's per-home count among them.
    return generate(Options(authorities=5, children=300, years=3, seed=7, now=NOW))


def stored() -> list[tuple[object, ...]]:
    fields = [f.attname for f in Obligation._meta.concrete_fields]
    return sorted(Obligation.objects.values_list(*fields))


def test_the_counts_reported_are_the_rows_stored(generated: dict[str, object]) -> None:
    assert generated["children"] == Child.objects.count() == 300
    assert generated["episodes"] == Episode.objects.count()
    assert generated["events"] == Event.objects.count()
    assert generated["obligations"] == Obligation.objects.count()
    assert generated["placements"] == Placement.objects.count() > 0
    assert generated["interviews"] == ReturnInterview.objects.count() > 0
    assert generated["meetings"] == Meeting.objects.count() > 0
    assert Organisation.objects.filter(kind="local_authority").count() == 5
    # Every episode has its report on the timeline, and every closed one its return.
    assert Event.objects.filter(type="reported").count() == Episode.objects.count()
    assert (
        Event.objects.filter(type="found").count() == Episode.objects.filter(found_at__isnull=False).count()
    )


def test_most_children_go_missing_once_and_a_few_dozens_of_times(generated: dict[str, object]) -> None:
    per_child = Counter(Episode.objects.values("child").annotate(n=Count("id")).values_list("n", flat=True))
    children = sum(per_child.values())
    assert per_child[1] / children > 0.45
    assert sum(v for k, v in per_child.items() if k >= 10) >= 3
    # Missing, absent and away all occur; a few children are missing now.
    assert set(Episode.objects.values_list("category", flat=True)) == {"missing", "absent", "away"}
    assert 0 < Episode.objects.filter(found_at__isnull=True).count() < 20
    # History is mostly work done: little of it is still outstanding.
    outstanding = Obligation.objects.filter(outcome="").count()
    assert 0 < outstanding < Obligation.objects.count() * 0.2


def test_stored_obligations_are_what_the_write_path_would_store(generated: dict[str, object]) -> None:
    before = stored()
    assert before
    with transaction.atomic():
        done = reevaluate(list(Child.objects.order_by("pk")), NOW)
    assert len(done) == 300
    # Same rows, same ids, same values: re-evaluation through the write path changed nothing.
    assert stored() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--authorities", "0", "--children", "10", "--years", "2"], "--authorities: give at least 1"),
        (
            ["--authorities", "2", "--children", "ten", "--years", "2"],
            "--children: 'ten' is not a whole number",
        ),
        (["--authorities", "2", "--children", "10", "--years", "0"], "--years: give between 1 and 20"),
        (["--authorities", "2", "--years", "2"], "--children: required"),
    ],
)
def test_a_bad_option_is_named_and_nothing_is_written(db: None, args: list[str], message: str) -> None:
    with pytest.raises(CommandError) as error:
        call_command("generate", *args)
    assert str(error.value) == message
    assert not Organisation.objects.exists()
    assert not Child.objects.exists()


def test_the_bench_reports_children_missing_under_the_same_pack_at_every_size(
    generated: dict[str, object],
) -> None:
    from homeward.bench.dbtool import WRITE_PACK, pick

    picks = pick(2)
    # Not the authority whose pages are measured, and the pack that makes the most work of a report:
    # the writes' growth from the small database to the large compares one pack with itself.
    assert picks["reporting_authority"]["protocol"] == WRITE_PACK == "essex"
    assert picks["reporting_authority"]["id"] != picks["authority"]["id"]
    assert picks["report_children"]
    assert set(
        Child.objects.filter(pk__in=picks["report_children"]).values_list("responsible_authority", flat=True)
    ) == {picks["reporting_authority"]["id"]}
