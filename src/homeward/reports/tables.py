"""Report tables as plain rows, and the same tables as CSV and XLSX downloads."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font

from homeward.reports.cells import safe_cell
from homeward.reports.oversight import Count, Interviews, Oversight

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    slug: str
    caption: str
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]]
    numeric: tuple[bool, ...] = ()

    def is_numeric(self, index: int) -> bool:
        return self.numeric[index] if index < len(self.numeric) else False

    @property
    def headers(self) -> list[tuple[str, bool]]:
        return [(name, self.is_numeric(i)) for i, name in enumerate(self.columns)]

    @property
    def cells(self) -> list[list[tuple[Cell, bool]]]:
        """Rows for a page: each value with whether it is a number (right-aligned)."""
        return [[(value, self.is_numeric(i)) for i, value in enumerate(row)] for row in self.rows]


def counts(slug: str, caption: str, label: str, rows: Sequence[Count], measure: str = "Episodes") -> Table:
    return Table(slug, caption, (label, measure), [(r.label, r.count) for r in rows], (False, True))


def _hours(value: float | None) -> Cell:
    return round(value, 1) if value is not None else None


def _out_of_area(i: Interviews, in_time: str) -> Table:
    """The Children's Society's question: return interviews for children placed out of area."""
    return Table(
        "return-interviews-out-of-area",
        "Return home interviews for children placed in another authority's area (episodes ended in the period)",
        ("Measure", "Number"),
        [
            ("Returns from a missing episode", i.returns),
            ("Interview offered", i.offered),
            ("Interview held", i.held),
            ("Held by the host authority", i.held_by_host),
            (in_time, i.held_in_time),
            ("Declined by the child", i.declined),
            ("No interview offered", i.not_offered),
        ],
        (False, True),
    )


def oversight_tables(r: Oversight) -> list[Table]:
    i = r.interviews
    in_time = f"Held within {i.due_within}" if i.due_within else "Held in time (no due time in the pack)"
    d = r.durations
    threshold = r.threshold
    tables = [
        Table(
            "summary",
            "Summary",
            ("Measure", "Number"),
            [
                ("Missing episodes that began in the period", r.episodes),
                ("Children missing in the period", r.children),
                ("Children missing more than once", r.repeat_children),
                ("Episodes still missing when the period began", r.carried_over),
                ("Absences (never read as missing; not counted above)", r.absences),
                ("Median hours missing (episodes ended)", _hours(d.median_hours)),
                ("Longest episode, hours", _hours(d.longest_hours)),
            ],
            (False, True),
        ),
        counts("durations", "How long children were missing", "Duration", d.rows()),
        counts(
            "repeat", "Missing episodes per child", "Episodes in the period", r.episodes_per_child, "Children"
        ),
        Table(
            "return-interviews",
            "Return home interviews, for missing episodes that ended in the period",
            ("Measure", "Number"),
            [
                ("Returns from a missing episode", i.returns),
                ("Interview offered", i.offered),
                ("Interview held", i.held),
                (in_time, i.held_in_time),
                ("Declined by the child", i.declined),
                ("No interview offered", i.not_offered),
            ],
            (False, True),
        ),
        *([_out_of_area(i.out_of_area, in_time)] if i.out_of_area is not None else []),
        Table(
            "meetings",
            "Strategy and intervention meetings due in the period",
            ("Meeting", "Due", "Held on time", "Held late", "Not needed or declined", "Outstanding"),
            [(m.kind, m.due, m.on_time, m.late, m.not_held, m.outstanding) for m in r.meetings],
            (False, True, True, True, True, True),
        ),
        counts(
            "overdue", "Obligations overdue at the end of the period, by kind", "Kind", r.overdue, "Overdue"
        ),
        Table(
            "establishments",
            "Missing episodes by establishment"
            + (
                f" (threshold: {threshold.at_least} or more in {threshold.window}, {threshold.cites})"
                if threshold
                else ""
            ),
            ("Establishment", "In the period", "In the window to the period's end", "Over the threshold"),
            [
                (e.name, e.in_period, e.in_window, "Yes" if e.over_threshold else "No")
                for e in r.establishments
            ],
            (False, True, True, False),
        ),
        counts("months", "Missing episodes by month", "Month", r.by_month),
        counts("hours", "Missing episodes by hour of the day they began", "Hour", r.by_hour),
        counts("weekdays", "Missing episodes by day of the week", "Day", r.by_weekday),
        counts("push", "Push factors", "Push factor", r.push),
        counts("pull", "Pull factors", "Pull factor", r.pull),
        counts("found", "Where children were found", "Where found", r.found_where, "Returns"),
        Table(
            "children",
            "Each child missing in the period",
            ("Child", "Episodes", "Hours missing", "Longest, hours", "Return interviews held"),
            [(c.child, c.episodes, c.hours_missing, c.longest_hours, c.interviews_held) for c in r.per_child],
            (False, True, True, True, True),
        ),
        Table(
            "links",
            "People and places linked to more than one missing child",
            ("Person or place", "Name", "Children", "Episodes", "Children (references)"),
            [
                (link.kind, link.name, link.children, link.episodes, " ".join(link.child_references))
                for link in r.links
            ],
            (False, False, True, True, False),
        ),
    ]
    if not r.identified:
        # An analyst's download is as de-identified as their page: no child references, and no
        # table of where children were found (free text, read for identified readers only).
        last = tables[-1]
        tables[-1] = Table(
            last.slug, last.caption, last.columns[:-1], [row[:-1] for row in last.rows], last.numeric
        )
        tables = [table for table in tables if table.slug != "found"]
    return tables


def to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(name) for name in table.columns])
    writer.writerows(["" if cell is None else safe_cell(cell) for cell in row] for row in table.rows)
    # A byte-order mark so Excel opens UTF-8 (names with accents, the en dash) correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(tables: Sequence[Table]) -> bytes:
    """One worksheet per table, its caption in the first row and bold column headings."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for table in tables:
        sheet = book.create_sheet(title=table.slug[:31])
        # openpyxl stores any text beginning with "=" as a formula: every cell goes through safe_cell.
        sheet.append([safe_cell(table.caption)])
        sheet["A1"].font = Font(bold=True, size=12)
        sheet.append([safe_cell(name) for name in table.columns])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([safe_cell(value) for value in row])
        for i, column in enumerate(table.columns, start=1):
            width = max([len(str(column))] + [len(str(row[i - 1] or "")) for row in table.rows])
            sheet.column_dimensions[sheet.cell(row=2, column=i).column_letter].width = min(width + 2, 60)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
