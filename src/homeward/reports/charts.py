"""Bar charts drawn on the server as accessible SVG: a title and description for screen
readers, a text label on every bar, and (in the page) the same numbers in a table beside it."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from homeward.reports.oversight import Count

WIDTH = 640
BAR_AREA = 150
LABEL_ROOM = 64
LEFT = 50  # room for the first rotated label


def bar_chart(chart_id: str, title: str, rows: Sequence[Count], *, every_label: int = 1) -> SafeString:
    """Vertical bars, one per row; ``every_label`` thins the axis labels (hours of the day)."""
    peak = max((r.count for r in rows), default=0)
    total = sum(r.count for r in rows)
    n = max(len(rows), 1)
    slot = (WIDTH - LEFT - 10) / n
    bar = max(slot * 0.7, 2)
    height = BAR_AREA + LABEL_ROOM + 20
    highest = max(rows, key=lambda r: r.count) if rows and peak else None
    desc = f"{total} in all" + (f"; most in {highest.label} ({highest.count})" if highest else "; none")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="hw-chart" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" font-family="arial, sans-serif">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}. The table beside the chart gives every value.</desc>',
        f'<line x1="{LEFT}" y1="{BAR_AREA + 20}" x2="{WIDTH - 10}" y2="{BAR_AREA + 20}" stroke="#0b0c0c"/>',
    ]
    for i, row in enumerate(rows):
        x = LEFT + i * slot + (slot - bar) / 2
        h = (row.count / peak) * BAR_AREA if peak else 0
        y = BAR_AREA + 20 - h
        centre = x + bar / 2
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="#1d70b8">'
            f"<title>{escape(row.label)}: {row.count}</title></rect>"
        )
        if row.count:
            parts.append(
                f'<text x="{centre:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-size="12" '
                f'fill="#0b0c0c">{row.count}</text>'
            )
        if i % every_label == 0:
            parts.append(
                f'<text x="{centre:.1f}" y="{BAR_AREA + 34}" font-size="12" fill="#0b0c0c" '
                f'text-anchor="end" transform="rotate(-45 {centre:.1f} {BAR_AREA + 34})">'
                f"{escape(row.label)}</text>"
            )
    parts.append("</svg>")
    # Every text put into the markup above is escaped.
    return mark_safe("".join(parts))
