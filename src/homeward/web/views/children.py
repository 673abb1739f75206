"""A child's record: details, placement, Find Me plan, risk assessment, timeline."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from homeward.access.audit import emergency_flag, record_view, trail_for_child
from homeward.access.subject_access import export_json
from homeward.access.visible import (
    arrangeable_ids,
    closable_ids,
    panels_about,
    reportable_ids,
    reviewable_ids,
    visible_children,
)
from homeward.casework.children import save_child
from homeward.casework.intelligence import save_assessment_with_findings, save_plan_with_findings
from homeward.casework.placements import record_director_review, start_placement
from homeward.casework.restrictions import restrict_record
from homeward.children.models import Child, FindMePlan
from homeward.episodes.models import RiskLevel
from homeward.queries import child as queries
from homeward.queries import intelligence, notes, profile, reporting, warning_notices
from homeward.web import timeline
from homeward.web.forms import _style, now_local, with_version
from homeward.web.forms.children import (
    ChildForm,
    FindMePlanForm,
    PlacementForm,
    RestrictRecordForm,
    RiskAssessmentForm,
)
from homeward.web.forms.plans import chosen_duty, meets_field, reason_field
from homeward.web.views.common import (
    StaleVersion,
    apply_errors,
    child_for,
    edit_conflict,
    form_page,
    login_required,
    me,
    permitted,
    recorded,
    section_refused,
)
from homeward.web.views.plans import plan_duties
from homeward.web.views.returns import warn_about_returns

# How many timeline entries the child's page shows before "Show all": the newest screenful. Years of
# history rendered on every visit were most of the page's time (issue 20). Not a protocol's number.
TIMELINE_SHOWN = 20
# How many open duties "What matters now" lists before pointing to the full table below it.
DUTIES_SHOWN = 5
# The episodes and closed duties shown before "Show all" (the same fold as the timeline's).
EPISODES_SHOWN = 10
CLOSED_SHOWN = 10
# The children list's page length.
CHILDREN_PER_PAGE = 50


@login_required
def child_list(request: HttpRequest) -> HttpResponse:
    if not me(request).has_perm("children.list_children"):
        # The police open the episodes they were told of, not children's pages (README "Who sees what").
        return section_refused(request, "Your role opens episodes, not children's records.")
    query = request.GET.get("q", "").strip()[:100]
    children = visible_children(me(request))
    if query:
        children = children.filter(
            Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(known_as__icontains=query)
            | Q(aliases__icontains=query)
        )
    # A page at a time: a coordinator's whole authority (thousands of children) in one table was
    # a long scroll on a phone and most of the time of the page (issue 20). Any page number,
    # however malformed, gives a page (the first, or the last if past the end).
    ordered = children.order_by("last_name", "first_name", "pk")  # the same order on every page
    page = Paginator(ordered, CHILDREN_PER_PAGE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    reportable = reportable_ids(me(request), [child.pk for child in shown])
    return render(
        request,
        "children/list.html",
        {
            "rows": reporting.for_children(shown, reportable),
            "query": query,
            "page": page,
            # The first and last pages and those either side of this one, the rest elided (GOV.UK).
            "page_range": list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)),
            "ellipsis": Paginator.ELLIPSIS,
        },
    )


@login_required
def child_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # The people and team the page names, read with the child rather than one query each.
    related = Child.objects.select_related("responsible_authority", "allocated_worker", "team", "iro")
    child = permitted(request, related, pk, "children.view_child")
    # A view under emergency access is flagged with the use it was made under (README).
    record_view(request, child, **emergency_flag(me(request), child))
    now = timezone.now()
    record = queries.record(child, now)
    query = request.GET.get("q", "").strip()[: notes.QUERY_LIMIT]
    show_all = request.GET.get("all") == "1"
    reader = timeline.Reader(me(request))
    history = timeline.page(
        child,
        reader,
        kind=request.GET.get("kind", ""),
        show_all=show_all,
        fold_at=TIMELINE_SHOWN,
    )
    episodes = list(record["episodes"])
    user = me(request)
    # 001 s.14.22: the notices naming the child, for whoever may see the child but a carer.
    sees_notices = user.has_perm("children.view_warning_notices_of_child", child)
    today = timezone.localdate()
    notice_rows = (
        [
            {
                "notice": n,
                "live": n.live_on(today),
                "opens": user.has_perm("children.view_warningnotice", n),
            }
            for n in warning_notices.of_child(child)
        ]
        if sees_notices
        else []
    )
    due = sorted(record["outstanding"], key=lambda o: (o.due_at is None, o.due_at or o.opens_at))
    return render(
        request,
        "children/detail.html",
        {
            **record,
            "closable": closable_ids(me(request), record["outstanding"]),
            "arrangeable": arrangeable_ids(me(request), record["outstanding"]),
            "reviewable": reviewable_ids(me(request), record["outstanding"]),
            "now": now,
            "age": child.age_on(timezone.localdate()),
            "due_now": due[:DUTIES_SHOWN],
            "due_more": max(0, len(due) - DUTIES_SHOWN),
            "history": history,
            "risk_label": risk_label(history.latest_risk.level) if history.latest_risk else "",
            "timeline": history.entries,
            "private_kinds": reader.private_kinds(child),
            "episodes": episodes if show_all else episodes[:EPISODES_SHOWN],
            "episodes_total": len(episodes),
            "closed": record["closed"] if show_all else record["closed"][:CLOSED_SHOWN],
            "closed_folded": not show_all and len(record["closed"]) > CLOSED_SHOWN,
            "query": query,
            "notes": list(notes.for_child(child, query)[:100]) if query else [],
            # MACE, pre-MACE and organisational reviews that discussed the child, to a reader of
            # panels (access.visible.visible_panels); nobody else sees the section.
            "panels": list(panels_about(me(request), child)),
            "sees_notices": sees_notices,
            "warning_notices": notice_rows,
            "can_add_notice": sees_notices and user.has_perm("children.add_warningnotice"),
        },
    )


def risk_label(level: str) -> str:
    try:
        return str(RiskLevel(level).label)
    except ValueError:
        return level


@login_required
def child_create(request: HttpRequest) -> HttpResponse:
    user = me(request)
    authority = user.organisation
    if authority is None or not user.has_perm("children.add_child"):
        return section_refused(request, "Only a local authority's social care staff can record a new child.")
    form = ChildForm(request.POST or None, request.FILES or None, authority=authority)
    if request.method == "POST" and form.is_valid():
        child = form.save(commit=False)
        child.responsible_authority = authority
        save_child(child, by=user)
        messages.success(request, f"{child.name} has been recorded.")
        return redirect("child", pk=child.pk)
    return form_page(request, form, "Record a child", back="/children/", submit="Save child")


@login_required
def child_edit(request: HttpRequest, pk: int) -> HttpResponse:
    child = child_for(request, pk, "children.change_child")
    if request.method == "GET":
        record_view(request, child, view="edit")
    form = with_version(
        ChildForm(
            request.POST or None, request.FILES or None, instance=child, authority=child.responsible_authority
        ),
        child.version,
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            save_child(form.save(commit=False), by=me(request), expected_version=form.cleaned_data["version"])
        except StaleVersion as stale:
            conflict = edit_conflict(form, stale, recorded(stale.current, form))
        else:
            messages.success(request, "The child's details have been saved.")
            warn_about_returns(request, child, timezone.now())
            return redirect("child", pk=child.pk)
    return form_page(
        request, form, f"Change details: {child.name}", back=f"/children/{pk}/", conflict=conflict
    )


@login_required
def placement_new(request: HttpRequest, pk: int) -> HttpResponse:
    child = child_for(request, pk, "children.change_child")
    form = PlacementForm(request.POST or None, initial={"at": now_local()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            start_placement(
                child,
                establishment=data["establishment"],
                at=data["at"],
                placement_type=data["placement_type"],
                emergency=data["emergency"],
                by=me(request),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "The placement has been recorded.")
            warn_about_returns(request, child, data["at"])
            return redirect("child", pk=child.pk)
    return form_page(request, form, "Record a new placement", caption=child.name, back=f"/children/{pk}/")


@login_required
def find_me_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The Find Me plan and Philomena profile (Part 1): the case holders' and the child's carers'."""
    child = child_for(request, pk, "children.change_find_me_plan")
    if request.method == "GET":
        record_view(request, child, view="find_me_plan")
    plan = FindMePlan.objects.filter(child=child).first() or FindMePlan(child=child, version=0)
    found = intelligence.for_plan(me(request), child, plan if plan.pk else None)
    # Version 0: there was no plan when the page was read (a plan written since is someone else's).
    form = with_version(
        FindMePlanForm(
            request.POST or None,
            request.FILES or None,
            instance=plan,
            findings=found.findings,
            flags=found.flags,
        ),
        plan.version,
    )
    # Each save is a new version of the plan, with its reason, and may meet a plan_update duty.
    user = me(request)
    duties = plan_duties(user, child, "find_me")
    form.fields["reason"] = reason_field(first=plan.version == 0)
    if duties:
        form.fields["meets"] = meets_field(duties)
        asked_for = request.GET.get("duty", "")
        if asked_for.isdigit() and int(asked_for) in {o.pk for o in duties}:
            form.fields["meets"].initial = asked_for
    _style(form)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            save_plan_with_findings(
                form.save(commit=False),
                by=user,
                findings=form.confirmed_findings(),
                flags=form.confirmed_flags(),
                expected_version=form.cleaned_data["version"],
                photo=form.cleaned_data.get("photo") or None,
                reason=form.cleaned_data["reason"],
                meets=chosen_duty(form, {o.pk: o for o in duties}),
            )
        except StaleVersion as stale:
            conflict = edit_conflict(form, stale, recorded(stale.current, form))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "The Find Me plan and profile have been saved as a new version.")
            return redirect("child", pk=child.pk)
    review = profile.review(child, plan if plan.pk else None)
    period = (
        f" Review it at least every {review.period} ({child.responsible_authority}'s protocol)."
        if review.period
        else ""
    )
    return form_page(
        request,
        form,
        "Find Me plan and profile",
        caption=child.name,
        back=f"/children/{pk}/",
        intro="Keep this up to date at all times: the police told of a missing episode see it, with the "
        "photograph, on the episode at once (Wakefield s.10; the Philomena Protocol)." + period,
        conflict=conflict,
    )


@login_required
def risk_assessment_new(request: HttpRequest, pk: int) -> HttpResponse:
    child = child_for(request, pk, "children.change_child")
    form = RiskAssessmentForm(
        request.POST or None,
        initial={"completed_at": now_local()},
        findings=intelligence.for_risk_assessment(me(request), child),
    )
    if request.method == "POST" and form.is_valid():
        assessment = form.save(commit=False)
        assessment.child = child
        assessment.placement = child.current_placement
        assessment.completed_by = me(request)
        try:
            save_assessment_with_findings(assessment, by=me(request), findings=form.confirmed_findings())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "The missing children risk assessment has been saved.")
            return redirect("child", pk=child.pk)
    return form_page(
        request,
        form,
        "Missing children risk assessment",
        caption=child.name,
        back=f"/children/{pk}/",
        intro="Complete before the placement, or within 72 hours of an emergency placement (West Mercia 6.1).",
    )


@login_required
def director_review(request: HttpRequest, pk: int) -> HttpResponse:
    child = child_for(request, pk, "children.change_child")
    if request.method == "POST":
        record_director_review(child, at=timezone.now(), by=me(request))
        messages.success(request, "The director's review has been recorded.")
    return redirect("child", pk=child.pk)


@login_required
def audit_trail(request: HttpRequest, pk: int) -> HttpResponse:
    """Who has viewed and changed this record: every audit row about the child and what is recorded."""
    child = child_for(request, pk, "children.view_audit")
    entries = trail_for_child(child)
    record_view(request, child, view="audit_trail")
    return render(request, "children/audit.html", {"child": child, "entries": entries[:1000]})


@login_required
def subject_access(request: HttpRequest, pk: int) -> HttpResponse:
    """Download everything held on the child (a subject access request), as JSON."""
    child = child_for(request, pk, "children.export_child")
    record_view(request, child, view="subject_access_export")
    response = HttpResponse(export_json(child), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{child.reference}.json"'
    return response


@login_required
def restrict(request: HttpRequest, pk: int) -> HttpResponse:
    """Restrict the record to named people (the coordinator or a senior manager decides)."""
    child = child_for(request, pk, "children.restrict_child")
    # Lifting the restriction posts no field at all: bind on the method, not on POST's contents.
    form = with_version(
        RestrictRecordForm(
            request.POST if request.method == "POST" else None,
            authority=child.responsible_authority,
            initial={"sealed": child.sealed, "named": list(child.sealed_to.all())},
        ),
        child.version,
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            restrict_record(
                child,
                sealed=form.cleaned_data["sealed"],
                named=list(form.cleaned_data["named"]),
                by=me(request),
                expected_version=form.cleaned_data["version"],
            )
        except StaleVersion as stale:
            now = {"sealed": stale.current.sealed, "named": list(stale.current.sealed_to.all())}
            conflict = edit_conflict(form, stale, now)
        else:
            messages.success(
                request,
                "The record is now restricted."
                if form.cleaned_data["sealed"]
                else "The restriction is lifted.",
            )
            return redirect("child", pk=child.pk)
    return form_page(
        request, form, "Restrict this record", caption=child.name, back=f"/children/{pk}/", conflict=conflict
    )
