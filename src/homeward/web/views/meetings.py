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
from homeward.casework.meetings import record_meeting
from homeward.meetings.models import Action, Meeting
from homeward.web.forms import now_local
from homeward.web.forms.meetings import ActionFormSet, MeetingForm
from homeward.web.views.common import apply_errors, child_for, login_required, me, permitted


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
        form_kwargs={"held_on": timezone.localtime(held_at).date() if held_at else None},
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
        {"meeting": meeting, "child": meeting.child, "actions": meeting.actions.all()},
    )
