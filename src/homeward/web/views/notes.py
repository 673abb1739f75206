"""Case notes: adding one to an episode's chronology (shown on the episode and child pages)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from homeward.casework.notes import add_note, meetable
from homeward.web.forms import now_local
from homeward.web.forms.notes import NoteForm
from homeward.web.views.common import apply_errors, episode_for, form_page, login_required, me


@login_required
def new(request: HttpRequest, pk: int) -> HttpResponse:
    episode = episode_for(request, pk, "notes.add_note")
    user = me(request)
    # Only the duties this person may close are offered (the same permission as closing one).
    duties = [o for o in meetable(episode) if user.has_perm("obligations.close_obligation", o)]
    form = NoteForm(request.POST or None, duties=duties, initial={"at": now_local(), "meets": ""})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            note = add_note(
                episode, kind=data["kind"], at=data["at"], text=data["text"], meets=data.get("meets"), by=user
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            done = f" It meets: {note.meets.title}." if note.meets else ""
            messages.success(request, f"The case note has been added.{done}")
            return redirect(f"/episodes/{pk}/#note-{note.pk}")
    return form_page(
        request,
        form,
        "Add a case note",
        caption=f"{episode.child.name}, {episode.reference}",
        back=f"/episodes/{pk}/",
        submit="Add note",
        intro="Record what you did and learnt: searches, calls, updates from the carer or police, "
        "contact with the family or the child, sightings.",
    )
