"""Duty records: the safe and well check, the return plan, a senior notification ... on an episode.

Each closes the duty it meets (``casework.records``); "Record outcome" on such a duty opens
its record's form with that duty offered.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from homeward.access.audit import record_view
from homeward.casework.records import add_record, meetable
from homeward.episodes.models import Episode
from homeward.records.kinds import KINDS
from homeward.records.models import DutyRecord
from homeward.web.forms import now_local
from homeward.web.forms.records import DutyRecordForm
from homeward.web.views.common import apply_errors, login_required, me, permitted, refuse


def _in_a_sentence(label: str) -> str:
    """A kind's label inside a sentence: "the safe and well check", but "the IRO review"."""
    first = label.split()[0]
    return label if first.isupper() and len(first) > 1 else label[:1].lower() + label[1:]


@login_required
def new(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    user = me(request)
    episode = Episode.objects.select_related("child", "child__responsible_authority").filter(pk=pk).first()
    definition = KINDS.get(kind)
    duties = (
        [o for o in meetable(episode, kind) if user.has_perm("obligations.close_obligation", o)]
        if episode is not None and definition is not None
        else []
    )
    # Whoever works on the episode records these; whoever may close a duty records its record.
    # A kind recorded only against its duty (the IRO's review) is for whoever may close that duty.
    if episode is None or definition is None:
        raise refuse(request, Episode, pk, "records.add_dutyrecord")
    if not duties and (definition.needs_duty or not user.has_perm("records.add_dutyrecord", episode)):
        raise refuse(request, Episode, pk, "records.add_dutyrecord")
    asked_for = request.GET.get("duty", "")
    initial: dict[str, str] = {"at": now_local()}
    if asked_for.isdigit() and int(asked_for) in {o.pk for o in duties}:
        initial["meets"] = asked_for
    form = DutyRecordForm(request.POST or None, kind=definition, duties=duties, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record = add_record(
                episode,
                kind=kind,
                at=form.cleaned_data["at"],
                answers=form.answers(),
                meets=form.meets(),
                by=user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            done = f" It meets: {record.meets.title}." if record.meets else ""
            messages.success(request, f"The {_in_a_sentence(definition.label)} has been recorded.{done}")
            return redirect(f"/records/{record.pk}/")
    status = 400 if form.is_bound and form.errors else 200
    context = {
        "form": form,
        "title": f"Record the {_in_a_sentence(definition.label)}",
        "caption": f"{episode.child.name}, {episode.reference}",
        "back": f"/episodes/{pk}/",
        "submit": "Save the record",
        "intro": f"{definition.intro} ({definition.cites})",
        # Opened from a duty's "Record outcome": the way to record it as not done instead.
        "duty": int(initial["meets"]) if "meets" in initial else None,
    }
    return render(request, "records/form.html", context, status=status)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    # A record opens with its episode: whoever may open the episode may read it.
    record = permitted(
        request,
        DutyRecord.objects.select_related("episode", "child", "recorded_by", "meets"),
        pk,
        "episodes.view_episode",
    )
    if record.kind not in KINDS:
        raise Http404("No such record.")
    record_view(request, record)
    return render(
        request,
        "records/detail.html",
        {"record": record, "episode": record.episode, "child": record.child, "rows": record.rows()},
    )
