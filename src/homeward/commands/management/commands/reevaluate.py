"""``homeward reevaluate [--child C12 ...]``: re-evaluate children's obligations and store them.

Obligations are stored when a child's record changes. When the engine or a pack
changes what it derives (Due promptly gave every obligation a due time:
CATALOGUE.md, shared definitions), rows stored before keep the old answer until
the child's record next changes. This command runs the normal re-evaluation
(``casework.timeline.extend_schedule``: lock the child, re-evaluate its evaluation unit,
store, tell whoever a newly open obligation falls to) for every child, or the
children named, recording nothing new on their timelines. Rows the engine still
produces keep their ids, so links and messages about them stay valid.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from homeward.casework.timeline import extend_schedule
from homeward.children.models import Child
from homeward.episodes.casefile import parse_ref
from homeward.obligations.evaluation import evaluation_unit
from homeward.obligations.models import Obligation


def _child(reference: str) -> Child:
    text = reference.strip().upper()
    pk = int(text) if text.isdigit() else parse_ref(text, "C")
    child = Child.objects.filter(pk=pk).first() if pk is not None else None
    if child is None:
        raise CommandError(
            f"--child: no child {reference!r}: give a child reference such as C12, or its number"
        )
    return child


class Command(BaseCommand):
    help = "Re-evaluate and store the obligations of every child (or those given with --child)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--child",
            action="append",
            default=[],
            metavar="C12",
            help="a child's reference (C12) or number; repeat for several (default: every child)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        references: list[str] = options["child"]
        # Check every reference before changing anything: a typo re-evaluates no one.
        children = [_child(r) for r in references] if references else list(Child.objects.order_by("pk"))
        done: set[int] = set()
        units = 0
        for child in children:
            if child.pk in done:
                continue
            # One transaction per child, as the write path does.
            extend_schedule(child)
            # Its evaluation unit (children sharing homes, where the pack counts
            # establishments) was stored with it: skip the rest of the unit.
            done.update(c.pk for c in evaluation_unit(child))
            units += 1
        undated = Obligation.objects.outstanding().filter(child_id__in=done, due_at__isnull=True).count()
        self.stdout.write(
            f"Re-evaluated {len(done)} children ({units} evaluation unit{'' if units == 1 else 's'}); "
            f"{undated} outstanding obligations without a due time."
        )
