"""Harbouring and Child Abduction Warning Notices (West Mercia 001 s.13.4-13.7, 14.21-14.23).

Recorded and withdrawn by the coordinator of the authority whose children a notice names; read
by that coordinator and the police of the force that served it (access.relationships, with why).
Anyone else opening a notice gets the 404 and an audit row.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from homeward.access.audit import record_view
from homeward.access.relationships import authority_of
from homeward.access.visible import visible_children
from homeward.casework.warning_notices import record_notice, withdraw_notice
from homeward.children.models import WarningNotice
from homeward.queries import warning_notices as queries
from homeward.web.forms.warning_notices import WarningNoticeForm, WithdrawNoticeForm
from homeward.web.views.common import (
    apply_errors,
    form_page,
    login_required,
    me,
    permitted,
    section_refused,
)

REFUSED = "Warning notices are recorded by the Missing Children Coordinator and read by the police force that served them."


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = me(request)
    notices = list(queries.readable(user).order_by("-served_at", "-pk")[:200])
    if not notices and not user.has_perm("children.add_warningnotice"):
        return section_refused(request, REFUSED)
    today = timezone.localdate()
    return render(
        request,
        "warning_notices/index.html",
        {
            "rows": [(n, n.live_on(today)) for n in notices],
            "can_add": user.has_perm("children.add_warningnotice"),
        },
    )


@login_required
def new(request: HttpRequest) -> HttpResponse:
    user = me(request)
    if not user.has_perm("children.add_warningnotice"):
        return section_refused(request, REFUSED)
    choosable = visible_children(user).filter(responsible_authority_id=authority_of(user))
    initial = {}
    child = request.GET.get("child", "")
    if child.isdigit() and choosable.filter(pk=int(child)).exists():
        initial["children"] = f"C{child}"
    form = WarningNoticeForm(request.POST or None, initial=initial, choosable=choosable)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = record_notice(
                kind=data["kind"],
                children=data["children"],
                adult={k: data[k] for k in data if k.startswith("adult_")},
                statement_by=data["statement_by"],
                statement=data["statement"],
                served_by_name=data["served_by_name"],
                served_by_force=data["served_by_force"],
                served_at=data["served_at"],
                expires_on=data["expires_on"],
                by=user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Warning notice {notice.reference} has been recorded.")
            return redirect("warning_notice", pk=notice.pk)
    return form_page(
        request,
        form,
        "Record a warning notice served",
        intro="The notice the police served on an adult, with the local authority manager's witness "
        "statement (West Mercia 14.22). While it is in force, any new episode naming the adult as an "
        "associate is flagged to you.",
        back="/warning-notices/",
        submit="Record the notice",
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = me(request)
    notice = permitted(
        request,
        WarningNotice.objects.select_related("served_by_force", "authority", "recorded_by", "withdrawn_by"),
        pk,
        "children.view_warningnotice",
    )
    record_view(request, notice)
    # The children named, each only to a reader who may see that child (a restricted record stays hidden).
    named = list(notice.children.order_by("pk"))
    shown = set(visible_children(user).filter(pk__in=[c.pk for c in named]).values_list("pk", flat=True))
    return render(
        request,
        "warning_notices/detail.html",
        {
            "notice": notice,
            "live": notice.live_on(timezone.localdate()),
            "children": [c for c in named if c.pk in shown],
            "hidden": len([c for c in named if c.pk not in shown]),
            "can_withdraw": user.has_perm("children.change_warningnotice", notice)
            and not notice.withdrawn_at,
        },
    )


@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    notice = permitted(request, WarningNotice.objects.all(), pk, "children.change_warningnotice")
    form = WithdrawNoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            withdraw_notice(notice, reason=form.cleaned_data["reason"], by=me(request))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Warning notice {notice.reference} has been withdrawn.")
            return redirect("warning_notice", pk=notice.pk)
    return form_page(
        request,
        form,
        f"Withdraw warning notice {notice.reference}",
        back=f"/warning-notices/{notice.pk}/",
        submit="Withdraw the notice",
    )
