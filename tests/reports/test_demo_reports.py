"""Every report on the demo data: the 903 return passes the DfE Missing-table rules, the pages render."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from homeward.episodes.models import Episode
from homeward.reports.reading import local_date

pytestmark = pytest.mark.django_db

MISSING_RULES = {
    "564", "565", "566", "567", "570", "571", "574", "575", "576", "577",
    "578", "580", "581", "586", "1004", "1005", "1006", "1012", "INT04", "INT13",
}  # fmt: skip


def collection_years() -> list[int]:
    """Every collection year (named by the year it ends) the demo's episodes fall in."""
    days = [local_date(e.start) for e in Episode.objects.all()]
    return sorted({d.year + 1 if d.month >= 4 else d.year for d in days})


def test_the_demo_ssda903_return_breaks_no_missing_table_rule(
    demo: str, tmp_path: Path, validator_903: Any
) -> None:
    years = collection_years()
    assert years
    returned = 0
    for year in years:
        out = tmp_path / str(year)
        call_command("ssda903", "--year", str(year), "--out", str(out), stdout=StringIO())
        result = validator_903(year, out)
        assert result["tables"]["Header"] > 0
        returned += result["tables"].get("Missing", 0)
        broken = [i for i in result["issues"] if i["table"] == "Missing" or i["rule"] in MISSING_RULES]
        assert broken == [], (year, broken)
        assert len(result["crashed"]) <= 2  # upstream rules 231 and 233 crash on any input
    assert returned > 10
