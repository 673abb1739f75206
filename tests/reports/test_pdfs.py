"""The briefing pack and a Find Me plan open as A4 PDFs: rendered to an image, they are not blank,
have the pages expected and carry the child's details and page numbers."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from homeward.accounts.models import Organisation, OrganisationKind, Role
from homeward.casework.episodes import report_episode
from homeward.children.models import Child, FindMePlan
from tests.factories import AuthorityFactory, UserFactory, sign_in
from tests.reports.builders import placed_child

pytestmark = pytest.mark.django_db

A4_POINTS = (595, 842)


def opened(content: bytes) -> tuple[list[str], list[float]]:
    """Text of each page, and the share of non-white pixels on each page rendered at 50 dpi."""
    document = pdfium.PdfDocument(content)
    texts, inked = [], []
    for page in document:
        assert tuple(round(x) for x in page.get_size()) == A4_POINTS
        texts.append(page.get_textpage().get_text_range())
        image = page.render(scale=50 / 72).to_pil().convert("L")
        histogram = image.histogram()
        inked.append(sum(histogram[:200]) / sum(histogram))
    return texts, inked


def client_for_authority() -> tuple[Client, object]:
    authority = AuthorityFactory()
    user = UserFactory(organisation=authority, role=Role.MISSING_COORDINATOR)
    client = Client()
    sign_in(client, user)
    return client, authority


def missing_now(authority: object, first_name: str, hours: int) -> None:
    child = placed_child(authority=authority, first_name=first_name, last_name="Example")
    now = timezone.now().replace(second=0, microsecond=0)
    report_episode(
        child,
        category="missing",
        reported_at=now - timedelta(hours=hours),
        last_seen_at=now - timedelta(hours=hours + 1),
        police_informed=True,
        police_reference=f"WMP-26-{hours:06d}",
        by=None,
        answers={"wearing": "Black hoodie, grey joggers", "associates": ["Kyle Marsh, 19"]},
    )


def test_the_briefing_pack_has_a_summary_and_a_page_per_missing_child() -> None:
    client, authority = client_for_authority()
    missing_now(authority, "Jessica", 5)
    missing_now(authority, "Thomas", 30)
    response = client.get("/reports/missing-briefing.pdf")
    assert response["Content-Type"] == "application/pdf"
    texts, inked = opened(response.content)
    assert len(texts) == 3
    assert "Daily missing briefing" in texts[0] and "2 children missing" in texts[0]
    # Longest missing first.
    assert "Thomas Example" in texts[1] and "Black hoodie, grey joggers" in texts[1]
    assert "Jessica Example" in texts[2] and "Kyle Marsh, 19" in texts[2]
    assert [f"Page {n} of 3" in text for n, text in enumerate(texts, start=1)] == [True] * 3
    assert all(share > 0.005 for share in inked)


def test_a_find_me_plan_prints_with_the_childs_description() -> None:
    client, authority = client_for_authority()
    child = placed_child(authority=authority, first_name="Rebecca", last_name="Example")
    FindMePlan.objects.create(
        child=child, description="Slim build, about 160 cm, red hair.", likely_places="The skate park"
    )
    response = client.get(f"/reports/children/{child.pk}/find-me-plan.pdf")
    texts, inked = opened(response.content)
    assert len(texts) == 1
    assert "Find Me plan: Rebecca Example" in texts[0]
    assert "Slim build, about 160 cm, red hair." in texts[0] and "Page 1 of 1" in texts[0]
    assert inked[0] > 0.005


def test_a_police_liaison_officer_briefs_on_the_children_missing_to_their_force() -> None:
    # 002 s.10: the Find Me plan is "shared with the relevant police authority".
    force = Organisation.objects.create(name="West Mercia Police", kind=OrganisationKind.POLICE_FORCE)
    other_force = Organisation.objects.create(name="Dyfed-Powys Police", kind=OrganisationKind.POLICE_FORCE)
    authority = AuthorityFactory(police_force=force)
    missing_now(authority, "Jessica", 5)
    jessica = Child.objects.get(first_name="Jessica")
    FindMePlan.objects.create(child=jessica, description="Slim build, red hair.")
    officer = sign_in(Client(), UserFactory(organisation=force, role=Role.POLICE_LIAISON))
    texts, _ = opened(officer.get("/reports/missing-briefing.pdf").content)
    assert "1 child missing" in texts[0]
    assert "Jessica Example" in texts[1]
    plan, _ = opened(officer.get(f"/reports/children/{jessica.pk}/find-me-plan.pdf").content)
    assert "Slim build, red hair." in plan[0]
    stranger = sign_in(Client(), UserFactory(organisation=other_force, role=Role.POLICE_LIAISON))
    texts, _ = opened(stranger.get("/reports/missing-briefing.pdf").content)
    assert "Jessica" not in "".join(texts)
    assert stranger.get(f"/reports/children/{jessica.pk}/find-me-plan.pdf").status_code == 404


def test_nobody_prints_the_plan_of_a_child_they_cannot_see() -> None:
    client, _ = client_for_authority()
    elsewhere = placed_child(authority=AuthorityFactory(name="Shropshire Council"))
    assert client.get(f"/reports/children/{elsewhere.pk}/find-me-plan.pdf").status_code == 404


def test_the_briefing_pack_command_writes_the_pdf(tmp_path: Path) -> None:
    _, authority = client_for_authority()
    missing_now(authority, "Daniel", 3)
    out = StringIO()
    call_command("briefing_pack", "--out", str(tmp_path / "brief.pdf"), stdout=out)
    assert "1 children" in out.getvalue()
    texts, inked = opened((tmp_path / "brief.pdf").read_bytes())
    assert len(texts) == 2 and "Daniel Example" in texts[1] and min(inked) > 0.005
    with pytest.raises(CommandError, match=r"--out: name a \.pdf file"):
        call_command("briefing_pack", "--out", str(tmp_path / "brief.txt"))
