"""Bad input is refused with a message naming the field, and nothing is half-saved:
wrong types, photos too big or not photos at all, over-long text, ids too long for any
record, dates out of any range or before the child was born, times the clocks skipped or
repeated; and whatever HTML or script someone types comes back on the page as text."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import timedelta
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from PIL import Image

from homeward.access.audit import REFUSED
from homeward.accounts.models import AuditEntry, Role
from homeward.casework.episodes import report_episode, update_answers
from homeward.casework.placements import record_director_review
from homeward.children.models import Child, FindMePlan, Placement, PlacementRiskAssessment
from homeward.episodes.models import Episode, Event
from homeward.web.forms import TEXT_LIMIT
from homeward.web.forms.children import NOT_A_PHOTO
from tests.factories import ChildFactory, EstablishmentFactory, TeamFactory, UserFactory, signed_in

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def child_form(child: Child, **changes: Any) -> dict[str, Any]:
    data = {
        "first_name": child.first_name,
        "last_name": child.last_name,
        "date_of_birth": child.date_of_birth.isoformat(),
        "looked_after": "on",
        "open_to_services": "on",
        "team": child.team_id or "",
        "allocated_worker": child.allocated_worker_id or "",
        # The version the page was read at (every edit page carries it: casework.versions).
        "version": Child.objects.get(pk=child.pk).version,
    }
    data.update(changes)
    return data


def image(fmt: str, size: tuple[int, int] = (40, 50), noise: bool = False) -> bytes:
    picture = (
        Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
        if noise
        else Image.new("RGB", size, (120, 80, 40))
    )
    out = BytesIO()
    picture.save(out, format=fmt)
    return out.getvalue()


def files_in(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def unchanged(child: Child) -> None:
    before = {f.name: getattr(child, f.attname) for f in Child._meta.concrete_fields}
    child.refresh_from_db()
    after = {f.name: getattr(child, f.attname) for f in Child._meta.concrete_fields}
    assert after == before
    assert not AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Child),
        action=AuditEntry.Action.UPDATE,
        object_pk=str(child.pk),
    ).exists()


def setup_worker() -> tuple[Any, Child]:
    team = TeamFactory()
    worker = UserFactory(role=Role.SOCIAL_WORKER, team=team)
    return worker, ChildFactory(team=team, allocated_worker=worker)


def test_wrong_types_are_refused_field_by_field_and_nothing_is_saved() -> None:
    worker, child = setup_worker()
    response = signed_in(worker).post(
        f"/children/{child.pk}/edit/",
        child_form(
            child,
            date_of_birth="last Tuesday",
            team="not-a-number",
            allocated_worker=UserFactory(role=Role.SOCIAL_WORKER, organisation=None).pk,
            legal_status="Z9",
            flags=["not_a_flag"],
            school="Whitecross",
        ),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_date_of_birth"' in page and "Enter a date, like 21/03/2026." in page
    assert 'href="#id_team"' in page and 'href="#id_allocated_worker"' in page
    assert 'href="#id_legal_status"' in page and "not_a_flag is not one of the available choices" in page
    unchanged(child)


def test_a_report_with_an_impossible_time_records_no_episode() -> None:
    worker, child = setup_worker()
    response = signed_in(worker).post(
        f"/children/{child.pk}/report/",
        {
            "category": "lost",
            "reported_at": "31/02/2026 25:00",
            "last_seen_at": "soon",
            "police_informed": "maybe",
            "last_seen_force": "not_known",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    for field in ("category", "reported_at", "last_seen_at", "police_informed"):
        assert f'href="#id_{field}' in page, field
    assert not Episode.objects.exists()
    assert child.events.count() == 0


def test_a_photo_over_5_mb_is_refused_and_not_stored(media: Path) -> None:
    worker, child = setup_worker()
    big = image("PNG", size=(1500, 1200), noise=True)
    assert len(big) > 5 * 1024 * 1024
    response = signed_in(worker).post(
        f"/children/{child.pk}/edit/",
        child_form(child, photo=SimpleUploadedFile("child.png", big, content_type="image/png")),
    )
    assert response.status_code == 400
    assert "The photo must be smaller than 5 MB." in response.content.decode()
    unchanged(child)
    assert files_in(media) == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.png", b"MZ\x90\x00 this is not an image at all", NOT_A_PHOTO),
        (
            "photo.jpg",
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            NOT_A_PHOTO,
        ),
        ("photo.gif", image("GIF"), NOT_A_PHOTO),
        ("photo.exe", image("PNG"), NOT_A_PHOTO),
    ],
)
def test_a_file_that_is_not_a_jpeg_or_png_photo_is_refused(
    media: Path, name: str, content: bytes, message: str
) -> None:
    worker, child = setup_worker()
    response = signed_in(worker).post(
        f"/children/{child.pk}/edit/", child_form(child, photo=SimpleUploadedFile(name, content))
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'href="#id_photo"' in response.content.decode()
    unchanged(child)
    assert files_in(media) == []


def test_a_real_photo_is_accepted(media: Path) -> None:
    worker, child = setup_worker()
    response = signed_in(worker).post(
        f"/children/{child.pk}/edit/",
        child_form(child, photo=SimpleUploadedFile("photo.jpg", image("JPEG"), content_type="image/jpeg")),
    )
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.photo.name.startswith("photos/")
    assert len(files_in(media)) == 1


def test_over_long_fields_are_refused_and_nothing_is_saved() -> None:
    worker, child = setup_worker()
    client = signed_in(worker)
    too_long_name = client.post(f"/children/{child.pk}/edit/", child_form(child, first_name="A" * 101))
    assert too_long_name.status_code == 400
    assert "Ensure this value has at most 100 characters (it has 101)." in too_long_name.content.decode()
    unchanged(child)
    essay = client.post(
        f"/children/{child.pk}/find-me-plan/", {"likely_places": "x" * (TEXT_LIMIT + 1), "version": 0}
    )
    assert essay.status_code == 400
    assert f"Ensure this value has at most {TEXT_LIMIT:,} characters".replace(
        ",", ""
    ) in essay.content.decode().replace(",", "")
    assert not FindMePlan.objects.exists()


def test_html_and_script_typed_into_free_text_come_back_as_text() -> None:
    worker, child = setup_worker()
    client = signed_in(worker)
    saved = client.post(
        f"/children/{child.pk}/edit/", child_form(child, known_as=SCRIPT[:100], school=SCRIPT[:200])
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    plan = client.post(
        f"/children/{child.pk}/find-me-plan/",
        {"likely_places": SCRIPT, "return_to": SCRIPT, "reason": SCRIPT, "version": 0},
    )
    assert plan.status_code == 302
    now = timezone.now()
    report = client.post(
        f"/children/{child.pk}/report/",
        {
            "category": "missing",
            "reported_at": timezone.localtime(now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "last_seen_at": timezone.localtime(now - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "police_informed": "true",
            "last_seen_force": "not_known",
            "wearing": SCRIPT,
            "last_seen_where": SCRIPT,
        },
    )
    assert report.status_code == 302
    episode = Episode.objects.get(child=child)
    for url in [f"/children/{child.pk}/", f"/episodes/{episode.pk}/", "/children/", "/"]:
        page = client.get(url).content.decode()
        assert "<script>alert" not in page, url
        assert "<img src=x" not in page, url
        assert "&lt;script&gt;alert(" in page, url


# --- ids, dates and times no record can have ------------------------------------------------


def routes(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[str]:
    """Every page route (not the API's, not the admin's) as text, e.g. ``children/<int:pk>/``."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if not route.startswith(("api/", "admin/")):
                yield from routes(pattern.url_patterns, route)
        elif "<" in route:
            yield route


PAGE_ROUTES = sorted(set(routes(get_resolver().url_patterns)))


def test_every_page_route_with_an_id_is_walked() -> None:
    assert len(PAGE_ROUTES) >= 25 and "children/<int:pk>/" in PAGE_ROUTES


@pytest.mark.parametrize("digits", [19, 20, 40])
def test_ids_too_long_for_any_record_are_404_on_every_page_and_the_attempt_is_audited(digits: int) -> None:
    team = TeamFactory()
    client = signed_in(UserFactory(role=Role.MISSING_COORDINATOR, organisation=team.organisation, team=team))
    huge = "9" * digits
    for route in PAGE_ROUTES:
        path = "/" + re.sub(r"<[^>]+>", huge, route)
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code == 404, (method.__name__, path, response.status_code)
    refused = AuditEntry.objects.filter(object_pk=huge, additional_data__outcome=REFUSED)
    assert refused.filter(additional_data__path=f"/children/{huge}/").exists()


def test_ids_too_long_for_any_record_are_404_in_the_admin() -> None:
    admin = UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client = signed_in(admin)
    huge = "9" * 25
    for path in (f"/admin/children/child/{huge}/change/", f"/admin/accounts/user/{huge}/change/"):
        response = client.get(path)
        assert response.status_code in (302, 404), path  # the admin sends a missing record to its list
        if response.status_code == 302:
            assert "/admin/" in response["Location"]


@pytest.mark.parametrize(
    ("query", "field", "label"),
    [
        ({"start": "0001-01-01", "end": "0001-01-01"}, "start", "From"),
        ({"start": "2025-01-01", "end": "9999-12-31"}, "end", "To"),
        ({"start": "9999-01-01", "end": "9999-12-31"}, "start", "From"),
    ],
)
def test_an_oversight_report_for_year_1_or_9999_is_refused_naming_the_field(
    query: dict[str, str], field: str, label: str
) -> None:
    worker, _ = setup_worker()
    response = signed_in(worker).get("/reports/oversight/", {**query, "scope": "all"})
    assert response.status_code == 400
    page = response.content.decode()
    assert f'href="#id_{field}"' in page and f"{label}: enter a year from 1900 to 2100." in page


@pytest.mark.parametrize(("start", "end"), [("1900-01-01", "1900-12-31"), ("2100-01-01", "2100-12-31")])
def test_an_oversight_report_at_either_end_of_the_years_is_shown(start: str, end: str) -> None:
    worker, _ = setup_worker()
    response = signed_in(worker).get("/reports/oversight/", {"start": start, "end": end, "scope": "all"})
    assert response.status_code == 200
    assert "Missing episodes that began in the period" in response.content.decode()


def test_an_annex_a_census_in_year_1_is_refused_on_the_page_and_by_the_command(tmp_path: Path) -> None:
    worker, _ = setup_worker()
    response = signed_in(worker).get("/reports/annex-a/", {"date": "0001-01-01"})
    assert response.status_code == 400
    assert 'href="#id_date"' in response.content.decode()
    assert "Census date: enter a year from 1900 to 2100." in response.content.decode()
    with pytest.raises(CommandError, match=r"^--date: 0001-01-01 is before the records this system keeps"):
        call_command("annex_a", "--date", "0001-01-01", "--out", str(tmp_path / "a.csv"), stdout=StringIO())
    assert not (tmp_path / "a.csv").exists()


@pytest.mark.parametrize("when", ["0001-01-01T10:00", "9999-12-31T23:59"])
def test_a_report_in_year_1_or_9999_is_refused_naming_the_field(when: str) -> None:
    worker, child = setup_worker()
    response = signed_in(worker).post(
        f"/children/{child.pk}/report/",
        {
            "category": "missing",
            "reported_at": when,
            "last_seen_at": when,
            "police_informed": "false",
            "last_seen_force": "not_known",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_reported_at"' in page
    assert "When was this reported: enter a year from 1900 to 2100." in page
    assert not Episode.objects.exists()


@pytest.mark.parametrize(
    ("when", "words"),
    [
        ("2025-03-30T01:30", "01:30 on 30 March 2025 did not happen in UK time"),
        ("2025-10-26T01:30", "01:30 on 26 October 2025 happened twice in UK time"),
    ],
)
def test_a_time_the_clocks_skipped_or_repeated_is_refused_naming_the_field(when: str, words: str) -> None:
    worker, child = setup_worker()
    response = signed_in(worker).post(
        f"/children/{child.pk}/report/",
        {
            "category": "missing",
            "reported_at": when,
            "last_seen_at": "2025-03-29T20:00",
            "police_informed": "false",
            "last_seen_force": "not_known",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_reported_at"' in page and f"When was this reported: {words}" in page
    assert not Episode.objects.exists()


def test_a_placement_before_the_childs_birth_is_refused_and_nothing_is_stored() -> None:
    worker, child = setup_worker()
    born = child.date_of_birth
    response = signed_in(worker).post(
        f"/children/{child.pk}/placement/",
        {"establishment": EstablishmentFactory().pk, "at": f"{born.year - 1}-06-01T10:00"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_at"' in page and "This is before the child&#x27;s date of birth." in page
    assert not Placement.objects.exists() and not Event.objects.exists()


def test_a_risk_assessment_before_the_childs_birth_is_refused_and_nothing_is_stored() -> None:
    worker, child = setup_worker()
    born = child.date_of_birth
    response = signed_in(worker).post(
        f"/children/{child.pk}/risk-assessment/",
        {
            "completed_at": f"{born.year - 1}-06-01T10:00",
            "likelihood": "low",
            "risk_if_missing": "low",
            "cse_risk": "low",
            "risk_to_others": "low",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_completed_at"' in page and "This is before the child&#x27;s date of birth." in page
    assert not PlacementRiskAssessment.objects.exists()


def test_no_event_on_a_childs_timeline_can_be_before_their_birth() -> None:
    worker, child = setup_worker()
    born = timezone.make_aware(timezone.datetime(child.date_of_birth.year - 1, 6, 1, 10, 0))
    with pytest.raises(ValidationError) as refused:
        record_director_review(child, at=born, by=worker)
    assert refused.value.message_dict == {"at": ["This is before the child's date of birth."]}
    with pytest.raises(ValidationError) as refused:
        report_episode(
            child, category="missing", reported_at=born, last_seen_at=None, police_informed=False, by=worker
        )
    assert refused.value.message_dict == {"reported_at": ["This is before the child's date of birth."]}
    assert not Event.objects.exists()


def report_with(child: Child, **answers: str) -> dict[str, str]:
    now = timezone.now()
    return {
        "category": "missing",
        "reported_at": timezone.localtime(now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "last_seen_at": timezone.localtime(now - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "police_informed": "false",
        "last_seen_force": "not_known",
        **answers,
    }


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Dean\n" + "x" * 301, "Line 2 has 301 characters: keep each to 300 characters."),
        ("\n".join(f"Person {i}" for i in range(51)), "Give at most 50, one each (there are 51)."),
        ("y" * 2_000_000, "Line 1 has 2,000,000 characters"),
    ],
    ids=["one-too-long", "too-many", "two-megabytes"],
)
def test_people_and_places_are_limited_per_line_and_in_number(text: str, words: str) -> None:
    worker, child = setup_worker()
    client = signed_in(worker)
    episode = report_episode(
        child,
        category="missing",
        reported_at=timezone.now() - timedelta(hours=1),
        last_seen_at=None,
        police_informed=False,
        by=worker,
    )
    # The people linked are asked on the page after the report, "Where they may be".
    step = client.post(
        f"/episodes/{episode.pk}/questions/where-they-may-be/",
        {"associates": text, "wearing": "Red coat", "version": episode.version},
    )
    assert step.status_code == 400
    page = step.content.decode()
    assert 'href="#id_associates"' in page and f"People the child was with or is linked to: {words}" in page
    episode.refresh_from_db()
    assert episode.associates == [] and episode.wearing == "" and episode.version == 1
    details = client.post(f"/episodes/{episode.pk}/details/", {"places": text, "version": episode.version})
    assert details.status_code == 400
    assert 'href="#id_places"' in details.content.decode()
    episode.refresh_from_db()
    assert episode.places == [] and episode.version == 1
    with pytest.raises(ValidationError) as refused:
        update_answers(episode, {"associates": ["z" * 301]}, by=worker)
    assert list(refused.value.message_dict) == ["associates"]


def test_fifty_people_of_300_characters_each_are_accepted() -> None:
    worker, child = setup_worker()
    text = "\n".join(f"{i:02d}" + "x" * 298 for i in range(50))
    client = signed_in(worker)
    report = client.post(f"/children/{child.pk}/report/", report_with(child))
    episode = Episode.objects.get()
    assert report["Location"] == f"/episodes/{episode.pk}/questions/where-they-may-be/"
    response = client.post(report["Location"], {"associates": text, "version": episode.version})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(Episode.objects.get().associates) == 50
