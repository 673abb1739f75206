"""The child's plans: each plan's page (the latest version, its history), the form for its next
version, one version with what changed since the one before, and a plan_update duty's way in."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from homeward.access.audit import record_view
from homeward.accounts.models import User
from homeward.casework.plans import meetable, plans_meeting, save_plan
from homeward.casework.versions import StaleVersion
from homeward.children.models import Child
from homeward.obligations.models import Obligation
from homeward.plans.kinds import EDITED_HERE, PLANS
from homeward.plans.models import Plan, PlanVersion
from homeward.queries import plans as queries
from homeward.web.forms import with_version
from homeward.web.forms.plans import PlanForm
from homeward.web.views.common import (
    apply_errors,
    child_for,
    edit_conflict,
    login_required,
    me,
    permitted,
    refuse,
)


def plan_duties(user: User, child: Child, kind: str) -> list[Obligation]:
    """The outstanding duties a new version of this plan meets (the pack's ``plans``) that this
    person may close."""
    return [o for o in meetable(child, kind) if user.has_perm("obligations.close_obligation", o)]


def edit_url(child: Child, kind: str) -> str:
    if kind == "find_me":
        return reverse("find_me_plan", args=[child.pk])
    return reverse("plan_edit", args=[child.pk, kind])


def _child(request: HttpRequest, pk: int, kind: str, perm: str) -> Child:
    if kind not in PLANS:
        raise refuse(request, Child, pk, perm)
    return child_for(request, pk, perm)


@login_required
def plan(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    child = _child(request, pk, kind, "plans.view_plan")
    record_view(request, child, view="plan", plan=kind)
    found = queries.summary(child, kind)
    return render(
        request,
        "plans/plan.html",
        {
            "child": child,
            "p": found,
            "versions": queries.versions(found.plan) if found.plan is not None else [],
            "may_change": me(request).has_perm("plans.change_plan", child),
            "edit_url": edit_url(child, kind),
        },
    )


@login_required
def plan_edit(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    child = _child(request, pk, kind, "plans.change_plan")
    if kind not in EDITED_HERE:
        # The Find Me plan keeps its own page (the photograph, the Philomena profile).
        return redirect(f"{edit_url(child, kind)}?{request.GET.urlencode()}")
    user = me(request)
    definition = PLANS[kind]
    current = Plan.objects.filter(child=child, kind=kind).first()
    latest = current.versions.first() if current is not None else None
    duties = plan_duties(user, child, kind)
    initial: dict[str, str] = dict(latest.answers) if latest is not None else {}
    asked_for = request.GET.get("duty", "")
    if asked_for.isdigit() and int(asked_for) in {o.pk for o in duties}:
        initial["meets"] = asked_for
    form = with_version(
        PlanForm(request.POST or None, kind=definition, duties=duties, first=latest is None, initial=initial),
        current.version if current is not None else 0,
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            version = save_plan(
                child,
                kind=kind,
                answers=form.answers(),
                reason=form.cleaned_data["reason"],
                meets=form.meets(),
                by=user,
                expected_version=form.cleaned_data["version"],
            )
        except StaleVersion as stale:
            newest = PlanVersion.objects.filter(plan__child=child, plan__kind=kind).first()
            conflict = edit_conflict(form, stale, dict(newest.answers) if newest is not None else {})
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            done = f" It meets: {version.meets.title}." if version.meets else ""
            messages.success(
                request, f"Version {version.number} of the {definition.label.lower()} has been saved.{done}"
            )
            return redirect("plan", pk=child.pk, kind=kind)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "plans/form.html",
        {
            "form": form,
            "title": f"Update the {definition.label.lower()}"
            if latest
            else f"Write the {definition.label.lower()}",
            "caption": child.name,
            "back": reverse("plan", args=[child.pk, kind]),
            "intro": f"{definition.intro} ({definition.cites})",
            "submit": "Save as a new version",
            "conflict": conflict,
            "latest": latest,
            "duty": int(initial["meets"]) if "meets" in initial else None,
        },
        status=status,
    )


@login_required
def plan_version(request: HttpRequest, pk: int, kind: str, number: int) -> HttpResponse:
    child = _child(request, pk, kind, "plans.view_plan")
    version = (
        PlanVersion.objects.select_related("plan", "written_by", "meets")
        .filter(plan__child=child, plan__kind=kind, number=number)
        .first()
    )
    if version is None:
        raise refuse(request, PlanVersion, number, "plans.view_plan")
    record_view(request, child, view="plan_version", plan=kind, number=number)
    previous = PlanVersion.objects.filter(plan=version.plan, number__lt=number).order_by("-number").first()
    return render(
        request,
        "plans/version.html",
        {
            "child": child,
            "v": version,
            "previous": previous,
            "changes": version.changes(previous),
            "newer": PlanVersion.objects.filter(plan=version.plan, number__gt=number).exists(),
        },
    )


@login_required
def duty_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """A plan_update duty's "what to do": the form of the first plan its rule names (the pack's
    ``plans``), offering the duty; a duty whose rule names none is met by recording its outcome."""
    obligation = permitted(
        request,
        Obligation.objects.select_related("child", "child__responsible_authority"),
        pk,
        "obligations.close_obligation",
    )
    kinds = plans_meeting(obligation)
    if not kinds:
        return redirect("close_obligation", pk=obligation.pk)
    if not me(request).has_perm("plans.change_plan", obligation.child):
        raise refuse(request, Child, obligation.child_id, "plans.change_plan")
    return redirect(f"{edit_url(obligation.child, kinds[0])}?duty={obligation.pk}")
