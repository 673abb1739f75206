"""The statutory returns as the record is made: the warning after a save, and the data-quality page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from homeward.access.reports import may_check_returns, readership
from homeward.children.models import Child
from homeward.queries.profile import profiles_due
from homeward.reports import missing_away, ssda903, ssda903_checks
from homeward.reports.ssda903_rules import DFE_MESSAGES, RULES
from homeward.web.forms.reports import YearForm
from homeward.web.views.common import login_required, me, refuse


def warn_about_returns(request: HttpRequest, child: Child, touched: datetime) -> None:
    """After an episode, placement or the child's details are saved: a warning (never a refusal,
    the record is kept) for each thing the DfE's 903 return still to be made would reject."""
    now = timezone.now()
    child = Child.objects.get(pk=child.pk)
    day = timezone.localtime(touched).date()
    for problem in ssda903_checks.for_child(child, day, timezone.localdate(now), now):
        messages.warning(request, problem.warning)


def current_year() -> ssda903.CollectionYear:
    return ssda903_checks.year_of(timezone.localdate())


@login_required
def data_quality(request: HttpRequest) -> HttpResponse:
    """Every child whose record the year's 903 return would reject, by rule, with where to mend it;
    and each authority's share of missing and away beside the national figures."""
    user = me(request)
    if not may_check_returns(user):
        raise refuse(request, Child, "data-quality", "reports.data_quality")
    children = readership(user).children
    bound = "year" in request.GET
    year = current_year()
    form = YearForm(request.GET if bound else None, initial={"year": str(year.ends)})
    # The Philomena profile's reminder: each child's profile older than their pack's review period.
    context: dict[str, Any] = {"form": form, "profiles_due": profiles_due(children, timezone.now())}
    if bound and form.is_valid():
        try:
            year = ssda903.collection_year(form.cleaned_data["year"], timezone.localdate(), option="year")
        except ssda903.InputError as exc:
            form.add_error("year", exc.message[:1].upper() + exc.message[1:] + ".")
    if not form.errors:
        now = timezone.now()
        found, built = ssda903_checks.check_year(children, year, now)
        context.update(
            year=year,
            problems=found,
            counts=ssda903_checks.counts(found),
            by_rule=[
                (rule, ssda903_checks.TITLES[rule], DFE_MESSAGES[rule], [p for p in found if p.rule == rule])
                for rule in RULES
            ],
            shares=missing_away.shares(built),
            national=missing_away.national(),
        )
    status = 400 if form.errors else 200
    return render(request, "reports/data_quality.html", context, status=status)
