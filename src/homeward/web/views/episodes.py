"""Reporting and following an episode: from "reported missing" to "found"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone

from homeward.access.audit import emergency_flag, recipient, record_view
from homeward.access.reports import may_print_find_me_plan
from homeward.access.visible import arrangeable_ids, closable_ids, reviewable_ids
from homeward.casework.episodes import (
    confirm_police_report,
    inform_police,
    record_found,
    record_media_interest,
    report_episode,
    update_answers,
    withdraw_report,
)
from homeward.casework.episodes import reclassify as reclassify_episode
from homeward.casework.risk import grade_risk
from homeward.children.models import FindMePlan
from homeward.children.police import force_for
from homeward.episodes import questions
from homeward.episodes.models import Episode
from homeward.episodes.rules import open_episode
from homeward.interviews.rules import host_authority_of
from homeward.obligations.evaluation import pack_of
from homeward.queries import notes, records, warning_notices
from homeward.queries.intelligence import police_summary
from homeward.queries.profile import profile_of
from homeward.web import timeline
from homeward.web.forms import now_local, with_version
from homeward.web.forms.episodes import (
    EpisodeAnswersForm,
    FoundForm,
    GradeRiskForm,
    MediaInterestForm,
    PoliceInformedForm,
    ReclassifyForm,
    ReportEpisodeForm,
    WithdrawForm,
    questions_form,
)
from homeward.web.views.common import (
    StaleVersion,
    apply_errors,
    child_for,
    edit_conflict,
    episode_for,
    form_page,
    login_required,
    me,
    recorded,
    refuse,
)
from homeward.web.views.returns import warn_about_returns


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """The report's first page: only what the police and the protocol need at once. The other
    questions follow, a group a page (``questions``), or wait until later."""
    child = child_for(request, pk, "episodes.report_episode")
    still_open = open_episode(child) if request.method == "GET" else None
    if still_open is not None:
        # One open episode per child: "Report missing" on a child already missing leads to the
        # episode open now, where what has changed is recorded, not to a second report. (A form
        # sent after someone else reported the child is refused by the write layer, on the form,
        # so what this person typed is still in front of them.)
        messages.info(
            request,
            f"{child.name} is already reported {still_open.get_category_display().lower()}: "
            f"this is the open episode, {still_open.reference}. Record what has changed here.",
        )
        return redirect("episode", pk=still_open.pk)
    user = me(request)
    # "Have the police been told?" has no answer until the person gives one: a pre-chosen "Yes"
    # recorded children as reported to the police when nobody had called them, and the duty to
    # tell the police (West Mercia 3.5.2, 6.16) was never raised.
    form = ReportEpisodeForm(
        request.POST or None,
        initial={"reported_at": now_local()},
        pack=pack_of(child),
        home_force=force_for(child),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            episode = report_episode(
                child,
                category=data["category"],
                reported_at=data.get("reported_at") or timezone.now(),
                last_seen_at=data["last_seen_at"],
                police_informed=data["police_informed"],
                police_reference=data["police_reference"],
                answers={name: data[name] for name in questions.FIRST_PAGE},
                by=user,
                last_seen_force=data["last_seen_force"],
                last_seen_force_not_known=data["last_seen_force_not_known"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"{child.name} has been reported {episode.get_category_display().lower()}: the report "
                "is saved. The questions below help the police find them: save each page, or answer "
                "them later from the episode's page.",
            )
            warn_about_returns(request, child, episode.start)
            return redirect("episode_questions", pk=episode.pk, slug=questions.GROUPS[0].slug)
    return render(
        request,
        "episodes/report.html",
        {"form": form, "child": child, "title": "Report a child missing"},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def questions_page(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """One group of the per-episode questions, saved on its own (nothing of another page is touched)."""
    episode = episode_for(request, pk)
    group = questions.group(slug)
    if group is None:
        raise Http404("No such questions")
    if request.method == "GET":
        record_view(request, episode, view="edit")
    form = with_version(questions_form(group)(request.POST or None, instance=episode), episode.version)
    conflict = None
    if request.method == "POST" and form.is_valid():
        answers = {name: form.cleaned_data[name] for name in group.fields}
        try:
            update_answers(episode, answers, by=me(request), expected_version=form.cleaned_data["version"])
        except StaleVersion as stale:
            conflict = edit_conflict(form, stale, recorded(stale.current, form))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            following = questions.next_group(group)
            if following is None or request.POST.get("then") == "later":
                left = len(questions.unanswered(episode))
                messages.success(
                    request,
                    f"Your answers have been saved. {left} question{pluralize(left)} still unanswered."
                    if left
                    else "Your answers have been saved. Every question is answered.",
                )
                return redirect("episode", pk=pk)
            return redirect("episode_questions", pk=pk, slug=following.slug)
    at = questions.GROUPS.index(group) + 1
    return form_page(
        request,
        form,
        group.title,
        caption=f"{episode.child.name}: questions, page {at} of {len(questions.GROUPS)}",
        back=f"/episodes/{pk}/",
        conflict=conflict,
        intro="Answer what you know now; leave the rest. Nothing left empty is filled in for you: "
        "the episode's page lists what is still unanswered.",
        submit="Save and continue" if at < len(questions.GROUPS) else "Save",
        later="Save and answer the rest later" if at < len(questions.GROUPS) else None,
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    episode = (
        Episode.objects.select_related(
            "child", "child__responsible_authority", "police_force", "last_seen_force"
        )
        .filter(pk=pk)
        .first()
    )
    user = me(request)
    if episode is not None and not user.has_perm("episodes.view_episode", episode):
        if user.has_perm("episodes.view_episode_as_host", episode):
            return host_view(request, episode)
        episode = None
    if episode is None:
        raise refuse(request, Episode, pk, "episodes.view_episode")
    record_view(request, episode, **emergency_flag(user, episode.child))
    now = timezone.now()
    child = episode.child
    # The child's Philomena profile and photograph: the police told of the episode see it here at
    # once (a disclosure to the force, on the trail with it as recipient).
    child_profile = profile_of(child) if user.has_perm("episodes.view_profile", episode) else None
    if child_profile is not None and child_profile.plan is not None:
        record_view(request, episode, view="profile", **recipient(user.organisation))
    # What the return interview found, as the police are told it (places, people, signs of
    # exploitation; never the child's account): a disclosure to the force, on the trail.
    intelligence = (
        police_summary(episode)
        if user.has_perm("episodes.view_interview_intelligence", episode)
        and not user.has_perm("interviews.view_returninterview", episode)
        else []
    )
    if intelligence:
        record_view(request, episode, view="interview_intelligence", **recipient(user.organisation))
    obligations = list(episode.obligations.select_related("assignee").order_by("opens_at"))
    outstanding = [o for o in obligations if not o.outcome and o.opens_at <= now]
    return render(
        request,
        "episodes/detail.html",
        {
            "episode": episode,
            # 001 s.14.22: an associate who is an adult under a live warning notice.
            "notice_matches": warning_notices.on_episode(episode, user, now),
            "child": child,
            # Whoever opens the episode without the child's page (the police told of it, the duty
            # team told to act on it) gets what they need of the child to act: who, where, whom to call.
            "sees_child": user.has_perm("children.view_child", child),
            "placement": child.current_placement,
            "find_me_plan": may_print_find_me_plan(user, child)
            and FindMePlan.objects.filter(child=child).exists(),
            "now": now,
            "hours": episode.duration(now),
            "outstanding": outstanding,
            "closable": closable_ids(user, outstanding),
            "arrangeable": arrangeable_ids(user, outstanding),
            "reviewable": reviewable_ids(user, outstanding),
            "safe_and_well_open": any(o.kind == "safe_and_well_check" for o in outstanding),
            "scheduled": [o for o in obligations if not o.outcome and o.opens_at > now][:8],
            "closed": [o for o in obligations if o.outcome],
            "timeline": timeline.for_episode(episode, user),
            "private_kinds": timeline.Reader(user).private_kinds(episode),
            "interviews": episode.return_interviews.select_related("held_by", "commission__host_authority"),
            # Return home interviews asked of the host authority, and the duties that may be.
            "commissions": episode.commissions.select_related(
                "host_authority", "asked_by", "allocated_to", "obligation"
            ).prefetch_related("interviews__held_by"),
            "commissionable": [
                o
                for o in outstanding
                if o.kind == "return_interview"
                and not o.commissions.exists()
                and user.has_perm("interviews.commission_interview", o)
            ]
            if host_authority_of(episode) is not None
            else [],
            "meetings": episode.meetings.all(),
            "profile": child_profile,
            "intelligence": intelligence,
            "profile_shares": episode.profile_shares.select_related("force", "shared_by"),
            # Meetings arranged and still to be held (or called off), for the meeting's readers.
            "arranged": episode.arrangements.filter(meeting__isnull=True, not_held_at__isnull=True),
            # Duty records: those made, and (for whoever may record them) the kinds to make.
            "duty_records": records.for_episode(episode),
            "record_kinds": records.kinds_to_record(episode),
            "unanswered": (unanswered := _unanswered(episode)),
            "unanswered_total": sum(n for _, n in unanswered),
            **_chronology(request, episode),
        },
    )


def _unanswered(episode: Episode) -> list[tuple[questions.Group, int]]:
    """Each group of questions with some still unanswered, and how many."""
    counts = [(group, len(questions.unanswered(episode, group.fields))) for group in questions.GROUPS]
    return [(group, n) for group, n in counts if n]


def _chronology(request: HttpRequest, episode: Episode) -> dict[str, Any]:
    """The episode's case notes (searched with ``?q=``)."""
    query = request.GET.get("q", "").strip()[: notes.QUERY_LIMIT]
    return {"notes": list(notes.for_episode(episode, query)), "query": query}


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
    # The interview the responsible authority asked this authority to hold, if any: the host's own
    # work on the episode (access.relationships.commissioned_host), and nothing else of the record.
    commissions = [
        (commission, commission.interviews.select_related("held_by").first())
        for commission in episode.commissions.filter(
            host_authority_id=me(request).organisation_id
        ).select_related("asked_by", "allocated_to", "obligation")
    ]
    for commission, _ in commissions:
        record_view(request, commission, view="host")
    return render(
        request,
        "episodes/host.html",
        {
            "episode": episode,
            "child": child,
            "placement": placement,
            "hours": episode.duration(),
            "commissions": commissions,
        },
    )


@login_required
def answers(request: HttpRequest, pk: int) -> HttpResponse:
    episode = episode_for(request, pk)
    if request.method == "GET":
        record_view(request, episode, view="edit")
    form = with_version(EpisodeAnswersForm(request.POST or None, instance=episode), episode.version)
    conflict = None
    if request.method == "POST" and form.is_valid():
        answers = {name: value for name, value in form.cleaned_data.items() if name != "version"}
        try:
            update_answers(episode, answers, by=me(request), expected_version=form.cleaned_data["version"])
        except StaleVersion as stale:
            conflict = edit_conflict(form, stale, recorded(stale.current, form))
        else:
            messages.success(request, "The episode details have been saved.")
            return redirect("episode", pk=pk)
    return form_page(
        request, form, "Episode details", caption=str(episode), back=f"/episodes/{pk}/", conflict=conflict
    )


def _action(
    request: HttpRequest,
    pk: int,
    form_class: type[forms.Form],
    title: str,
    act: Callable[[Episode, dict[str, Any]], object],
    done: str,
    *,
    returns: bool = False,
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
            if returns:  # the change moves a period of the 903's Missing table: check it
                warn_about_returns(request, episode.child, episode.start)
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
        returns=True,
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
        returns=True,
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


@login_required
def confirm_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The MASH confirms a force's own report of a child it had not been told of (README
    "Partner API"): from then the force is told of the child as for any episode."""
    episode = episode_for(request, pk, "episodes.confirm_police_report")
    if not episode.awaiting_confirmation:
        messages.info(request, "This report does not need confirming.")
        return redirect("episode", pk=pk)
    form = forms.Form(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            confirm_police_report(episode, by=me(request))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"The police report is confirmed: {episode.police_force} is told of {episode.child.name}.",
            )
            return redirect("episode", pk=pk)
    return form_page(
        request,
        form,
        "Confirm this police report",
        caption=f"{episode.child.name}, {episode.reference}",
        back=f"/episodes/{pk}/",
        submit="Confirm the report",
        intro=(
            f"{episode.police_force} reported {episode.child.name} through its own system, "
            "and had not been told of this child. Once you confirm it is this child, the force is told "
            "of the child as for any episode: their details and Find Me plan."
        ),
    )


@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a report made in error, with a reason (the reporter or a manager)."""
    episode = episode_for(request, pk, "episodes.withdraw_episode")
    if episode.withdrawn_at is not None:
        messages.info(request, "This report has already been withdrawn.")
        return redirect("episode", pk=pk)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            withdraw_report(episode, reason=form.cleaned_data["reason"], by=me(request))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "The report has been withdrawn; its duties are cancelled.")
            return redirect("episode", pk=pk)
    return form_page(
        request,
        form,
        "Withdraw this report",
        caption=f"{episode.child.name}, {episode.reference}",
        back=f"/episodes/{pk}/",
        submit="Withdraw the report",
        intro=(
            "Only for a report made in error. Its duties are cancelled, it leaves the board, the "
            "reports and the returns, and it stays on the child's record and the audit trail as withdrawn."
        ),
    )
