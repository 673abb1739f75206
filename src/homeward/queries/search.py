"""The header's search: a child by name, alias, reference, date of birth, home, police reference
or episode reference, among the records the reader may see.

Takes the children and episodes already narrowed by ``homeward.access.visible``, so a record the
reader may not open is never found (nor hinted at: the page says only what it found).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Prefetch, Q, QuerySet

from homeward.children.models import Child, Placement
from homeward.episodes.models import Episode

# A search box's text: enough for a name and a date, never a query the size of a page.
QUERY_LIMIT = 100
# At most this many of each kind of result: a search, not a list of everyone.
RESULTS_LIMIT = 50

DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d/%m/%y")


def as_date(text: str) -> date | None:
    """A date of birth as people type it: 2/4/2011, 02-04-2011, 2011-04-02, 2 April 2011."""
    for form in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), form).date()
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class Found:
    children: Sequence[Child]
    # Episodes found by their own reference or the police's, that the reader may open (a police
    # officer opens episodes, not children's pages).
    episodes: list[Episode]

    @property
    def count(self) -> int:
        return len(self.children) + len(self.episodes)


def search(*, children: QuerySet[Child], episodes: QuerySet[Episode], query: str) -> Found:
    text = " ".join(query[:QUERY_LIMIT].split())
    if not text:
        return Found(children=[], episodes=[])
    by_child = Q(pk__in=[])
    by_episode = Q(pk__in=[])
    reference = re.fullmatch(r"([CcEe])\s*(\d{1,9})", text)
    if reference:
        kind, number = reference.group(1).upper(), int(reference.group(2))
        if kind == "C":
            by_child |= Q(pk=number)
        else:
            by_episode |= Q(pk=number)
    born = as_date(text)
    if born is not None:
        by_child |= Q(date_of_birth=born)
    # A police reference: whole or in part (WMP-26-000123, 000123).
    if len(text) >= 4 and " " not in text:
        by_episode |= Q(police_reference__icontains=text)
    if born is None and not reference:
        # Every word in the name, an alias, or the home the child lives in now.
        words = Q()
        for word in text.split()[:6]:
            words &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(known_as__icontains=word)
                | Q(aliases__icontains=word)
                | Q(placements__ended_on__isnull=True, placements__establishment__name__icontains=word)
            )
        by_child |= words
    found_children = list(
        children.filter(by_child)
        .distinct()
        .select_related("responsible_authority")
        # Where each lives now (a name may match the home, not the child), in one query.
        .prefetch_related(
            Prefetch(
                "placements",
                queryset=Placement.objects.filter(ended_on__isnull=True)
                .select_related("establishment")
                .order_by("-started_at"),
                to_attr="current_placements",
            )
        )
        .order_by("last_name", "first_name", "pk")[:RESULTS_LIMIT]
    )
    found_episodes = list(
        episodes.filter(by_episode).select_related("child").order_by("-reported_at", "-pk")[:RESULTS_LIMIT]
    )
    return Found(children=found_children, episodes=found_episodes)
