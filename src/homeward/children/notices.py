"""Which adults under a warning notice an episode's associates name (West Mercia 001 s.14.21-14.22).

An episode's associates are free text, one person a line ("Dean Hall", "Dean Hall (12/03/1990),
Flat 2 ..."). A line names the notice's adult when its name (the text before any bracket or
comma) is the adult's name ignoring case, spacing and full stops, and, where both the line and
the notice give a date of birth, the dates agree. Plain rules over the records: the write layer
uses them to tell the coordinator, the pages to show the warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from homeward.children.models import WarningNotice

_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b|\b(\d{4})-(\d{2})-(\d{2})\b")


def name_key(text: str) -> str:
    """Two spellings that differ only in case, spacing or a full stop are the same name."""
    return " ".join(text.replace(".", " ").split()).casefold()


def date_in(text: str) -> date | None:
    """The first date written in ``text`` (dd/mm/yyyy or yyyy-mm-dd), if a real one."""
    found = _DATE.search(text)
    if not found:
        return None
    day, month, year, iso_year, iso_month, iso_day = found.groups()
    try:
        if year:
            return date(int(year), int(month), int(day))
        return date(int(iso_year), int(iso_month), int(iso_day))
    except ValueError:
        return None


def name_in(line: str) -> str:
    return re.split(r"[(,;]", line, maxsplit=1)[0]


@dataclass(frozen=True)
class Match:
    notice: WarningNotice
    named_as: str  # the associate line as the episode gives it


def matches(notices: Iterable[WarningNotice], associates: Iterable[str]) -> list[Match]:
    """The notices whose adult one of ``associates`` names (one match per notice)."""
    lines = [(name_key(name_in(line)), date_in(line), line) for line in associates if line.strip()]
    found = []
    for notice in notices:
        key = name_key(notice.adult_name)
        for line_key, born, line in lines:
            if line_key != key:
                continue
            dob = notice.adult_date_of_birth
            if born is not None and dob is not None and born != dob:
                continue
            found.append(Match(notice, line))
            break
    return found


def live_notices(authority_id: int, now: datetime) -> list[WarningNotice]:
    """The authority's notices in force at ``now``: served, not withdrawn, not expired."""
    day = timezone.localdate(now)
    return list(
        WarningNotice.objects.filter(
            authority_id=authority_id, withdrawn_at__isnull=True, served_at__lte=now, expires_on__gte=day
        ).select_related("served_by_force")
    )
