"""The daily screens: currently missing, my work, overdue across teams."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from homeward.access.visible import hosted_episodes, visible_children, visible_episodes
from homeward.queries import missing, work
from homeward.web.views.common import login_required, me


@login_required
def currently_missing(request: HttpRequest) -> HttpResponse:
    """The daily missing briefing: every child missing now, how long, risk, next deadline."""
    now = timezone.now()
    user = me(request)
    # The board also shows what police were told of, and children placed here by other authorities.
    rows = missing.board(visible_episodes(user), hosted_episodes(user), now=now)
    to_confirm = [
        episode
        for episode in missing.police_reports_to_confirm(visible_episodes(user))
        if user.has_perm("episodes.confirm_police_report", episode)
    ]
    return render(request, "web/currently_missing.html", {"rows": rows, "now": now, "to_confirm": to_confirm})


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    user = me(request)
    now = timezone.now()
    found = work.my_work(user, children=visible_children(user), now=now)
    return render(request, "web/my_work.html", {"mine": found.mine, "team": found.team, "now": now})


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    """A manager's view: overdue work across teams, by team and kind."""
    now = timezone.now()
    late = work.overdue(children=visible_children(me(request)), now=now)
    return render(
        request,
        "web/overdue.html",
        {"teams": late.teams, "summary": late.summary, "now": now, "total": late.total},
    )
