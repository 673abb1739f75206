"""Children's photographs: served only through the child's own page's relationship check, never as
a public file; stored under random names; replaced photos leave the disk; only real JPEG and PNG
photographs are accepted (issue 21, "Photographs are public")."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import Resolver404, clear_url_caches, resolve
from django.utils import timezone
from PIL import Image

from homeward.access.audit import REFUSED, VIEWED
from homeward.accounts.models import AuditEntry, Organisation, OrganisationKind, Role, User
from homeward.casework.episodes import report_episode
from homeward.casework.restrictions import restrict_record
from homeward.children.models import Child, FindMePlan
from tests.factories import AuthorityFactory, ChildFactory, TeamFactory, UserFactory, signed_in

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def picture(fmt: str, colour: tuple[int, int, int] = (120, 80, 40)) -> bytes:
    out = BytesIO()
    Image.new("RGB", (40, 50), colour).save(out, format=fmt)
    return out.getvalue()


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def child_form(child: Child, **changes: Any) -> dict[str, Any]:
    data = {
        "first_name": child.first_name,
        "last_name": child.last_name,
        "date_of_birth": child.date_of_birth.isoformat(),
        "looked_after": "on",
        "open_to_services": "on",
        "team": child.team_id or "",
        "allocated_worker": child.allocated_worker_id or "",
    }
    data.update(changes)
    return data


def worker_and_child() -> tuple[User, Child]:
    team = TeamFactory()
    worker = UserFactory(role=Role.SOCIAL_WORKER, team=team)
    return worker, ChildFactory(
        team=team, allocated_worker=worker, first_name="Kayleigh", last_name="Pritchard"
    )


def upload(client: Client, child: Child, name: str, content: bytes, capture: Capture, **changes: Any) -> Any:
    # The old file goes when the change commits: run what the commit would run.
    with capture(execute=True):
        return client.post(
            f"/children/{child.pk}/edit/",
            child_form(child, photo=SimpleUploadedFile(name, content), **changes),
        )


@pytest.fixture
def with_photo(django_capture_on_commit_callbacks: Capture) -> tuple[User, Child]:
    worker, child = worker_and_child()
    response = upload(
        signed_in(worker), child, "kayleigh.jpg", picture("JPEG"), django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    child.refresh_from_db()
    return worker, child


@pytest.fixture
def development_urls() -> Iterator[None]:
    """The URL configuration as `make run` loads it: DEBUG on."""
    import homeward.urls

    try:
        with override_settings(DEBUG=True):
            importlib.reload(homeward.urls)
            clear_url_caches()
            yield
    finally:
        importlib.reload(homeward.urls)
        clear_url_caches()


def test_no_address_serves_uploaded_files_as_they_are_not_even_in_development(
    development_urls: None, with_photo: tuple[User, Child]
) -> None:
    _, child = with_photo
    for path in (f"/media/{child.photo.name}", "/media/photos/anything.jpg"):
        with pytest.raises(Resolver404):
            resolve(path)
    assert Client().get(f"/media/{child.photo.name}").status_code in (302, 404)


def test_a_stored_file_has_no_public_address_to_link_to(with_photo: tuple[User, Child]) -> None:
    _, child = with_photo
    with pytest.raises(ValueError, match="not served at a public address"):
        _ = child.photo.url


def test_the_childs_page_shows_the_photo_from_the_checked_address(with_photo: tuple[User, Child]) -> None:
    worker, child = with_photo
    page = signed_in(worker).get(f"/children/{child.pk}/").content.decode()
    assert f'src="/children/{child.pk}/photo/"' in page
    assert "/media/" not in page and child.photo.name not in page


def test_the_photo_is_sent_to_whoever_may_open_the_childs_page_and_recorded(
    with_photo: tuple[User, Child], media: Path
) -> None:
    worker, child = with_photo
    response = signed_in(worker).get(f"/children/{child.pk}/photo/")
    assert response.status_code == 200
    assert response.content == (media / child.photo.name).read_bytes()
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    row = AuditEntry.objects.filter(actor=worker, additional_data__outcome=VIEWED).latest("pk")
    assert (row.object_pk, row.additional_data["view"]) == (str(child.pk), "photo")


def test_no_one_else_gets_the_photo_and_each_attempt_is_recorded(with_photo: tuple[User, Child]) -> None:
    _, child = with_photo
    force = Organisation.objects.create(name="West Mercia Police", kind=OrganisationKind.POLICE_FORCE)
    child.responsible_authority.police_force = force
    child.responsible_authority.save()
    report_episode(
        child,
        category="missing",
        reported_at=timezone.now() - timedelta(hours=2),
        last_seen_at=None,
        police_informed=True,
        by=None,
    )
    others = [
        UserFactory(role=Role.SOCIAL_WORKER, team=TeamFactory()),  # another team
        UserFactory(
            role=Role.POLICE_LIAISON, organisation=force
        ),  # told of the episode, not the child's page
        UserFactory(
            role=Role.MISSING_COORDINATOR, organisation=AuthorityFactory(name="Powys County Council")
        ),
        UserFactory(role=Role.ANALYST),
        UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True),
    ]
    for person in others:
        response = signed_in(person).get(f"/children/{child.pk}/photo/")
        assert response.status_code == 404, person
        assert AuditEntry.objects.filter(actor=person, additional_data__outcome=REFUSED).count() == 1
    signed_out = Client().get(f"/children/{child.pk}/photo/")
    assert signed_out.status_code == 302 and signed_out["Location"].startswith("/sign-in/?next=")


def test_a_restricted_childs_photo_is_for_the_people_named_on_it_only(with_photo: tuple[User, Child]) -> None:
    worker, child = with_photo
    coordinator = UserFactory(role=Role.MISSING_COORDINATOR, organisation=child.responsible_authority)
    restrict_record(child, sealed=True, named=[], by=coordinator)
    assert signed_in(coordinator).get(f"/children/{child.pk}/photo/").status_code == 200
    assert signed_in(worker).get(f"/children/{child.pk}/photo/").status_code == 404


def test_a_child_without_a_photo_answers_404_to_those_who_may_see_them() -> None:
    worker, child = worker_and_child()
    assert signed_in(worker).get(f"/children/{child.pk}/photo/").status_code == 404


def test_an_uploaded_photo_is_stored_under_a_random_name(with_photo: tuple[User, Child], media: Path) -> None:
    _, child = with_photo
    assert re.fullmatch(r"photos/[0-9a-f]{32}\.jpg", child.photo.name), child.photo.name
    assert [p.relative_to(media).as_posix() for p in files_in(media)] == [child.photo.name]


def test_a_replaced_photo_is_deleted_and_so_is_a_removed_one(
    with_photo: tuple[User, Child], media: Path, django_capture_on_commit_callbacks: Capture
) -> None:
    worker, child = with_photo
    first = media / child.photo.name
    client = signed_in(worker)
    response = upload(client, child, "new.png", picture("PNG", (1, 2, 3)), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    child.refresh_from_db()
    assert not first.exists()
    assert files_in(media) == [media / child.photo.name] and child.photo.name.endswith(".png")
    with django_capture_on_commit_callbacks(execute=True):
        cleared = client.post(f"/children/{child.pk}/edit/", child_form(child, **{"photo-clear": "on"}))
    assert cleared.status_code == 302
    child.refresh_from_db()
    assert not child.photo and files_in(media) == []


def pdf_document() -> bytes:
    out = BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="PDF")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.pdf", pdf_document()),
        ("photo.eps", picture("EPS")),
        # A real photograph under a name that would be served as something else.
        ("photo.pdf", picture("PNG")),
        ("photo.eps", picture("JPEG")),
        ("photo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
        ("photo.jpg", picture("EPS")),
        ("photo.png", picture("GIF")),
    ],
)
def test_only_a_jpeg_or_png_photograph_is_accepted_and_the_refusal_names_the_photo(
    name: str, content: bytes, media: Path, django_capture_on_commit_callbacks: Capture
) -> None:
    worker, child = worker_and_child()
    response = upload(signed_in(worker), child, name, content, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_photo"' in page
    assert "The photo must be a JPEG or PNG image" in page
    child.refresh_from_db()
    assert not child.photo and files_in(media) == []


def test_a_damaged_jpeg_is_refused(media: Path, django_capture_on_commit_callbacks: Capture) -> None:
    worker, child = worker_and_child()
    cut = picture("JPEG")[:200]
    response = upload(signed_in(worker), child, "photo.jpg", cut, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert "The photo must be a JPEG or PNG image" in response.content.decode()
    assert files_in(media) == []


def test_the_change_form_links_the_stored_photo_through_the_checked_address(
    with_photo: tuple[User, Child],
) -> None:
    worker, child = with_photo
    page = signed_in(worker).get(f"/children/{child.pk}/edit/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="/children/{child.pk}/photo/"' in html and "Remove the photograph" in html
    assert child.photo.name not in html and "/media/" not in html


def test_the_find_me_plan_pdf_still_carries_the_photo_read_from_the_private_store(
    with_photo: tuple[User, Child],
) -> None:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    worker, child = with_photo
    FindMePlan.objects.create(child=child, likely_places="The bus station")
    response = signed_in(worker).get(f"/reports/children/{child.pk}/find-me-plan.pdf")
    assert response.status_code == 200
    page = pdfium.PdfDocument(response.content)[0]
    assert list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))
