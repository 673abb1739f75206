"""Places and people named in return interviews (issue 18): each place or person the children
said they went to or were with, how many children and interviews named it, ranked so a place
named by three children is at the top. For the coordinator and MACE panels a pattern across
children; for an analyst the same counts de-identified (as the oversight report's links: a
place is typed in free text and may be a refuge's or a relative's address, so it is numbered)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import QuerySet

from homeward.children.models import Child
from homeward.interviews.findings import key_of, names_in
from homeward.interviews.models import ReturnInterview
from homeward.reports.tables import Cell, Table


@dataclass
class Named:
    kind: str  # "Place" or "Person"
    name: str
    children: set[int] = field(default_factory=set)
    interviews: int = 0
    who: dict[int, str] = field(default_factory=dict)


def named(children: QuerySet[Child], *, identified: bool) -> list[Named]:
    interviews = (
        ReturnInterview.objects.filter(episode__child__in=children, held_at__isnull=False)
        .select_related("episode__child")
        .order_by("held_at", "pk")
    )
    found: dict[tuple[str, str], Named] = {}
    for interview in interviews:
        child = interview.episode.child
        for kind, text in (("Place", interview.account_where), ("Person", interview.account_with_whom)):
            for name in names_in(text):
                entry = found.setdefault((kind, key_of(name)), Named(kind, name))
                entry.children.add(child.pk)
                entry.interviews += 1
                entry.who[child.pk] = f"{child.name} ({child.reference})" if child.reference else child.name
    ranked = sorted(
        found.values(), key=lambda n: (-len(n.children), -n.interviews, n.kind, n.name.casefold())
    )
    if not identified:
        numbered: Counter[str] = Counter()
        for entry in ranked:
            numbered[entry.kind] += 1
            entry.name = f"{entry.kind} {numbered[entry.kind]}"
            entry.who = {}
    return ranked


def table(found: list[Named], *, identified: bool) -> Table:
    columns: tuple[str, ...] = ("Named", "Place or person", "Children who named it", "Interviews")
    rows: list[tuple[Cell, ...]] = [(n.name, n.kind, len(n.children), n.interviews) for n in found]
    if identified:
        columns += ("Children",)
        rows = [
            (*row, "; ".join(n.who[pk] for pk in sorted(n.who))) for row, n in zip(rows, found, strict=True)
        ]
    return Table(
        "named",
        "Places and people named in return interviews",
        columns,
        rows,
        (False, False, True, True, False),
    )
