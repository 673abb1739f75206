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
from homeward.casework.sharing import confirm_last_seen_force, share_profile
from homeward.episodes.models import ProfileShare
from homeward.queries.profile import profile_of
from homeward.web.forms.children import LastSeenForceForm, ShareProfileForm
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


@login_required
def last_seen_force(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator confirms the force area the child was last seen in (a report's "Don't
    know"), or records a new sighting in another force's area, which shares the profile with it."""
    episode = episode_for(request, pk, "episodes.confirm_last_seen_force")
    told = episode.force_to_tell()
    form = LastSeenForceForm(
        request.POST or None, first=told, initial={"force": episode.last_seen_force_id or None}
    )
    if request.method == "POST" and form.is_valid():
        force = form.cleaned_data["force"]
        try:
            made = confirm_last_seen_force(
                episode, force=force, reason=form.cleaned_data["reason"], by=me(request)
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"The child was last seen in {force}'s area: the profile is shared with {made.force}."
                if made is not None
                else f"The child was last seen in {force}'s area.",
            )
            return redirect("episode", pk=episode.pk)
    if episode.last_seen_force_not_known:
        intro = (
            "The report said the police force area the child was last seen in was not known. "
            f"Homeward told {told or 'no force yet'}. Confirm the force, or choose the force where the "
            "child was seen: that force is shared the profile."
        )
    else:
        intro = (
            f"Last seen in: {episode.last_seen_force or 'not recorded'}. Told: {told or 'no force yet'}. "
            "If the child has been seen in another force's area, choose that force and say where and "
            "when: it is shared the profile (002 s.10)."
        )
    return form_page(
        request,
        form,
        "Where the child was last seen",
        caption=str(episode),
        back=f"/episodes/{pk}/",
        submit="Save",
        intro=intro,
    )
