"""Print-ready PDFs for a police briefing: the daily missing briefing pack and a child's Find Me plan.

WeasyPrint lays out HTML and CSS (A4, running header, "page N of M" footers);
it needs Pango from the operating system, which `make` installs on Debian.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.template.loader import render_to_string

from homeward.children.models import Child, FindMePlan, Placement
from homeward.episodes.models import Episode
from homeward.obligations.models import Obligation

# WeasyPrint logs every layout step at INFO; the application's log is for what happened.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    # Imported here: the rest of the application runs without the layout engine loaded.
    from weasyprint import HTML

    html = render_to_string(template, context)
    pdf: bytes = HTML(string=html, base_url=".").write_pdf()
    return pdf


def photo_uri(child: Child) -> str:
    """The child's photograph as a file URI for the layout engine, or "" if there is none."""
    if not child.photo:
        return ""
    try:
        path = Path(child.photo.path)
    except (ValueError, NotImplementedError):  # stored somewhere without a local path
        return ""
    return path.as_uri() if path.is_file() else ""


@dataclass
class BriefingEntry:
    episode: Episode
    child: Child
    hours: float
    placement: Placement | None
    plan: FindMePlan | None
    next_due: Obligation | None
    photo: str = ""


def briefing_entries(children: QuerySet[Child], now: datetime) -> list[BriefingEntry]:
    """Every child of ``children`` missing, absent or away now, longest first."""
    episodes = (
        Episode.objects.still_open()
        .filter(child__in=children)
        .select_related("child", "child__allocated_worker", "child__responsible_authority")
        .order_by("reported_at")
    )
    entries = []
    for episode in episodes:
        child = episode.child
        entries.append(
            BriefingEntry(
                episode=episode,
                child=child,
                hours=episode.duration(now),
                placement=child.current_placement,
                plan=FindMePlan.objects.filter(child=child).first(),
                next_due=Obligation.objects.outstanding(now)
                .filter(episode=episode, due_at__isnull=False)
                .order_by("due_at")
                .first(),
                photo=photo_uri(child),
            )
        )
    return entries


def briefing_pack(children: QuerySet[Child], now: datetime) -> bytes:
    return render_pdf("reports/pdf/briefing.html", {"entries": briefing_entries(children, now), "now": now})


def find_me_plan(child: Child, now: datetime) -> bytes:
    episodes = list(child.episodes.all()[:10])
    return render_pdf(
        "reports/pdf/find_me_plan.html",
        {
            "child": child,
            "plan": FindMePlan.objects.filter(child=child).first(),
            "placement": child.current_placement,
            "episodes": episodes,
            "open": next((e for e in episodes if e.found_at is None), None),
            "photo": photo_uri(child),
            "now": now,
        },
    )
