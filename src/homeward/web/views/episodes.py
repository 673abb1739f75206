"""Reporting and following an episode: from "reported missing" to "found"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from homeward.access.audit import record_view
from homeward.casework.episodes import (
    inform_police,
    record_found,
    record_media_interest,
    report_episode,
    update_answers,
)
from homeward.casework.episodes import reclassify as reclassify_episode
from homeward.casework.risk import grade_risk
from homeward.episodes.models import Episode
from homeward.queries import notes
from homeward.web import timeline
from homeward.web.forms import now_local
from homeward.web.forms.episodes import (
    ANSWERS,
    EpisodeAnswersForm,
    FoundForm,
    GradeRiskForm,
    MediaInterestForm,
    PoliceInformedForm,
    ReclassifyForm,
    ReportEpisodeForm,
)
from homeward.web.views.common import (
    apply_errors,
    child_for,
    episode_for,
    form_page,
    login_required,
    me,
    refuse,
)


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    child = child_for(request, pk, "episodes.report_episode")
    now = now_local()
    form = ReportEpisodeForm(request.POST or None, initial={"reported_at": now, "police_informed": "true"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            episode = report_episode(
                child,
                category=data["category"],
                reported_at=data["reported_at"],
                last_seen_at=data["last_seen_at"],
                police_informed=data["police_informed"],
                police_reference=data["police_reference"],
                answers={name: data[name] for name in ANSWERS if name in data},
                by=me(request),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, f"{child.name} has been reported {episode.get_category_display().lower()}."
            )
            return redirect("episode", pk=episode.pk)
    return form_page(
        request,
        form,
        "Report a missing episode",
        caption=child.name,
        back=f"/children/{pk}/",
        submit="Report",
        intro="If the child is missing and the police have not been told, call them now on 101 (999 if in immediate danger).",
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    episode = Episode.objects.select_related("child", "child__responsible_authority").filter(pk=pk).first()
    user = me(request)
    if episode is not None and not user.has_perm("episodes.view_episode", episode):
        if user.has_perm("episodes.view_episode_as_host", episode):
            return host_view(request, episode)
        episode = None
    if episode is None:
        raise refuse(request, Episode, pk, "episodes.view_episode")
    record_view(request, episode)
    now = timezone.now()
    obligations = list(episode.obligations.select_related("assignee").order_by("opens_at"))
    return render(
        request,
        "episodes/detail.html",
        {
            "episode": episode,
            "child": episode.child,
            "now": now,
            "hours": episode.duration(now),
            "outstanding": [o for o in obligations if not o.outcome and o.opens_at <= now],
            "scheduled": [o for o in obligations if not o.outcome and o.opens_at > now][:8],
            "closed": [o for o in obligations if o.outcome],
            "events": episode.events.select_related("recorded_by").order_by("-at", "-id"),
            "interviews": episode.return_interviews.select_related("held_by"),
            "meetings": episode.meetings.all(),
            **_chronology(request, episode),
        },
    )


def _chronology(request: HttpRequest, episode: Episode) -> dict[str, Any]:
    """The episode's case notes (searched with ``?q=``) and its timeline."""
    query = request.GET.get("q", "").strip()[: notes.QUERY_LIMIT]
    return {
        "notes": list(notes.for_episode(episode, query)),
        "query": query,
        "timeline": timeline.for_episode(episode),
    }


def host_view(request: HttpRequest, episode: Episode) -> HttpResponse:
    """What the authority a child is placed in needs of another authority's episode, and no more:
    who, where placed, when missing and found, risk, police reference and whom to call."""
    record_view(request, episode, view="host")
    child = episode.child
    placement = (
        child.placements.filter(started_at__lte=episode.reported_at)
        .select_related("establishment")
        .order_by("-started_at")
        .first()
    )
    return render(
        request,
        "episodes/host.html",
        {"episode": episode, "child": child, "placement": placement, "hours": episode.duration()},
    )


@login_required
def answers(request: HttpRequest, pk: int) -> HttpResponse:
    episode = episode_for(request, pk)
    if request.method == "GET":
        record_view(request, episode, view="edit")
    form = EpisodeAnswersForm(request.POST or None, instance=episode)
    if request.method == "POST" and form.is_valid():
        update_answers(episode, form.cleaned_data, by=me(request))
        messages.success(request, "The episode details have been saved.")
        return redirect("episode", pk=pk)
    return form_page(request, form, "Episode details", caption=str(episode), back=f"/episodes/{pk}/")


def _action(
    request: HttpRequest,
    pk: int,
    form_class: type[forms.Form],
    title: str,
    act: Callable[[Episode, dict[str, Any]], object],
    done: str,
    **context: Any,
) -> HttpResponse:
    episode = episode_for(request, pk)
    form = form_class(request.POST or None, initial={"at": now_local()})
    if request.method == "POST" and form.is_valid():
        try:
            act(episode, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("episode", pk=pk)
    return form_page(
        request,
        form,
        title,
        caption=f"{episode.child.name}, {episode.reference}",
        back=f"/episodes/{pk}/",
        **context,
    )


@login_required
def reclassify(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        ReclassifyForm,
        "Reclassify the episode",
        lambda e, d: reclassify_episode(
            e, category=d["category"], at=d["at"], reason=d["reason"], by=me(request)
        ),
        "The episode has been reclassified.",
    )


@login_required
def grade(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        GradeRiskForm,
        "Record a risk grading",
        lambda e, d: grade_risk(e, level=d["level"], at=d["at"], rationale=d["rationale"], by=me(request)),
        "The risk grading has been recorded.",
    )


@login_required
def police(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        PoliceInformedForm,
        "Police informed",
        lambda e, d: inform_police(e, at=d["at"], reference=d["reference"], by=me(request)),
        "Recorded that the police have been told.",
    )


@login_required
def found(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        FoundForm,
        "Found or returned",
        lambda e, d: record_found(
            e,
            at=d["at"],
            notified_at=d["return_notified_at"],
            where=d["where"],
            found_by=d["found_by"],
            harmed=d["harmed"],
            safe_and_well_done=d["safe_and_well_done"],
            safe_and_well_reason=d["safe_and_well_reason"],
            by=me(request),
        ),
        "The child has been recorded as found.",
        submit="Record as found",
    )


@login_required
def media_interest(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        MediaInterestForm,
        "Media interest",
        lambda e, d: record_media_interest(e, at=d["at"], note=d["note"], by=me(request)),
        "The media interest has been recorded.",
    )
