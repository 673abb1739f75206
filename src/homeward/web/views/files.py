"""Uploaded files, each sent only to the people who may see the record it belongs to.

No address serves MEDIA_ROOT (homeward.children.files): a child's photograph
is sent by ``child_photo`` alone, to whoever may open the child's page (the
same permission, so the same relationships and restriction), with the view on
the audit trail. Anyone else gets the 404 and the audit row a refused child's
page gets.
"""

from __future__ import annotations

from io import BytesIO

from django.http import Http404, HttpRequest, HttpResponse
from PIL import Image, UnidentifiedImageError

from homeward.access.audit import record_view
from homeward.children.files import PHOTO_FORMATS
from homeward.web.views.common import child_for, login_required


@login_required
def child_photo(request: HttpRequest, pk: int) -> HttpResponse:
    child = child_for(request, pk, "children.view_child")
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
    try:
        with Image.open(BytesIO(content), formats=list(PHOTO_FORMATS)) as image:
            kind = PHOTO_FORMATS.get(image.format or "")
    except (UnidentifiedImageError, OSError):
        kind = None
    record_view(request, child, view="photo")
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
