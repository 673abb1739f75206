"""The what-if page: the coordinator or a senior manager uploads a draft pack and sees what it
would have asked of their authority; nothing is written; a bad file is a form error, not a 500."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from homeward.accounts.models import Role
from tests.commands.test_what_if import draft_24_hours, returned, row_counts
from tests.conftest import Service, person
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


def upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="application/x-yaml")


def test_the_coordinator_sees_the_return_interviews_move_and_nothing_is_written(
    service: Service, tmp_path: Path
) -> None:
    episode = returned(service, days_ago=20, interview_after_hours=48)
    coordinator = person(Role.MISSING_COORDINATOR, service.team)
    client = signed_in(coordinator)
    assert client.get("/reports/what-if/").status_code == 200
    before = row_counts()
    page = client.post("/reports/what-if/", {"pack": upload(draft_24_hours(tmp_path)), "since": ""})
    text = page.content.decode()
    assert page.status_code == 200, text
    assert "west-mercia 9-draft" in text
    assert '<td class="govuk-table__cell">west-mercia/return-interview</td>' in text
    assert f"E{episode.pk}" in text and "<svg" in text
    # Signing in and the page view leave their own rows; the obligations and the record do not change.
    after = row_counts()
    for label in ("obligations.Obligation", "episodes.Event", "episodes.Episode", "children.Child"):
        assert after[label] == before[label], label


def test_a_file_that_is_not_a_pack_is_a_form_error(service: Service, tmp_path: Path) -> None:
    client = signed_in(service.service_manager)
    bad = tmp_path / "notes.yaml"
    bad.write_bytes(b"\xff\xfe not text")
    page = client.post("/reports/what-if/", {"pack": upload(bad)})
    assert page.status_code == 400 and "The file is not a YAML protocol pack." in page.content.decode()
    versionless = tmp_path / "draft.yaml"
    versionless.write_text("id: draft\ntitle: Draft\nrules: []\n")
    page = client.post("/reports/what-if/", {"pack": upload(versionless)})
    assert page.status_code == 400 and "The pack is not valid: version: required" in page.content.decode()


def test_a_social_worker_gets_404(service: Service) -> None:
    assert signed_in(service.worker).get("/reports/what-if/").status_code == 404
