"""Report pages: parse the form, call one report function, render or download."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify

from homeward.access.audit import recipient, record_view
from homeward.access.reports import (
    briefing_children,
    may_check_returns,
    may_print_find_me_plan,
    may_try_drafts,
    readership,
)
from homeward.access.visible import interview_children
from homeward.children.models import Child
from homeward.reports import annex_a, charts, pdf, replica, ssd_missing, ssda903, tables
from homeward.reports import interview_names as interview_names_report
from homeward.reports.oversight import Count, report
from homeward.reports.what_if import what_if as replay_draft
from homeward.web.forms.reports import CensusForm, ReportForm, WhatIfForm, YearForm, initial
from homeward.web.views.common import login_required, me, refuse, section_refused

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_download(found: list[tables.Table], name: str, request: HttpRequest) -> HttpResponse | None:
    """A ``?download=csv|xlsx&table=slug`` request for one of ``found`` (xlsx: ``table=all``)."""
    kind = request.GET.get("download")
    if kind not in ("csv", "xlsx"):
        return None
    slug = request.GET.get("table", "all")
    chosen = found if slug == "all" and kind == "xlsx" else [t for t in found if t.slug == slug]
    if not chosen:
        raise Http404("No such table")
    if kind == "csv":
        return download(tables.to_csv(chosen[0]), f"{name}-{chosen[0].slug}.csv", "text/csv; charset=utf-8")
    return download(tables.to_xlsx(chosen), f"{name}-{slug}.xlsx", XLSX)


REPORTS_REFUSED = "Reports are for the local authority's staff and analysts."


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = me(request)
    if not user.has_perm("reports.view_reports"):
        return section_refused(request, REPORTS_REFUSED)
    return render(
        request,
        "reports/index.html",
        {
            "identified": readership(user).identified,
            "may_check_returns": may_check_returns(user),
            "may_try_drafts": may_try_drafts(user),
        },
    )


@login_required
def oversight(request: HttpRequest) -> HttpResponse:
    if not me(request).has_perm("reports.view_reports"):
        return section_refused(request, REPORTS_REFUSED)
    reader = readership(me(request))
    bound = "start" in request.GET
    form = ReportForm(request.GET if bound else None, children=reader.children, initial=initial())
    context: dict[str, Any] = {"form": form, "identified": reader.identified}
    if bound and form.is_valid():
        children = replica.decided(reader.children)
        with replica.reads():
            result = report(
                children, form.period, form.scope_choice, timezone.now(), identified=reader.identified
            )
        found = tables.oversight_tables(result)
        name = f"oversight-{form.period.first}-{form.period.last}-{slugify(form.scope_choice.label)}"
        response = table_download(found, name, request)
        if response is not None:
            return response
        by_slug = {t.slug: t for t in found}
        query = request.GET.copy()
        for key in ("download", "table"):
            query.pop(key, None)
        context.update(
            report=result,
            tables=found,
            query=query.urlencode(),
            charts=[
                (
                    charts.bar_chart("chart-months", "Missing episodes by month", result.by_month),
                    by_slug["months"],
                ),
                (
                    charts.bar_chart(
                        "chart-hours", "Missing episodes by hour of the day", result.by_hour, every_label=3
                    ),
                    by_slug["hours"],
                ),
                (
                    charts.bar_chart(
                        "chart-repeat", "Children by number of missing episodes", result.episodes_per_child
                    ),
                    by_slug["repeat"],
                ),
            ],
            charted={"months", "hours", "repeat"},
        )
    status = 400 if bound and form.errors else 200
    return render(request, "reports/oversight.html", context, status=status)


@login_required
def ssda903_page(request: HttpRequest) -> HttpResponse:
    if not me(request).has_perm("reports.view_reports"):
        return section_refused(request, REPORTS_REFUSED)
    reader = readership(me(request))
    if not reader.identified:
        # The return is one row per child and episode, not an aggregate (analysts see those).
        raise refuse(request, Child, "ssda903", "reports.ssda903")
    bound = "year" in request.GET
    form = YearForm(request.GET if bound else None, initial={"year": str(_current_year())})
    context: dict[str, Any] = {"form": form}
    if bound and form.is_valid():
        try:
            year = ssda903.collection_year(form.cleaned_data["year"], timezone.localdate(), option="year")
        except ssda903.InputError as exc:
            form.add_error("year", exc.message[:1].upper() + exc.message[1:] + ".")
        else:
            children = replica.decided(reader.children)
            with replica.reads():
                ret = ssda903.build(children, year, timezone.now())
            wanted = request.GET.get("download")
            tables_903 = ret.tables()
            if wanted in tables_903:
                columns, rows = tables_903[wanted]
                return download(
                    ssda903.csv_text(columns, rows).encode("utf-8"),
                    f"ssda903-{year.ends}-{wanted}.csv",
                    "text/csv; charset=utf-8",
                )
            context.update(year=year, ret=ret, missing=ret.missing[:50])
    status = 400 if bound and form.errors else 200
    return render(request, "reports/ssda903.html", context, status=status)


@login_required
def ssd_missing_download(request: HttpRequest) -> HttpResponse:
    """The Standard Safeguarding Dataset's ssd_missing table as CSV, for those who may see the 903."""
    if not me(request).has_perm("reports.view_reports"):
        return section_refused(request, REPORTS_REFUSED)
    reader = readership(me(request))
    if not reader.identified:
        # A row per child and episode, like the 903: not for analysts.
        raise refuse(request, Child, "ssd_missing", "reports.ssd_missing")
    now = timezone.now()
    children = replica.decided(reader.children)
    with replica.reads():
        found = ssd_missing.rows(children, now)
    return download(
        tables.to_csv(ssd_missing.table(found)),
        f"ssd_missing-{timezone.localtime(now):%Y-%m-%d}.csv",
        "text/csv; charset=utf-8",
    )


def _current_year() -> int:
    today = timezone.localdate()
    return today.year + 1 if today.month >= 4 else today.year


@login_required
def annex_a_page(request: HttpRequest) -> HttpResponse:
    if not me(request).has_perm("reports.view_reports"):
        return section_refused(request, REPORTS_REFUSED)
    reader = readership(me(request))
    bound = "date" in request.GET
    form = CensusForm(request.GET if bound else None, initial={"date": timezone.localdate()})
    context: dict[str, Any] = {"form": form}
    if bound and form.is_valid():
        try:
            census = annex_a.census_date(form.cleaned_data["date"].isoformat(), timezone.localdate(), "date")
        except ssda903.InputError as exc:
            form.add_error("date", exc.message[:1].upper() + exc.message[1:] + ".")
        else:
            children = replica.decided(reader.children)
            with replica.reads():
                found = annex_a.rows(children, census, timezone.now(), identified=reader.identified)
            table = annex_a.table(found, census, identified=reader.identified)
            response = table_download([table], f"annex-a-{census}", request)
            if response is not None:
                return response
            query = request.GET.copy()
            for key in ("download", "table"):
                query.pop(key, None)
            context.update(table=table, census=census, query=query.urlencode())
    status = 400 if bound and form.errors else 200
    return render(request, "reports/annex_a.html", context, status=status)


@login_required
def interview_names(request: HttpRequest) -> HttpResponse:
    """Places and people named in return interviews, across the children the reader may count."""
    user = me(request)
    if not user.has_perm("reports.view_reports"):
        return section_refused(request, REPORTS_REFUSED)
    reader = readership(user)
    # An identified reader sees the names only from interviews they may read; an analyst counts
    # the authority's, numbered.
    children = (
        reader.children.filter(pk__in=interview_children(user)) if reader.identified else reader.children
    )
    found = interview_names_report.named(children, identified=reader.identified)
    table = interview_names_report.table(found, identified=reader.identified)
    response = table_download([table], "interview-names", request)
    if response is not None:
        return response
    return render(
        request,
        "reports/interview_names.html",
        {"table": table, "identified": reader.identified, "any": bool(found)},
    )


@login_required
def briefing_pack(request: HttpRequest) -> HttpResponse:
    """The daily missing briefing as a PDF: what the board shows, one page per child after a summary."""
    now = timezone.now()
    content = pdf.briefing_pack(briefing_children(me(request)), now)
    return download(
        content, f"missing-briefing-{timezone.localtime(now):%Y-%m-%d-%H%M}.pdf", "application/pdf"
    )


@login_required
def find_me_plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    child = Child.objects.select_related("responsible_authority").filter(pk=pk).first()
    if child is None or not may_print_find_me_plan(me(request), child):
        raise refuse(request, Child, pk, "reports.print_find_me_plan")
    content = pdf.find_me_plan(child, timezone.now())
    # A disclosure of the plan and photograph: on the trail, with the force it went to.
    record_view(request, child, view="find_me_plan_pdf", **recipient(me(request).organisation))
    return download(content, f"find-me-plan-{child.reference}.pdf", "application/pdf")


@login_required
def what_if(request: HttpRequest) -> HttpResponse:
    """What a draft protocol pack would have asked of the reader's authority, against what was
    asked (``reports.what_if``). Reads only: nothing is written, whatever the draft says."""
    user = me(request)
    if not may_try_drafts(user) or user.organisation is None:
        raise refuse(request, Child, "what-if", "reports.what_if")
    form = WhatIfForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "authority": user.organisation}
    if request.method == "POST" and form.is_valid():
        result = replay_draft(user.organisation, form.cleaned_data["pack"], since=form.cleaned_data["since"])
        data = result.as_dict()
        weeks: dict[str, list[int]] = {}
        for row in data["workload"]:
            totals = weeks.setdefault(row["week"], [0, 0])
            totals[0] += row["stored"]
            totals[1] += row["draft"]
        context.update(
            result=result,
            data=data,
            weeks=[(week, s, d) for week, (s, d) in sorted(weeks.items())],
            charts=[
                charts.bar_chart(
                    "chart-raised",
                    "Duties opening per week, as raised",
                    [Count(w, s) for w, (s, _) in sorted(weeks.items())],
                ),
                charts.bar_chart(
                    "chart-draft",
                    "Duties opening per week, under the draft",
                    [Count(w, d) for w, (_, d) in sorted(weeks.items())],
                ),
            ],
        )
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "reports/what_if.html", context, status=status)
