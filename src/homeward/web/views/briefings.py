"""The daily missing briefing (Wakefield 002 s.4) and weekly oversight with the police (Greenwich 000)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from homeward.access.audit import record_view
from homeward.access.visible import briefing_items, visible_briefings
from homeward.accounts.models import Organisation, User
from homeward.casework.briefings import (
    Attending,
    finish_briefing,
    open_briefing_today,
    record_attendance,
    record_item,
    start_briefing,
)
from homeward.casework.briefings import correct_item as correct
from homeward.casework.meetings import Invitee
from homeward.meetings.models import Action, Briefing, BriefingAttendance, BriefingItem, MeetingKind
from homeward.queries import briefings as queries
from homeward.queries import meetings as meeting_queries
from homeward.web.forms import GovukForm
from homeward.web.forms.briefings import AttendanceForm, ItemForm, StartBriefingForm
from homeward.web.forms.meetings import ActionFormSet
from homeward.web.views.common import apply_errors, form_page, login_required, me, permitted, section_refused
from homeward.web.views.meetings import _errors, _outside

REFUSED = "Briefings are for the Missing Children Coordinator, managers and those at them."


def _invitee(person: User) -> Invitee:
    org = f", {person.organisation}" if person.organisation_id else ""
    return Invitee(
        name=person.get_full_name() or person.username,
        role=f"{person.get_role_display()}{org}",
        person=person,
    )


def _attending(form: AttendanceForm) -> list[Attending]:
    data = form.cleaned_data
    rows = [Attending(_invitee(p)) for p in data["present"]]
    rows += [Attending(i) for i in _outside(data["outside"])]
    rows += [Attending(_invitee(p), BriefingAttendance.APOLOGIES) for p in data["apologies"]]
    return rows


def _authority(user: User) -> Organisation:
    assert user.organisation is not None  # runs_briefings: a local authority's staff
    return user.organisation


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Past briefings and oversight meetings, newest first."""
    user = me(request)
    if not user.has_perm("meetings.list_briefings"):
        return section_refused(request, REFUSED)
    return render(
        request,
        "briefings/index.html",
        {
            "past": queries.past(visible_briefings(user)),
            "can_start": user.has_perm("meetings.add_briefing"),
        },
    )


@login_required
def new(request: HttpRequest) -> HttpResponse:
    """Start today's briefing from the board: who is at it; the agenda comes from the record."""
    user = me(request)
    if not user.has_perm("meetings.add_briefing"):
        return section_refused(request, REFUSED)
    authority = _authority(user)
    kind = request.GET.get("kind", MeetingKind.BRIEFING)
    if request.method == "GET" and kind in (MeetingKind.BRIEFING, MeetingKind.OVERSIGHT):
        started = open_briefing_today(authority, kind, timezone.now())
        if started is not None:
            messages.info(request, "Today's briefing has already started: this is it.")
            return redirect("briefing", pk=started.pk)
    people = queries.people_to_invite(authority)
    form = StartBriefingForm(
        request.POST or None,
        people=people,
        initial={"kind": kind, "chair": user.get_full_name(), "present": [user.pk]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            briefing = start_briefing(
                authority=authority,
                kind=form.cleaned_data["kind"],
                chair=form.cleaned_data["chair"],
                attending=_attending(form),
                by=user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"The {briefing.get_kind_display().lower()} has started.")
            return redirect("briefing", pk=briefing.pk)
    return render(
        request,
        "briefings/start.html",
        {"form": form, "errors": _errors(form), "title": "Start today's briefing"},
        status=400 if form.errors else 200,
    )


def _briefing(request: HttpRequest, pk: int, perm: str) -> Briefing:
    return permitted(request, Briefing.objects.select_related("authority", "started_by"), pk, perm)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The briefing: who is at it, and each child on the agenda this reader may see, with the
    actions still open from earlier briefings and what was agreed now. Printed, it is the record."""
    briefing = _briefing(request, pk, "meetings.view_briefing")
    record_view(request, briefing)
    user = me(request)
    rows = queries.items(briefing, briefing_items(user, briefing))
    may_record = {row.item.pk for row in rows if user.has_perm("meetings.change_briefingitem", row.item)}
    today = timezone.localdate()
    every_action = [a for row in rows for a in (*row.carried, *row.actions)]
    attendees = list(briefing.attendees.select_related("person"))
    return render(
        request,
        "briefings/detail.html",
        {
            "briefing": briefing,
            "present": [a for a in attendees if a.attendance == BriefingAttendance.PRESENT],
            "apologies": [a for a in attendees if a.attendance == BriefingAttendance.APOLOGIES],
            "rows": rows,
            "may_record": may_record,
            "may_change": briefing.finished_at is None
            and user.has_perm("meetings.change_briefing", briefing),
            "overdue": queries.overdue(every_action, today),
        },
    )


@login_required
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Change who is at the briefing (someone joined, someone sent apologies)."""
    briefing = _briefing(request, pk, "meetings.change_briefing")
    rows = list(briefing.attendees.all())
    form = AttendanceForm(
        request.POST or None,
        people=queries.people_to_invite(briefing.authority),
        initial={
            "present": [
                a.person_id for a in rows if a.person_id and a.attendance == BriefingAttendance.PRESENT
            ],
            "apologies": [
                a.person_id for a in rows if a.person_id and a.attendance == BriefingAttendance.APOLOGIES
            ],
            "outside": "\n".join(
                f"{a.name}, {a.role}" if a.role else a.name for a in rows if a.person_id is None
            ),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            record_attendance(briefing, _attending(form), by=me(request))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Who is at the briefing has been recorded.")
            return redirect("briefing", pk=briefing.pk)
    return form_page(
        request,
        form,
        "Who is at the briefing",
        caption=str(briefing),
        back=f"/briefings/{briefing.pk}/",
        submit="Save who is at the briefing",
    )


@login_required
def item(request: HttpRequest, pk: int) -> HttpResponse:
    """Record what was agreed for one child, who agreed it, and the actions (owner, due date)."""
    found = permitted(
        request,
        BriefingItem.objects.select_related(
            "briefing", "child", "child__responsible_authority", "episode", "meeting"
        ),
        pk,
        "meetings.change_briefingitem",
    )
    back = f"/briefings/{found.briefing_id}/#child-{found.child_id}"
    if found.meeting_id is not None or found.briefing.finished_at is not None:
        messages.error(request, "What was agreed for this child at this briefing is already recorded.")
        return redirect(back)
    form = ItemForm(request.POST or None)
    valid = form.is_valid()
    actions = ActionFormSet(
        request.POST or None,
        queryset=Action.objects.none(),
        prefix="actions",
        form_kwargs={"held_on": timezone.localdate(), "people": meeting_queries.addable(found.child)},
    )
    valid = actions.is_valid() and valid
    if request.method == "POST" and valid:
        try:
            record_item(
                found,
                agreed=form.cleaned_data["decisions"],
                agreed_by=form.cleaned_data["agreed_by"],
                actions=actions.save(commit=False),
                by=me(request),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"What was agreed for {found.child.name} has been recorded.")
            return redirect(back)
    errors = _errors(form, actions)
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "actions": actions,
            "errors": errors,
            "title": f"What was agreed for {found.child.name}",
            "caption": str(found.briefing),
            "back": back,
            "submit": "Save what was agreed",
        },
        status=400 if errors else 200,
    )


@login_required
def correct_item(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct what was agreed for one child, or who agreed it: whoever may record it (the
    briefing's coordinator or manager holding the child's case), the old wording kept on the trail."""
    found = permitted(
        request,
        BriefingItem.objects.select_related("briefing", "child", "meeting"),
        pk,
        "meetings.change_briefingitem",
    )
    back = f"/briefings/{found.briefing_id}/#child-{found.child_id}"
    if found.meeting is None:
        messages.error(request, "Nothing is recorded for this child yet: record what was agreed first.")
        return redirect(back)
    initial = {"decisions": found.meeting.decisions, "agreed_by": found.agreed_by}
    form = ItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            correct(
                found,
                agreed=form.cleaned_data["decisions"],
                agreed_by=form.cleaned_data["agreed_by"],
                by=me(request),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"What was agreed for {found.child.name} has been corrected.")
            return redirect(back)
    return form_page(
        request,
        form,
        f"Correct what was agreed for {found.child.name}",
        caption=str(found.briefing),
        intro="The wording recorded now is kept on the child's audit trail, with who corrected it and when. "
        "The actions agreed are changed on each action's own page.",
        back=back,
        submit="Save the correction",
    )


@login_required
def finish(request: HttpRequest, pk: int) -> HttpResponse:
    """Finish the briefing: its record is closed; tomorrow's starts from its open actions."""
    briefing = _briefing(request, pk, "meetings.change_briefing")
    if briefing.finished_at is not None:
        messages.error(request, "This briefing has already finished.")
        return redirect("briefing", pk=briefing.pk)
    form = GovukForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            finish_briefing(briefing, by=me(request))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "The briefing has finished; its open actions carry to the next one.")
            return redirect("briefing", pk=briefing.pk)
    return form_page(
        request,
        form,
        "Finish the briefing",
        caption=str(briefing),
        back=f"/briefings/{briefing.pk}/",
        submit="Finish the briefing",
        intro="Nothing more can be added to it. Actions still open are listed at the next briefing.",
    )
