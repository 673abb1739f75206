"""Chasing the person a duty falls to, from a worklist row (a button) or its own page (with a note)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from homeward.casework.chase import chase as chase_obligation
from homeward.casework.chase import refusal
from homeward.obligations.models import Obligation
from homeward.web.forms.chase import ChaseForm
from homeward.web.views.common import apply_errors, form_page, login_required, me, permitted


def _back(request: HttpRequest, obligation: Obligation) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return wanted
    return (
        f"/episodes/{obligation.episode_id}/"
        if obligation.episode_id
        else f"/children/{obligation.child_id}/"
    )


@login_required
def chase(request: HttpRequest, pk: int) -> HttpResponse:
    obligation = permitted(
        request,
        Obligation.objects.select_related("child", "episode", "assignee"),
        pk,
        "obligations.chase_obligation",
    )
    back = _back(request, obligation)
    user = me(request)
    refused = refusal(obligation, by=user, now=timezone.now())
    if refused and request.method == "GET":
        messages.error(request, refused)
        return redirect(back)
    holder = obligation.assignee.get_full_name() if obligation.assignee else "nobody"
    form = ChaseForm(request.POST or None)
    # The worklist's button sends no note: a refusal goes back to the list as a message.
    from_row = request.method == "POST" and "note" not in request.POST
    if request.method == "POST" and form.is_valid():
        try:
            chase_obligation(obligation, by=user, note=form.cleaned_data["note"])
        except ValidationError as exc:
            if from_row:
                messages.error(request, " ".join(exc.messages))
                return redirect(back)
            apply_errors(form, exc)
        else:
            messages.success(request, f"Chased: {holder} has been sent a reminder about {obligation.title}.")
            return redirect(back)
    return form_page(
        request,
        form,
        f"Chase {holder}: {obligation.title}",
        caption=f"{obligation.child.name}{', ' + obligation.episode.reference if obligation.episode else ''}",
        back=back,
        intro=f"{holder} is sent a reminder that this is theirs to do and still open, by e-mail and in their inbox.",
        submit="Chase",
    )
