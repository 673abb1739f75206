"""Uploaded files, each sent only to the people who may see the record it belongs to.

No address serves MEDIA_ROOT (homeward.children.files): a child's photograph
is sent by ``child_photo`` alone, to whoever may open the child's page (the
same permission, so the same relationships and restriction), with the view on
the audit trail; and, as part of an episode's Philomena profile, by
``episode_photo`` to whoever may see that profile (the police force told of
the episode, or one the coordinator shared it with). Anyone else gets the 404
and the audit row a refused child's page gets.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse

from homeward.access.audit import recipient, record_view
from homeward.children.files import photo_kind
from homeward.children.models import Child
from homeward.web.views.common import child_for, episode_for, login_required, me


@login_required
def child_photo(request: HttpRequest, pk: int) -> HttpResponse:
    child = child_for(request, pk, "children.view_child")
    return send_photo(request, child, child, view="photo")


@login_required
def episode_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """The child's photograph as part of an episode's Philomena profile: to whoever may see the
    profile (the force told of the episode, one it was shared with), the disclosure on the trail
    with the recipient force."""
    episode = episode_for(request, pk, "episodes.view_profile")
    return send_photo(
        request, episode.child, episode, view="profile_photo", **recipient(me(request).organisation)
    )


def send_photo(request: HttpRequest, child: Child, audited: Model, **data: Any) -> HttpResponse:
    if not child.photo:
        raise Http404("No photograph.")
    try:
        # At most HOMEWARD_PHOTO_MAX_BYTES: read whole, so the file is closed before we answer.
        with child.photo.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise Http404("No photograph.") from None
    # Sent as what Pillow finds in the file, never as what its name says: a file stored before
    # the JPEG/PNG rule, or damaged since, goes as a download the browser will not render.
    kind = photo_kind(content)
    record_view(request, audited, **data)
    extension, content_type = kind or ("bin", "application/octet-stream")
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if kind else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="photo-{child.reference}.{extension}"'
    # A child's photograph must not stay in a shared computer's cache or a proxy's, nor be read
    # by the browser as anything but the image it is; opened on its own, nothing in it may run.
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
