from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from homeward.casework.obligations import close_obligation
from homeward.obligations.models import Obligation
from homeward.web.forms import now_local
from homeward.web.forms.obligations import CloseObligationForm
from homeward.web.views.common import apply_errors, form_page, login_required, me, permitted


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
