"""Uploaded files (children's photographs): stored privately, named at random, removed when replaced.

Nothing uploaded has a public address. ``PrivateStorage`` keeps files under
``MEDIA_ROOT`` and refuses to give a URL, so no template can link straight to
a file: a photograph reaches a browser only through the child's photo page
(``homeward.web.views.files``), which checks the same relationship as the
child's page, records the view and tells caches not to keep it.

A file is named by a random UUID, never by what the uploader called it (a
child's name) or anything guessable. When a photograph is replaced or
removed, or the child's record deleted, the old file leaves the disk once the
change commits (a change rolled back keeps the file its row still names).
"""

from __future__ import annotations

import uuid
from io import BytesIO
from pathlib import PurePosixPath
from typing import Any

from django.core.files.storage import FileSystemStorage, default_storage
from django.db import transaction
from django.db.models.signals import post_delete, pre_save
from PIL import Image, UnidentifiedImageError

# What a stored photograph may be, by the format Pillow reads in it, and the type it is sent as.
PHOTO_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png")}
PHOTO_SUFFIXES = {".jpg": "jpg", ".jpeg": "jpg", ".png": "png"}


def photo_kind(content: bytes) -> tuple[str, str] | None:
    """(extension, content type) of a stored photograph, by what Pillow finds in it; None for a
    file that is not a JPEG or PNG (stored before the rule, or damaged since)."""
    try:
        with Image.open(BytesIO(content), formats=list(PHOTO_FORMATS)) as image:
            return PHOTO_FORMATS.get(image.format or "")
    except (UnidentifiedImageError, OSError):
        return None


class PrivateStorage(FileSystemStorage):
    """The file system under MEDIA_ROOT, with no public address for anything in it."""

    def url(self, name: str | None) -> str:
        raise ValueError(
            f"{name}: uploaded files are not served at a public address; "
            "link to the page that checks who may see them (e.g. the child's photo page)."
        )


def photo_path(instance: Any, filename: str) -> str:
    """Where a child's photograph is stored: ``photos/<random>.<jpg|png>``.

    Only the extension is kept from the uploaded name (the form names a photograph by the
    format Pillow found in it), so the stored name says nothing about the child."""
    suffix = PHOTO_SUFFIXES.get(PurePosixPath(filename).suffix.lower(), "img")
    return f"photos/{uuid.uuid4().hex}.{suffix}"


def delete_on_commit(name: str) -> None:
    """Remove a stored file once the transaction that stopped using it commits."""
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def forget_replaced_photo(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """Before a child is saved: if the photograph it names changes, delete the old file after commit."""
    if raw or instance.pk is None:
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and "photo" not in update_fields:
        return
    old = sender._default_manager.filter(pk=instance.pk).values_list("photo", flat=True).first() or ""
    if old and old != (instance.photo.name or ""):
        delete_on_commit(old)


def forget_deleted_photo(sender: Any, instance: Any, **kwargs: Any) -> None:
    delete_on_commit(instance.photo.name or "")


def connect(child_model: Any) -> None:
    """Called from the app's ``ready`` with the Child model (this module is imported by it)."""
    pre_save.connect(forget_replaced_photo, sender=child_model, dispatch_uid="children.forget_replaced_photo")
    post_delete.connect(
        forget_deleted_photo, sender=child_model, dispatch_uid="children.forget_deleted_photo"
    )
