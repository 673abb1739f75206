"""The child's Philomena profile on an episode: the printable sheet the police are given on a
report, and the coordinator's sharing of it with another force (002 s.10).

Every disclosure (the episode's page, this sheet, the photograph, the partner API) is on the
audit trail with the recipient force (``access.audit.recipient``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from homeward.access.audit import recipient, record_view
from homeward.casework.sharing import share_profile
from homeward.episodes.models import ProfileShare
from homeward.queries.profile import profile_of
from homeward.web.forms.children import ShareProfileForm
from homeward.web.views.common import apply_errors, episode_for, form_page, login_required, me


@login_required
def profile_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The profile and photograph on one printable sheet (Philomena Part 1 with the episode's Part 2)."""
    episode = episode_for(request, pk, "episodes.view_profile")
    record_view(request, episode, view="profile_sheet", **recipient(me(request).organisation))
    return render(
        request,
        "episodes/profile_sheet.html",
        {
            "episode": episode,
            "child": episode.child,
            "profile": profile_of(episode.child),
            "placement": episode.child.current_placement,
            "now": timezone.now(),
        },
    )


@login_required
def share(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator shares the profile with another force, saying why."""
    episode = episode_for(request, pk, "episodes.share_profile")
    told = episode.police_force if episode.police_informed else None
    form = ShareProfileForm(request.POST or None, told=told)
    if request.method == "POST" and form.is_valid():
        try:
            made = share_profile(
                episode,
                force=form.cleaned_data["force"],
                reason=form.cleaned_data["reason"],
                by=me(request),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"The profile is shared with {made.force}.")
            return redirect("episode", pk=episode.pk)
    shared = ProfileShare.objects.filter(episode=episode).select_related("force", "shared_by")
    return form_page(
        request,
        form,
        "Share the profile with another police force",
        caption=str(episode),
        back=f"/episodes/{pk}/",
        submit="Share the profile",
        intro="When the child was last seen, or is believed to be, in another force's area, that force "
        "needs the profile and photograph too (002 s.10). It will see the profile of this episode, "
        "not the rest of the record."
        + (
            " Already shared with: "
            + "; ".join(f"{s.force} ({s.shared_at:%d %b %Y %H:%M})" for s in shared)
            + "."
            if shared
            else ""
        ),
    )
