"""The daily screens: currently missing, my work, overdue across teams."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from homeward.access.relationships import partner_work
from homeward.access.visible import (
    allocating_children,
    arrangeable_ids,
    case_ids,
    chasable_ids,
    closable_ids,
    commissioned_episodes,
    hosted_episodes,
    interview_ids,
    note_ids,
    reviewable_ids,
    visible_children,
    visible_episodes,
)
from homeward.accounts.models import Role, User
from homeward.casework.chase import CHASE_AGAIN_AFTER
from homeward.obligations.models import Obligation
from homeward.queries import chases, missing, work
from homeward.queries import meetings as meeting_queries
from homeward.queries import panels as panel_queries
from homeward.web.views.common import login_required, me, section_refused, start_page

# How often the open board asks for its rows again (board.mjs), in seconds.
BOARD_POLL_SECONDS = 15
FILTER_LABELS = [
    ("risk", "Risk"),
    ("category", "Category"),
    ("team", "Team"),
    ("home", "Home"),
    ("authority", "Responsible or host authority"),
    ("force", "Police force area"),
]


def _board(request: HttpRequest, *, look: bool) -> missing.Board:
    """The board as this reader sees it. ``look``: a full look at the page (not the script's
    refresh of its rows), which moves "new since you last looked" on to what is shown now."""
    user = me(request)
    chosen = {name: request.GET.get(name, "")[:40] for name in missing.FILTERS}
    session = request.session
    baseline = session.get("board_seen") if look else session.get("board_baseline")
    # The board also shows what police were told of, and children placed here by other authorities.
    found = missing.board(
        visible_episodes(user),
        hosted_episodes(user),
        now=timezone.now(),
        readable=visible_children(user),
        chosen=chosen,
        seen=set(baseline) if baseline is not None else None,
    )
    if look:
        # What the rows are compared with until the next full look, and what that look compares with.
        # Set only what changed: assigning marks the session for saving, and a look at an unchanged
        # board should not write it (accounts.idle saves it once a minute for the idle timeout).
        _remember(session, "board_baseline", baseline if baseline is not None else found.episode_ids)
        _remember(session, "board_seen", found.episode_ids)
    return found


def _remember(session: SessionBase, key: str, value: list[int]) -> None:
    if session.get(key) != value:
        session[key] = value


@login_required
def currently_missing(request: HttpRequest) -> HttpResponse:
    """The daily missing briefing (002 s.4): every child missing now, the highest risk first."""
    user = me(request)
    if not user.has_perm("episodes.view_board"):
        # No casework (an analyst, an administrator): their own start page, not an empty board.
        return redirect(start_page(user))
    found = _board(request, look=True)
    to_confirm = [
        episode
        for episode in missing.police_reports_to_confirm(visible_episodes(user))
        if user.has_perm("episodes.confirm_police_report", episode)
    ]
    return render(
        request,
        "web/currently_missing.html",
        {
            "board": found,
            "now": timezone.now(),
            "to_confirm": to_confirm,
            "query": request.GET.urlencode(),
            "filter_labels": FILTER_LABELS,
            "poll_seconds": BOARD_POLL_SECONDS,
            "idle_seconds": settings.SESSION_COOKIE_AGE,
        },
    )


@login_required
def board_rows(request: HttpRequest) -> HttpResponse:
    """The board's rows alone, for the open page's script to swap in (no reload, no new look)."""
    user = me(request)
    if not user.has_perm("episodes.view_board"):
        return redirect(start_page(user))
    found = _board(request, look=False)
    # Jinja2 (homeward.web.jinja): the same fragment the page embeds, without Django's engine.
    return render(request, "web/board_rows.jinja", {"board": found, "now": timezone.now()}, using="jinja2")


# What meets a duty, by its kind: the form that records it (its URL name, and whether it takes
# the episode or the child) and who may use it (the set its view's own permission allows, read in
# one query per page by ``_usable``). A duty whose kind has no form of its own is met by
# recording its outcome.
MEETS: dict[str, tuple[str, str, str]] = {
    "return_interview": ("Record the return home interview", "return_interview_new", "interview"),
    "strategy_meeting": ("Record the meeting", "meeting_new", "case"),
    "intervention_meeting": ("Record the meeting", "meeting_new", "case"),
    "review_meeting": ("Record the meeting", "meeting_new", "case"),
    "placement_risk_assessment": ("Record the risk assessment", "risk_assessment_new", "case"),
    # The plan its rule names (the pack's ``plans``), found when followed: duty_plan.
    "plan_update": ("Update the plan", "duty_plan", "case"),
    "carer_update": ("Add a case note", "note_new", "note"),
    "risk_review": ("Add a case note", "note_new", "note"),
}


def _usable(user: User, obligations: list[Obligation]) -> dict[str, set[int]]:
    """The records whose form this person may use, per kind of form: a query each, however many rows."""
    children = {o.child_id for o in obligations}
    episodes = {o.episode_id for o in obligations if o.episode_id}
    return {
        "case": case_ids(user, children),
        "interview": interview_ids(user, children),
        "note": note_ids(user, episodes),
    }


def _meets(obligation: Obligation, usable: dict[str, set[int]]) -> tuple[str, str] | None:
    """The form that meets this duty, if the reader may use it."""
    meets = MEETS.get(obligation.kind)
    if meets is None:
        return None
    label, name, form = meets
    on_episode = name in ("return_interview_new", "note_new")
    record = obligation.episode_id if on_episode else obligation.child_id
    if record is None:
        return None
    if name == "duty_plan":
        # Opened from the duty itself; who may use it is the child's (plans follow the case).
        return (label, reverse(name, args=[obligation.pk])) if record in usable[form] else None
    # The interview's permission follows the child; the others the record the form opens.
    key = obligation.child_id if form == "interview" else record
    return (label, reverse(name, args=[record])) if key in usable[form] else None


def _worklist(user: User, rows: list[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    usable = _usable(user, [row["obligation"] for row in rows]) if rows else {}
    return [
        {
            "key": group.key,
            "title": group.title,
            "duties": [{"duty": d, "meets": _meets(d.obligation, usable)} for d in group.duties],
        }
        for group in work.worklist(rows, now)
    ]


def _oversight(user: User, rows: list[Obligation]) -> dict[str, Any]:
    """What a worklist offers those who oversee the work: "Chase" on a duty falling to someone
    else, "Allocate" on one falling to nobody, and who last chased each."""
    unheld = [o.child_id for o in rows if o.assignee_id is None and not o.outcome]
    allocating = (
        set(allocating_children(user).filter(pk__in=unheld).values_list("pk", flat=True)) if unheld else set()
    )
    chased = chases.latest(rows)
    # Chased within the hour: the row says so, and offers no button the write path would refuse.
    recent = {pk for pk, c in chased.items() if c.at > timezone.now() - CHASE_AGAIN_AFTER}
    return {
        "chasable": chasable_ids(user, rows) - recent,
        "allocatable": {o.pk for o in rows if o.assignee_id is None and o.child_id in allocating},
        "chased": chased,
    }


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    """My work as a worklist: overdue, due today, due this week, later; and the team's."""
    user = me(request)
    if not user.has_perm("obligations.view_my_work"):
        return section_refused(request, "No duties fall to your role: there is no work list for you.")
    now = timezone.now()
    found = work.my_work(user, children=visible_children(user), now=now, also=partner_work(user))
    rows = [row["obligation"] for row in (*found.mine, *found.team)]
    manages = user.role == Role.TEAM_MANAGER
    meetings = meeting_queries.my_meetings_and_actions(
        user, children=visible_children(user), today=timezone.localdate()
    )
    return render(
        request,
        "web/my_work.html",
        {
            "mine": _worklist(user, found.mine, now),
            "team": _worklist(user, found.team, now),
            "mine_count": len(found.mine),
            "team_count": len(found.team),
            "people": work.per_person(found.team, now) if manages else [],
            "now": now,
            "closable": closable_ids(user, rows),
            "arrangeable": arrangeable_ids(user, rows),
            "reviewable": reviewable_ids(user, rows),
            **_oversight(user, rows),
            "meetings": meetings.meetings,
            "actions": meetings.actions,
            "panel_actions": panel_queries.my_panel_actions(user, timezone.localdate()),
            # Interviews another authority asked this one to hold (the host's view only).
            "asked_of_us": work.asked_of_host(user, episodes=commissioned_episodes(user)),
            "force_to_confirm": _force_to_confirm(user),
        },
    )


def _force_to_confirm(user: User) -> list[Any]:
    """The coordinator's reports whose last-seen police force area was "Don't know"."""
    if user.role != Role.MISSING_COORDINATOR:
        return []
    return [
        episode
        for episode in missing.last_seen_force_to_confirm(visible_episodes(user))
        if user.has_perm("episodes.confirm_last_seen_force", episode)
    ]


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    """A manager's view: overdue work across teams, by team, the longest overdue first."""
    if not me(request).has_perm("obligations.view_overdue"):
        return section_refused(
            request, "Overdue work across teams is for the local authority's social care staff and managers."
        )
    user = me(request)
    now = timezone.now()
    late = work.overdue(children=visible_children(user), now=now)
    rows = [row["obligation"] for _, team_rows in late.teams for row in team_rows]
    return render(
        request,
        "web/overdue.html",
        {
            "teams": [(name, _worklist(user, team_rows, now)) for name, team_rows in late.teams],
            "summary": late.summary,
            "now": now,
            "total": late.total,
            "closable": closable_ids(user, rows),
            "arrangeable": arrangeable_ids(user, rows),
            "reviewable": reviewable_ids(user, rows),
            **_oversight(user, rows),
        },
    )
