"""MACE and pre-MACE panels (Greenwich 000; Essex 004 s.7) and organisational reviews of a home
(West Mercia 001 s.14.24-14.26, WM11): the list, recording one, a panel's page, its actions.

Recorded by the coordinator and the authority's managers; read by them, by whoever was at it, and
by the social worker of a child it discussed (access.relationships.PANEL_ROLES). Anyone else
opening a panel gets the 404 and an audit row. Each child on it shows only to a reader who may see
that child; the others are counted, never named.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from homeward.access.audit import record_view
from homeward.access.relationships import authority_of
from homeward.access.visible import visible_children
from homeward.accounts.models import Organisation
from homeward.casework.panels import REVIEW_DUTY, Adult, Place, close_panel_action, record_panel
from homeward.meetings.models import Panel, PanelAction, PanelKind, PlaceKind
from homeward.obligations.models import Obligation
from homeward.queries import panels as queries
from homeward.web.forms import now_local
from homeward.web.forms.meetings import CloseActionForm
from homeward.web.forms.panels import AdultFormSet, PanelActionFormSet, PanelForm, PlaceFormSet
from homeward.web.views.common import apply_errors, login_required, me, permitted, section_refused


def _summary(form: forms.BaseForm, errors: list[dict[str, str]]) -> None:
    """The GOV.UK error summary entries for one form, each linking to its field."""
    errors.extend({"href": "", "text": str(e)} for e in form.non_field_errors())
    for field in form:
        grouped = field.widget_type in ("checkboxselectmultiple", "radioselect")
        href = f"#{field.auto_id}{'_0' if grouped else ''}"
        errors.extend({"href": href, "text": str(e)} for e in field.errors)


REFUSED = "Panels are recorded and read by the Missing Children Coordinator and the authority's managers."


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = me(request)
    panels = list(queries.readable(user)[:200])
    can_add = user.has_perm("meetings.add_panel")
    if not panels and not can_add:
        return section_refused(request, REFUSED)
    return render(request, "panels/index.html", {"panels": panels, "can_add": can_add})


def _review_duty(request: HttpRequest, authority: int) -> Obligation | None:
    """The WM11 duty the page was opened from (``?obligation=``), if it is open and the
    recorder's authority's."""
    wanted = request.GET.get("obligation", "")
    if not wanted.isdigit():
        return None
    return (
        Obligation.objects.filter(
            pk=int(wanted),
            kind=REVIEW_DUTY,
            outcome="",
            establishment__isnull=False,
            child__responsible_authority_id=authority,
        )
        .select_related("establishment")
        .first()
    )


@login_required
def new(request: HttpRequest) -> HttpResponse:
    user = me(request)
    authority_pk = authority_of(user)
    if not user.has_perm("meetings.add_panel") or authority_pk is None:
        return section_refused(request, REFUSED)
    authority = Organisation.objects.get(pk=authority_pk)
    choosable = visible_children(user).filter(responsible_authority_id=authority_pk)
    duty = _review_duty(request, authority_pk)
    initial: dict[str, Any] = {"held_at": now_local()}
    places_initial: list[dict[str, Any]] = []
    child = request.GET.get("child", "")
    if child.isdigit() and choosable.filter(pk=int(child)).exists():
        initial["children"] = f"C{child}"
    if duty is not None:
        initial["kind"] = PanelKind.ORGANISATIONAL_REVIEW
        places_initial = [{"kind": PlaceKind.HOME, "establishment": duty.establishment_id}]
    panel = Panel(authority=authority)
    form = PanelForm(
        request.POST or None,
        instance=panel,
        initial=initial,
        choosable=choosable,
        people=queries.attendable(authority),
    )
    valid = form.is_valid()
    held_at = form.cleaned_data.get("held_at") if form.is_bound else None
    homes = queries.homes(authority)
    # The home of the duty is offered only on the empty form: a posted row equal to an initial
    # one would count as unchanged and be dropped.
    places = PlaceFormSet(
        request.POST or None,
        prefix="places",
        initial=None if request.method == "POST" else places_initial,
        form_kwargs={"homes": homes},
    )
    adults = AdultFormSet(request.POST or None, prefix="adults")
    actions = PanelActionFormSet(
        request.POST or None,
        queryset=PanelAction.objects.none(),
        prefix="actions",
        form_kwargs={
            "held_on": timezone.localtime(held_at).date() if held_at else None,
            "people": queries.attendable(authority),
        },
    )
    # Every part is checked, so every problem shows at once.
    valid = all([places.is_valid(), adults.is_valid(), actions.is_valid()]) and valid
    if request.method == "POST" and valid:
        data = form.cleaned_data
        try:
            record_panel(
                form.save(commit=False),
                children=data["children"],
                places=[
                    Place(
                        kind=row["kind"],
                        establishment=row.get("establishment"),
                        description=row.get("description", "").strip(),
                    )
                    for row in places.cleaned_data
                    if row.get("kind")
                ],
                adults=[
                    Adult(
                        name=row["name"].strip(),
                        link=row["link"].strip(),
                        description=row["description"].strip(),
                    )
                    for row in adults.cleaned_data
                    if (row.get("name") or "").strip()
                ],
                people=data["people"],
                actions=actions.save(commit=False),
                by=user,
                obligation=duty,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            done = (
                " It meets the duty to review the home, which is now closed." if panel.obligation_id else ""
            )
            # The kind as written: "MACE" is not to be lower-cased.
            messages.success(request, f"{panel.get_kind_display()} recorded.{done}")
            return redirect("panel", pk=panel.pk)
    errors: list[dict[str, str]] = []
    if form.is_bound:
        _summary(form, errors)
        for formset in (places, adults, actions):
            errors.extend({"href": "", "text": str(e)} for e in formset.non_form_errors())
            for row in formset:
                _summary(row, errors)
    return render(
        request,
        "panels/form.html",
        {
            "form": form,
            "places": places,
            "adults": adults,
            "actions": actions,
            "errors": errors,
            "duty": duty,
            "title": "Record the organisational review" if duty is not None else "Record a panel",
            "back": "/panels/",
        },
        status=400 if errors else 200,
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    panel = permitted(
        request,
        Panel.objects.select_related("authority", "recorded_by", "obligation", "obligation__establishment"),
        pk,
        "meetings.view_panel",
    )
    record_view(request, panel)
    user = me(request)
    return render(
        request,
        "panels/detail.html",
        {
            "read": queries.as_read(user, panel),
            "panel": panel,
            "places": panel.places.select_related("establishment"),
            "adults": panel.adults.all(),
            "people": panel.people.select_related("person", "person__organisation"),
            "may_change": {
                a.pk for a in panel.actions.all() if user.has_perm("meetings.change_panelaction", a)
            },
            "today": timezone.localdate(),
        },
    )


@login_required
def action(request: HttpRequest, pk: int) -> HttpResponse:
    """A panel's action: for its owner and whoever runs the authority's panels, to close."""
    item = permitted(
        request,
        PanelAction.objects.select_related("panel", "assignee", "closed_by"),
        pk,
        "meetings.change_panelaction",
    )
    record_view(request, item)
    form = CloseActionForm(request.POST or None) if item.state == "open" else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            close_panel_action(
                item, state=form.cleaned_data["state"], note=form.cleaned_data["closing_note"], by=me(request)
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "The action has been closed.")
            return redirect("panel_action", pk=item.pk)
    return render(
        request,
        "panels/action.html",
        {
            "item": item,
            "form": form,
            "may_see_panel": me(request).has_perm("meetings.view_panel", item.panel),
            "today": timezone.localdate(),
        },
        status=400 if form is not None and form.errors else 200,
    )
