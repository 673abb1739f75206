"""The daily screens: currently missing, my work, overdue across teams."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from homeward.access.relationships import partner_work
from homeward.access.visible import (
    arrangeable_ids,
    closable_ids,
    hosted_episodes,
    visible_children,
    visible_episodes,
)
from homeward.queries import meetings as meeting_queries
from homeward.queries import missing, work
from homeward.web.views.common import login_required, me, section_refused, start_page


@login_required
def currently_missing(request: HttpRequest) -> HttpResponse:
    """The daily missing briefing: every child missing now, how long, risk, next deadline."""
    now = timezone.now()
    user = me(request)
    if not user.has_perm("episodes.view_board"):
        # No casework (an analyst, an administrator): their own start page, not an empty board.
        return redirect(start_page(user))
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
    if not user.has_perm("obligations.view_my_work"):
        return section_refused(request, "No duties fall to your role: there is no work list for you.")
    now = timezone.now()
    found = work.my_work(user, children=visible_children(user), now=now, also=partner_work(user))
    rows = [row["obligation"] for row in (*found.mine, *found.team)]
    meetings = meeting_queries.my_meetings_and_actions(
        user, children=visible_children(user), today=timezone.localdate()
    )
    return render(
        request,
        "web/my_work.html",
        {
            "mine": found.mine,
            "team": found.team,
            "now": now,
            "closable": closable_ids(user, rows),
            "arrangeable": arrangeable_ids(user, rows),
            "meetings": meetings.meetings,
            "actions": meetings.actions,
        },
    )


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    """A manager's view: overdue work across teams, by team and kind."""
    if not me(request).has_perm("obligations.view_overdue"):
        return section_refused(
            request, "Overdue work across teams is for the local authority's social care staff and managers."
        )
    now = timezone.now()
    late = work.overdue(children=visible_children(me(request)), now=now)
    rows = [row["obligation"] for _, team_rows in late.teams for row in team_rows]
    return render(
        request,
        "web/overdue.html",
        {
            "teams": late.teams,
            "summary": late.summary,
            "now": now,
            "total": late.total,
            "closable": closable_ids(me(request), rows),
            "arrangeable": arrangeable_ids(me(request), rows),
        },
    )
