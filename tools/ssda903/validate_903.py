"""Run the DfE SSDA903 rules (PyPI csc-validator-be-903, import name lac_validator) on CSV tables.

Runs in its OWN virtualenv (the validator pins old pandas and numpy): `make venv-903`
creates .venv-903. Adapted from ../shared/tools/ssda903/validate_903.py, printing
JSON for the tests instead of tables:

    .venv-903/bin/python tools/ssda903/validate_903.py --year 2026 --la E06000019 \
        header.csv episodes.csv missing.csv [--only-missing] [--last-year LAST/header.csv ...]

``--last-year`` gives the previous year's files (the validator's ``_last`` tables), which rule 576
reads.

Output: {"ran": N, "skipped": N, "crashed": [...], "issues": [{"child", "table", "row",
"rule", "message"}]} where row is the 0-based row of that table's CSV.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
from pathlib import Path

# lac_validator configures logging.basicConfig(INFO) on import; keep stdout for the JSON.
logging.disable(logging.CRITICAL)

import lac_validator.lac_validator as _lv  # noqa: E402
from lac_validator.lac_validator import LacValidator, create_issue_df  # noqa: E402
from lac_validator.report import Report  # noqa: E402
from lac_validator.rules.ruleset_utils import get_year_ruleset  # noqa: E402
from lac_validator.types import UploadedFile  # noqa: E402

# Rules (lac2022_23 .. lac2026_27 registries) that read the Missing table.
MISSING_RULES = [
    "564", "565", "566", "567", "570", "571", "574", "575", "576", "577",
    "578", "580", "581", "586", "1004", "1005", "1006", "1012", "INT04", "INT13",
]  # fmt: skip


def _deep_copy_datastore(ds):  # type: ignore[no-untyped-def]
    # Upstream gives each rule a SHALLOW copy; rule 365 fills open DEC in place and
    # later rules (575/577) then misfire on missing periods legitimately open at 31 March.
    return {k: (v.copy(deep=True) if k != "metadata" else v) for k, v in ds.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+")
    ap.add_argument("--year", required=True)
    ap.add_argument("--la", default="E06000019")
    ap.add_argument("--only-missing", action="store_true")
    ap.add_argument("--last-year", nargs="*", default=[])
    a = ap.parse_args(argv)
    files = [
        UploadedFile(name=str(p), description="This year", file_content=Path(p).read_bytes()) for p in a.files
    ] + [
        UploadedFile(name=str(p), description="Prev year", file_content=Path(p).read_bytes())
        for p in a.last_year
    ]
    _lv.copy_datastore = _deep_copy_datastore
    registry = get_year_ruleset(a.year)
    # Some rules print as they run: stdout is for the JSON alone.
    with contextlib.redirect_stdout(sys.stderr):
        v = LacValidator(
            metadata={"collectionYear": a.year, "localAuthority": a.la},
            files=files,
            registry=registry,
            selected_rules=MISSING_RULES if a.only_missing else None,
        )
        report = Report(v.ds_results, registry)
    try:
        issues = create_issue_df(report.report, report.error_report)
        rows = list(issues.drop_duplicates(["child_id", "tables_affected", "row_id", "rule_code"]).itertuples())
    except ValueError:  # upstream cannot build an empty issue table: nothing fired
        rows = []
    out = {
        "ran": len(v.dones),
        "skipped": len(v.skips),
        "crashed": sorted(str(c) for c in v.fails),
        "tables": {k: len(df) for k, df in v.dfs.items()},
        "issues": [
            {
                "child": str(r.child_id),
                "table": str(r.tables_affected),
                "row": int(r.row_id),
                "rule": str(r.rule_code),
                "message": str(r.rule_description),
            }
            for r in rows
        ],
    }
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
