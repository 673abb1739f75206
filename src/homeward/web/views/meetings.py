"""Strategy, intervention, review and MACE meetings: who came, what was decided, who does what."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from homeward.access.audit import record_view
from homeward.casework.meetings import (
    Invitee,
    arrange_meeting,
    close_action,
    decide_not_to_hold,
    hold_meeting,
    record_meeting,
)
from homeward.meetings.models import Action, Arrangement, Meeting
from homeward.meetings.rules import spec_for
from homeward.obligations.models import Obligation
from homeward.queries import meetings as meeting_queries
from homeward.web.forms import now_local
from homeward.web.forms.meetings import (
    ActionFormSet,
    ArrangeForm,
    CloseActionForm,
    HoldForm,
    MeetingForm,
    NotHeldForm,
)
from homeward.web.views.common import apply_errors, child_for, form_page, login_required, me, permitted


def _summary(form: forms.BaseForm, errors: list[dict[str, str]]) -> None:
    """The GOV.UK error summary entries for one form, each linking to its field."""
    errors.extend({"href": "", "text": str(e)} for e in form.non_field_errors())
    for field in form:
        grouped = field.widget_type in ("checkboxselectmultiple", "radioselect")
        href = f"#{field.auto_id}{'_0' if grouped else ''}"
        errors.extend({"href": href, "text": str(e)} for e in field.errors)


@login_required
def new(request: HttpRequest, pk: int) -> HttpResponse:
    child = child_for(request, pk, "meetings.add_meeting")
    episodes = child.episodes.all()
    wanted = request.GET.get("episode", "")
    initial: dict[str, Any] = {"held_at": now_local()}
    if wanted.isdigit() and episodes.filter(pk=int(wanted)).exists():
        initial["episode"] = int(wanted)
    meeting = Meeting(child=child)
    form = MeetingForm(request.POST or None, instance=meeting, episodes=episodes, initial=initial)
    valid = form.is_valid()
    held_at = form.cleaned_data.get("held_at") if form.is_bound else None
    actions = ActionFormSet(
        request.POST or None,
        queryset=Action.objects.none(),
        prefix="actions",
        form_kwargs={
            "held_on": timezone.localtime(held_at).date() if held_at else None,
            "people": meeting_queries.addable(child),
        },
    )
    # The actions are checked even when the meeting is not, so every problem shows at once.
    valid = actions.is_valid() and valid
    if request.method == "POST" and valid:
        try:
            record_meeting(form.save(commit=False), actions.save(commit=False), by=me(request))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"The {meeting.get_kind_display().lower()} has been recorded.")
            return redirect("meeting", pk=meeting.pk)
    errors: list[dict[str, str]] = []
    if form.is_bound:
        _summary(form, errors)
        errors.extend({"href": "", "text": str(e)} for e in actions.non_form_errors())
        for row in actions:
            _summary(row, errors)
    back = f"/episodes/{initial['episode']}/" if "episode" in initial else f"/children/{pk}/"
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "actions": actions,
            "errors": errors,
            "title": "Record a meeting",
            "caption": child.name,
            "back": back,
        },
        status=400 if errors else 200,
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = permitted(
        request,
        Meeting.objects.select_related("child", "episode", "recorded_by"),
        pk,
        "meetings.view_meeting",
    )
    record_view(request, meeting)
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "child": meeting.child,
            "actions": meeting.actions.select_related("assignee"),
            "today": timezone.localdate(),
        },
    )


def _errors(form: forms.BaseForm, actions: Any = None) -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []
    if form.is_bound:
        _summary(form, errors)
        if actions is not None:
            errors.extend({"href": "", "text": str(e)} for e in actions.non_form_errors())
            for row in actions:
                _summary(row, errors)
    return errors


def _outside(text: str) -> list[Invitee]:
    rows = []
    for line in text.splitlines():
        name, _, role = line.strip().partition(",")
        if name.strip():
            rows.append(Invitee(name=name.strip(), role=role.strip(), why="Added: an outside contact"))
    return rows


@login_required
def arrange(request: HttpRequest, pk: int) -> HttpResponse:
    """Arrange a meeting (from the duty that asks for it, ``?obligation=``): when, where, and the
    people the child's protocol names for it, resolved to people for this child, plus anyone added."""
    child = child_for(request, pk, "meetings.add_meeting")
    wanted = request.GET.get("obligation", "")
    duty = (
        Obligation.objects.filter(child=child, pk=int(wanted), outcome="").first()
        if wanted.isdigit()
        else None
    )
    if duty is not None:
        # Already arranged and still to be held: that meeting, not a second one.
        pending = duty.arrangements.filter(meeting__isnull=True, not_held_at__isnull=True).first()
        if pending is not None:
            messages.info(request, "This meeting is already arranged.")
            return redirect("arrangement", pk=pending.pk)
    kind = meeting_queries.meeting_kind_for(duty.kind) if duty is not None else None
    if duty is not None and kind is None:
        duty = None
    if kind is None:
        asked = request.POST.get("kind") or request.GET.get("kind", "")
        kind = asked if asked in dict(ArrangeForm.base_fields["kind"].choices) else "strategy"  # type: ignore[attr-defined]
    level = duty.level if duty is not None else None
    spec, proposed = meeting_queries.proposed(child, kind, level)
    by_pk = {str(p.person.pk): p for p in proposed if p.person is not None}
    choices = [
        (
            key,
            f"{p.person.get_full_name() or p.person.username}: {p.label}{' (first of the role here)' if p.by_default else ''}",
        )
        for key, p in by_pk.items()
        if p.person is not None
    ]
    people = meeting_queries.addable(child).exclude(pk__in=[int(k) for k in by_pk])
    initial: dict[str, Any] = {"kind": kind, "level": level, "invite": list(by_pk)}
    form = ArrangeForm(request.POST or None, initial=initial, proposed=choices, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        invitees = [
            Invitee(
                name=by_pk[key].person.get_full_name() or by_pk[key].person.username,  # type: ignore[union-attr]
                role=f"{by_pk[key].label}, {by_pk[key].person.organisation}",  # type: ignore[union-attr]
                why=by_pk[key].why,
                person=by_pk[key].person,
            )
            for key in data["invite"]
        ]
        invitees += [
            Invitee(
                name=person.get_full_name() or person.username,
                role=f"{person.get_role_display()}, {person.organisation}",
                why="Added by whoever arranged it",
                person=person,
            )
            for person in data["also"]
        ]
        invitees += _outside(data["outside"])
        arrangement = Arrangement(
            child=child,
            episode_id=duty.episode_id if duty is not None else None,
            obligation=duty,
            kind=data["kind"],
            level=data["level"] if data["level"] is not None else level,
            starts_at=data["starts_at"],
            place=data["place"],
            call_details=data["call_details"],
            chair=data["chair"],
        )
        try:
            arrange_meeting(arrangement, invitees, by=me(request))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            told = sum(1 for i in invitees if i.person is not None and i.person != me(request))
            messages.success(
                request,
                f"The {arrangement.get_kind_display().lower()} has been arranged; "
                f"{told} {'person has' if told == 1 else 'people have'} been told.",
            )
            return redirect("arrangement", pk=arrangement.pk)
    back = f"/episodes/{duty.episode_id}/" if duty is not None and duty.episode_id else f"/children/{pk}/"
    return render(
        request,
        "meetings/arrange.html",
        {
            "form": form,
            "errors": _errors(form),
            "title": f"Arrange a {dict(ArrangeForm.base_fields['kind'].choices)[kind].lower()}",  # type: ignore[attr-defined]
            "caption": child.name,
            "back": back,
            "duty": duty,
            "spec": spec,
            "proposed": proposed,
        },
        status=400 if form.errors else 200,
    )


def _arrangement(request: HttpRequest, pk: int, perm: str) -> Arrangement:
    return permitted(
        request,
        Arrangement.objects.select_related(
            "child", "child__responsible_authority", "episode", "obligation", "meeting"
        ),
        pk,
        perm,
    )


@login_required
def arrangement(request: HttpRequest, pk: int) -> HttpResponse:
    """An arranged meeting: when, where, who is invited; to its readers, the agenda from the record."""
    arranged = _arrangement(request, pk, "meetings.view_arrangement")
    record_view(request, arranged)
    user = me(request)
    agenda = (
        meeting_queries.agenda(arranged.child, now=timezone.now(), before=arranged.meeting)
        if user.has_perm("meetings.view_agenda", arranged)
        else None
    )
    return render(
        request,
        "meetings/arrangement.html",
        {
            "arranged": arranged,
            "child": arranged.child,
            "invitations": arranged.invitations.select_related("person"),
            "agenda": agenda,
            "spec": spec_for(arranged.child, arranged.kind),
            "can_hold": arranged.open and user.has_perm("meetings.add_meeting", arranged.child),
            "today": timezone.localdate(),
        },
    )


@login_required
def hold(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the arranged meeting as held: attendance, decisions, actions (closing its duty)."""
    arranged = _arrangement(request, pk, "meetings.add_meeting")
    if not arranged.open:
        messages.error(request, "This meeting has already been recorded or called off.")
        return redirect("arrangement", pk=arranged.pk)
    child = arranged.child
    spec = spec_for(child, arranged.kind)
    invitations = list(arranged.invitations.select_related("person"))
    meeting = Meeting(child=child, episode_id=arranged.episode_id, kind=arranged.kind, level=arranged.level)
    form = HoldForm(
        request.POST or None,
        instance=meeting,
        initial={"held_at": now_local(), "chair": arranged.chair},
        invitations=invitations,
        family_told_required=bool(spec and spec.family_told_required),
    )
    valid = form.is_valid()
    held_at = form.cleaned_data.get("held_at") if form.is_bound else None
    actions = ActionFormSet(
        request.POST or None,
        queryset=Action.objects.none(),
        prefix="actions",
        form_kwargs={
            "held_on": timezone.localtime(held_at).date() if held_at else None,
            "people": meeting_queries.addable(child),
        },
    )
    valid = actions.is_valid() and valid
    if request.method == "POST" and valid:
        try:
            hold_meeting(
                arranged,
                form.save(commit=False),
                form.attendance(),
                actions.save(commit=False),
                by=me(request),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"The {meeting.get_kind_display().lower()} has been recorded.")
            return redirect("meeting", pk=meeting.pk)
    errors = _errors(form, actions)
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "actions": actions,
            "errors": errors,
            "title": f"Record the {arranged.get_kind_display().lower()}",
            "caption": child.name,
            "back": f"/meetings/arranged/{arranged.pk}/",
            "spec": spec,
        },
        status=400 if errors else 200,
    )


@login_required
def not_held(request: HttpRequest, pk: int) -> HttpResponse:
    """Decide not to hold an arranged meeting, with the rationale (Wakefield s.8)."""
    arranged = _arrangement(request, pk, "meetings.add_meeting")
    if not arranged.open:
        messages.error(request, "This meeting has already been recorded or called off.")
        return redirect("arrangement", pk=arranged.pk)
    form = NotHeldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decide_not_to_hold(arranged, form.cleaned_data["reason"], by=me(request))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "The decision not to hold the meeting, and why, has been recorded.")
            return redirect("arrangement", pk=arranged.pk)
    return form_page(
        request,
        form,
        "Decide not to hold the meeting",
        caption=arranged.child.name,
        back=f"/meetings/arranged/{arranged.pk}/",
        submit="Record the decision",
    )


@login_required
def action(request: HttpRequest, pk: int) -> HttpResponse:
    """A meeting's action: for whoever holds the case and the person it was given to, to mark done."""
    item = permitted(
        request,
        Action.objects.select_related("meeting", "meeting__child", "assignee", "closed_by"),
        pk,
        "meetings.change_action",
    )
    record_view(request, item)
    form = CloseActionForm(request.POST or None) if item.state == "open" else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            close_action(
                item, state=form.cleaned_data["state"], note=form.cleaned_data["closing_note"], by=me(request)
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "The action has been closed.")
            return redirect("action", pk=item.pk)
    return render(
        request,
        "meetings/action.html",
        {
            "item": item,
            "child": item.meeting.child,
            "form": form,
            "may_see_meeting": me(request).has_perm("meetings.view_meeting", item.meeting),
            "today": timezone.localdate(),
        },
        status=400 if form is not None and form.errors else 200,
    )
