"""Missing or away: each authority's share beside the national figures.

The DfE counts a looked-after child "missing" (whereabouts not known) apart from "away from
placement without authorisation" (whereabouts known, not where they should be). Councils that
record every away incident as missing distort both national counts: by up to 13% (missing, over)
and 29% (away, under) in 2019-20, the DfE estimates. This module counts, for the year's 903 return,
each authority's looked-after children, those with a missing period and those with an away period,
and reads the national figures from ``data/national_missing_away.json`` (with their sources).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from homeward.children.models import Child
from homeward.reports.ssda903 import Assembled

NATIONAL = Path(__file__).parent / "data" / "national_missing_away.json"


def percent(part: int | None, whole: int | None) -> int | None:
    if part is None or not whole:
        return None
    return round(100 * part / whole)


@dataclass(frozen=True)
class Share:
    who: str
    year: str
    looked_after: int | None
    missing: int | None
    away: int | None
    basis: str = ""
    source: str = ""
    url: str = ""
    percent_missing_given: int | None = None

    @property
    def percent_missing(self) -> int | None:
        """Children missing as a share of the children looked after during the year."""
        return self.percent_missing_given or percent(self.missing, self.looked_after)

    @property
    def percent_away(self) -> int | None:
        return percent(self.away, self.looked_after)

    @property
    def away_share(self) -> int | None:
        """Children away as a share of the children missing or away (a child may be both)."""
        if self.missing is None or self.away is None:
            return None
        return percent(self.away, self.missing + self.away)


def shares(built: Assembled) -> list[Share]:
    """Each authority's children in the year's return: looked after, missing, away."""
    authority = dict(
        Child.objects.filter(pk__in=[int(h["CHILD"]) for h in built.ret.header]).values_list(
            "pk", "responsible_authority__name"
        )
    )
    looked_after: dict[str, int] = defaultdict(int)
    missing: dict[str, set[int]] = defaultdict(set)
    away: dict[str, set[int]] = defaultdict(set)
    for child_pk, name in authority.items():
        looked_after[name] += 1
        for period in built.periods.get(child_pk, []):
            if period.returned:
                (missing if period.code == "M" else away)[name].add(child_pk)
    return [
        Share(name, built.ret.year.label, looked_after[name], len(missing[name]), len(away[name]))
        for name in sorted(looked_after)
    ]


@cache
def _figures() -> tuple[dict[str, Any], ...]:
    return tuple(json.loads(NATIONAL.read_text(encoding="utf-8"))["figures"])


def national() -> list[Share]:
    """England's published figures, oldest first, each with its basis and source."""
    return [
        Share(
            "England",
            f["year"],
            f.get("children_looked_after"),
            f.get("children_missing"),
            f.get("children_away"),
            basis=f["basis"],
            source=f["source"],
            url=f["url"],
            percent_missing_given=f.get("percent_looked_after_missing"),
        )
        for f in _figures()
    ]
