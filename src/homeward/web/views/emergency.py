"""Emergency access (the NHS Summary Care Record model): a duty worker opens a child's record
outside their relationships after stating why; it lasts a set time; every view under it is
flagged on the audit trail; the authority's privacy lead reviews and signs off each use."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from homeward.access.audit import VIEWED, record_view
from homeward.accounts.models import AuditEntry
from homeward.casework.emergency import open_emergency_access, sign_off
from homeward.children.models import EmergencyAccess
from homeward.web.forms.children import EmergencyAccessForm, SignOffForm
from homeward.web.views.common import (
    apply_errors,
    child_for,
    form_page,
    login_required,
    me,
    permitted,
    refuse,
)


@login_required
def open_record(request: HttpRequest, pk: int) -> HttpResponse:
    child = child_for(request, pk, "children.open_in_emergency")
    user = me(request)
    form = EmergencyAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            use = open_emergency_access(child, by=user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.warning(
                request,
                f"Emergency access to {child.name} until {timezone.localtime(use.expires_at):%H:%M %d %b}: "
                "every page you open is recorded and reviewed by the privacy lead.",
            )
            return redirect("child", pk=child.pk)
    hours = settings.HOMEWARD_EMERGENCY_ACCESS_HOURS
    already = user.has_perm("children.view_child", child)
    return form_page(
        request,
        form,
        "Open this record in an emergency",
        caption=f"Child {child.reference}",
        back="/children/",
        submit="Open the record",
        intro=(
            "You can already open this child's record."
            if already
            else f"You have no relationship to this child. If you must act on them now (out of hours, "
            f"on duty), say why: the record opens to you for {hours} hours, every page you open is "
            "flagged on its audit trail, and the authority's privacy lead reviews the use."
        ),
    )


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    """The privacy lead's list of emergency uses of their authority's children, to review."""
    user = me(request)
    if not user.has_perm("children.review_emergency_access"):
        raise refuse(request, EmergencyAccess, "review", "children.review_emergency_access")
    uses = (
        EmergencyAccess.objects.filter(child__responsible_authority_id=user.organisation_id)
        .select_related("child", "user", "reviewed_by")
        .order_by("reviewed_at", "-opened_at")
    )
    return render(
        request,
        "children/emergency_review.html",
        {
            "to_review": [u for u in uses if u.reviewed_at is None],
            "reviewed": [u for u in uses if u.reviewed_at is not None][:200],
            "now": timezone.now(),
        },
    )


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    use = permitted(
        request,
        EmergencyAccess.objects.select_related("child", "user", "child__responsible_authority"),
        pk,
        "children.sign_off_emergency_access",
    )
    if request.method == "GET":
        record_view(request, use.child, view="emergency_access_review", emergency_access=use.pk)
    form = SignOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sign_off(
                use, by=me(request), outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "The review has been recorded.")
            return redirect("emergency_access_review")
    views = _views_under(use)
    return form_page(
        request,
        form,
        "Review an emergency access",
        caption=f"{use.child.name}: {use.user.get_full_name() or use.user.username}",
        back="/emergency-access/",
        submit="Record the review",
        intro=f"Opened {timezone.localtime(use.opened_at):%d %b %Y %H:%M} until "
        f"{timezone.localtime(use.expires_at):%H:%M}. Reason given: {use.reason} "
        f"Pages opened under it: {views}.",
    )


def _views_under(use: EmergencyAccess) -> int:
    count: int = AuditEntry.objects.filter(
        actor=use.user, additional_data__emergency_access=use.pk, additional_data__outcome=VIEWED
    ).count()
    return count
