"""Return home interviews: offered, accepted or refused, held, and what the child said."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from homeward.access.audit import record_view
from homeward.access.visible import arrangeable_ids, closable_ids, reviewable_ids
from homeward.casework.commissions import allocate_commission, commission_interview
from homeward.casework.interviews import record_return_interview, strategy_unresolved
from homeward.casework.interviews import sign_off as sign_off_interview
from homeward.episodes.models import Episode
from homeward.interviews.models import Commission, ReturnInterview
from homeward.interviews.rules import host_authority_of
from homeward.obligations.models import Obligation
from homeward.web.forms import now_local, with_version
from homeward.web.forms.interviews import (
    AllocateCommissionForm,
    CommissionForm,
    ReturnInterviewForm,
    SignOffForm,
)
from homeward.web.views.common import (
    StaleVersion,
    apply_errors,
    edit_conflict,
    episode_for,
    form_page,
    login_required,
    me,
    permitted,
    recorded,
)

INTRO = (
    "Offer the interview within 72 hours of the child's return. Record the child's account in their words, "
    "and what their parent or carer saw when they came back."
)


def _interview_for(request: HttpRequest, pk: int, perm: str) -> ReturnInterview:
    # An interview the person may not see is indistinguishable from none.
    return permitted(
        request,
        ReturnInterview.objects.select_related(
            "episode", "episode__child", "episode__child__responsible_authority"
        ),
        pk,
        perm,
    )


def _save(
    request: HttpRequest, episode: Episode, interview: ReturnInterview, title: str, done: str
) -> HttpResponse:
    initial: dict[str, str] = {"offered_at": now_local()} if interview.pk is None else {}
    form = ReturnInterviewForm(
        request.POST or None,
        instance=interview,
        episode=episode,
        commission=interview.commission,
        initial=initial,
    )
    if interview.pk is not None:
        # A change to a saved interview is made on the version read (a new one has none to lose).
        with_version(form, interview.version)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            record_return_interview(
                form.save(commit=False), by=me(request), expected_version=form.cleaned_data.get("version")
            )
        except StaleVersion as stale:
            conflict = edit_conflict(form, stale, recorded(stale.current, form))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("return_interview", pk=interview.pk)
    back = f"/return-interviews/{interview.pk}/" if interview.pk else f"/episodes/{episode.pk}/"
    return form_page(
        request,
        form,
        title,
        caption=f"{episode.child.name}, {episode.reference}",
        back=back,
        intro=INTRO,
        submit="Save interview",
        conflict=conflict,
    )


@login_required
def new(request: HttpRequest, pk: int) -> HttpResponse:
    episode = episode_for(request, pk, "interviews.change_returninterview")
    interview = ReturnInterview(episode=episode, offered_by=me(request))
    return _save(
        request, episode, interview, "Return home interview", "The return home interview has been recorded."
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    interview = _interview_for(request, pk, "interviews.change_returninterview")
    if request.method == "GET":
        record_view(request, interview, view="edit")
    return _save(
        request,
        interview.episode,
        interview,
        "Change the return home interview",
        "The return home interview has been saved.",
    )


def _commission_for(request: HttpRequest, pk: int, perm: str) -> Commission:
    return permitted(
        request,
        Commission.objects.select_related(
            "episode",
            "episode__child",
            "episode__child__responsible_authority",
            "obligation",
            "host_authority",
        ),
        pk,
        perm,
    )


@login_required
def ask_host(request: HttpRequest, pk: int) -> HttpResponse:
    """The responsible authority asks the host authority to hold this return home interview."""
    obligation = permitted(
        request,
        Obligation.objects.select_related("child", "episode", "episode__child"),
        pk,
        "interviews.commission_interview",
    )
    episode = obligation.episode
    assert episode is not None  # a return interview duty is an episode's (may_commission)
    back = f"/episodes/{episode.pk}/"
    host = host_authority_of(episode)
    if host is None:
        messages.error(
            request, f"{episode.child.first_name} was not placed in another authority's area when this began."
        )
        return redirect(back)
    asked = obligation.commissions.select_related("host_authority").first()
    if asked is not None:
        messages.info(request, f"{asked.host_authority} has already been asked to do this interview.")
        return redirect(back)
    form = CommissionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            commission_interview(obligation, by=me(request), note=form.cleaned_data["note"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"{host} has been asked to do the return home interview. Their Missing Children Coordinator "
                "and return interview team have been told. The duty stays with you until they record it.",
            )
            return redirect(back)
    due = timezone.localtime(obligation.due_at).strftime("%-d %B %Y %H:%M") if obligation.due_at else "now"
    return form_page(
        request,
        form,
        "Ask the host authority to do this interview",
        caption=f"{episode.child.name}, {episode.reference}",
        back=back,
        intro=f"{episode.child.first_name} is placed in {host}'s area. Their return interview team will see the "
        f"request, and the interview they record here meets this duty (due by {due}).",
        submit=f"Ask {host}",
    )


@login_required
def allocate_host_interview(request: HttpRequest, pk: int) -> HttpResponse:
    """The host's coordinator gives the interview asked of it to one of its workers."""
    commission = _commission_for(request, pk, "interviews.allocate_commission")
    back = f"/episodes/{commission.episode_id}/"
    form = AllocateCommissionForm(
        request.POST or None, commission=commission, initial={"allocated_to": commission.allocated_to_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            done = allocate_commission(commission, to=form.cleaned_data["allocated_to"], by=me(request))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            assert done.allocated_to is not None
            messages.success(request, f"Given to {done.allocated_to.get_full_name()}, who has been told.")
            return redirect(back)
    return form_page(
        request,
        form,
        "Give the return home interview to a worker",
        caption=f"{commission.episode.reference}: asked by {commission.episode.child.responsible_authority}",
        back=back,
        submit="Give it to them",
    )


@login_required
def new_for_host(request: HttpRequest, pk: int) -> HttpResponse:
    """The host's worker records the interview asked of their authority, on the same episode."""
    commission = _commission_for(request, pk, "interviews.record_commissioned_interview")
    recorded_already = commission.interviews.first()
    if recorded_already is not None:
        return redirect("return_interview_edit", pk=recorded_already.pk)
    interview = ReturnInterview(
        episode=commission.episode,
        offered_by=me(request),
        commission=commission,
        held_by=commission.allocated_to,
    )
    return _save(
        request,
        commission.episode,
        interview,
        f"Return home interview for {commission.episode.child.responsible_authority}",
        f"The return home interview has been recorded. {commission.episode.child.responsible_authority} "
        "can see it on the episode.",
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    interview = _interview_for(request, pk, "interviews.view_returninterview")
    record_view(request, interview)
    episode = interview.episode
    # The host authority reads the interview it recorded, not the responsible authority's duties.
    duties = episode.obligations.filter(kind="return_interview").select_related("assignee")
    obligations = list(duties) if me(request).has_perm("episodes.view_episode", episode) else []
    return render(
        request,
        "interviews/detail.html",
        {
            "interview": interview,
            "episode": episode,
            "child": episode.child,
            "now": timezone.now(),
            "obligations": obligations,
            "closable": closable_ids(me(request), obligations),
            "arrangeable": arrangeable_ids(me(request), obligations),
            "reviewable": reviewable_ids(me(request), obligations),
        },
    )


@login_required
def sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    """The authorising manager signs the interview off (002 s.5), once any strategy meeting the
    episode required was held or a manager says why one was not considered necessary."""
    interview = _interview_for(request, pk, "interviews.sign_off_returninterview")
    back = f"/return-interviews/{interview.pk}/"
    if interview.signed_off_at is not None:
        messages.info(request, "This interview has already been signed off.")
        return redirect(back)
    needs = bool(strategy_unresolved(interview.episode, timezone.now()))
    form = SignOffForm(request.POST or None, needs_oversight=needs, initial={"at": now_local()})
    with_version(form, interview.version)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            sign_off_interview(
                interview,
                by=me(request),
                at=form.cleaned_data["at"],
                oversight=form.cleaned_data.get("oversight", ""),
                expected_version=form.cleaned_data.get("version"),
            )
        except StaleVersion as stale:
            conflict = edit_conflict(form, stale, recorded(stale.current, form))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "The return home interview has been signed off.")
            return redirect(back)
    return form_page(
        request,
        form,
        "Sign off the return home interview",
        caption=f"{interview.episode.child.name}, {interview.episode.reference}",
        back=back,
        intro="Signing off authorises the record: it is not changed after that (Wakefield s.5).",
        submit="Sign off",
        conflict=conflict,
    )
