"""The authority's protocol: which pack and version it works to, from when, and adopting another.

Adoptions are recorded by the Missing Children Coordinator or a senior manager of the authority
with a reason (``casework.protocols``), from now on; duties already raised keep the version that
raised them. Anyone else gets 404, audited, as for the what-if page beside it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from homeward.access.reports import may_try_drafts
from homeward.casework.protocols import adopt_protocol
from homeward.children.models import Child
from homeward.obligations.evaluation import adoption_records, history_of
from homeward.protocols.pack import PackError, available_packs, load_pack
from homeward.web.forms.reports import AdoptForm
from homeward.web.views.common import apply_errors, login_required, me, refuse


def _shipped() -> list[tuple[str, str]]:
    choices = []
    for name in available_packs():
        try:
            pack = load_pack(name)
        except PackError:
            continue
        choices.append((name, f"{pack.title} (version {pack.version})"))
    return choices


@login_required
def protocol(request: HttpRequest) -> HttpResponse:
    user = me(request)
    authority = user.organisation
    if not may_try_drafts(user) or authority is None:
        raise refuse(request, Child, "protocol", "reports.adopt_protocol")
    form = AdoptForm(request.POST or None, packs=_shipped())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = adopt_protocol(
                authority,
                pack=data["pack"],
                in_force_from=data["in_force_from"],
                reason=data["reason"],
                by=user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{authority.name} works to {record} (recorded).")
            return redirect("protocol")
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "reports/protocol.html",
        {
            "form": form,
            "authority": authority,
            "base": history_of(authority)[0].pack,
            "adoptions": adoption_records(authority),
        },
        status=status,
    )
