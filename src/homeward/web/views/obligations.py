from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from homeward.access.audit import record_view
from homeward.access.visible import allocating_children, chasable_ids, closable_ids, visible_episodes
from homeward.casework.allocation import allocate as allocate_obligation
from homeward.casework.chase import CHASE_AGAIN_AFTER
from homeward.casework.obligations import close_obligation
from homeward.obligations.models import Obligation
from homeward.queries import allocation, chases
from homeward.queries.why import why_due
from homeward.web.forms import now_local
from homeward.web.forms.obligations import AllocateForm, CloseObligationForm
from homeward.web.templatetags.homeward import role_label
from homeward.web.views.common import apply_errors, form_page, login_required, me, permitted, section_refused


@login_required
def close(request: HttpRequest, pk: int) -> HttpResponse:
    obligation = permitted(
        request, Obligation.objects.select_related("child", "episode"), pk, "obligations.close_obligation"
    )
    back = (
        f"/episodes/{obligation.episode_id}/"
        if obligation.episode_id
        else f"/children/{obligation.child_id}/"
    )
    if obligation.outcome:
        messages.info(request, "This has already been closed.")
        return redirect(back)
    if not obligation.is_outstanding:
        raise Http404("This is not due yet.")
    form = CloseObligationForm(
        # No outcome is chosen for the person: a pre-chosen "Done" closed duties nobody had done.
        request.POST or None,
        obligation=obligation,
        initial={"at": now_local()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            close_obligation(
                obligation,
                outcome=data["outcome"],
                at=data["at"],
                reason=data["reason"],
                agreed_by=data.get("agreed_by"),
                note=data["note"],
                by=me(request),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Recorded: {obligation.title}.")
            return redirect(back)
    return form_page(
        request,
        form,
        obligation.title,
        caption=f"{obligation.child.name}{', ' + obligation.episode.reference if obligation.episode else ''}",
        back=back,
        intro=f"Why: {obligation.cites}. {obligation.note}",
        submit="Record outcome",
    )


@login_required
def allocate(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator or team manager names the person a duty falls to (or reassigns it)."""
    obligation = permitted(
        request,
        Obligation.objects.select_related("child", "episode", "assignee"),
        pk,
        "obligations.allocate_obligation",
    )
    from_queue = request.GET.get("from") == "queue"
    back = "/allocation/" if from_queue else _record(obligation)
    if obligation.outcome:
        messages.success(request, "This has already been closed.")
        return redirect(back)
    people = allocation.choices(obligation)
    first = people[0].person.pk if people and people[0].hint else None
    form = AllocateForm(request.POST or None, choices=people, initial={"allocated_to": first})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = allocate_obligation(
                obligation, to=data["allocated_to"], by=me(request), reason=data["reason"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            # Whom the outbox told: the new holder, and the previous one if still here.
            told = [done.to.get_full_name()] + [
                p.get_full_name() for p in [done.previous] if p is not None and p != done.to and p.is_active
            ]
            messages.success(
                request,
                f"Allocated to {done.to.get_full_name()}. {' and '.join(told)} "
                f"{'have' if len(told) > 1 else 'has'} been told.",
            )
            return redirect(back)
    role = role_label(obligation.falls_to).lower()
    holder = obligation.assignee.get_full_name() if obligation.assignee else "nobody"
    default = (
        " (by default: nobody has been named for it)"
        if obligation.unallocated and obligation.assignee
        else ""
    )
    page = {
        "title": f"{'Allocate' if obligation.unallocated else 'Reassign'}: {obligation.title}",
        "caption": f"{obligation.child.name}{', ' + obligation.episode.reference if obligation.episode else ''}",
        "back": back,
        "intro": f"Falls to a {role} ({obligation.cites}). Now with {holder}{default}.",
    }
    if not people:
        return render(request, "obligations/no_one_to_allocate.html", {**page, "role": role})
    return form_page(request, form, submit="Allocate", **page)


def _record(obligation: Obligation) -> str:
    return (
        f"/episodes/{obligation.episode_id}/"
        if obligation.episode_id
        else f"/children/{obligation.child_id}/"
    )


@login_required
def unallocated(request: HttpRequest) -> HttpResponse:
    """The queue of work no one has been named for, per team and role, for those who allocate it."""
    if not me(request).has_perm("obligations.view_unallocated"):
        return section_refused(
            request,
            "Unallocated work is for the Missing Children Coordinator and team managers, who allocate it.",
        )
    now = timezone.now()
    queue = allocation.unallocated(children=allocating_children(me(request)), now=now)
    return render(request, "web/unallocated.html", {"groups": queue.groups, "total": queue.total, "now": now})


@login_required
def why(request: HttpRequest, pk: int) -> HttpResponse:
    """Why is this due? The events that raised the duty, its rule, citation and pack version, how
    its due time was worked out and what would close it: the words stored when it was raised."""
    obligation = permitted(
        request,
        Obligation.objects.select_related("child", "episode", "assignee"),
        pk,
        "obligations.view_obligation",
    )
    user = me(request)
    record_view(request, obligation.episode or obligation.child, view="why_due", obligation=obligation.pk)
    now = timezone.now()
    chased = chases.latest([obligation]).get(obligation.pk)
    # As on the worklists: chased within the hour, the page says so and offers no button the
    # write path would refuse.
    recently = chased is not None and chased.at > now - CHASE_AGAIN_AFTER
    return render(
        request,
        "obligations/why.html",
        {
            "o": obligation,
            "why": why_due(obligation, episodes=visible_episodes(user)),
            "back": _record(obligation),
            "now": now,
            "closable": closable_ids(user, [obligation]) if obligation.is_outstanding else set(),
            "chasable": set() if recently else chasable_ids(user, [obligation]),
            "chased": chased,
        },
    )
