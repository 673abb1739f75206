"""``homeward what-if``: the authority's recorded history replayed under a draft pack, against
what was raised; it writes nothing, and bad input is one line naming the argument."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from homeward.casework.episodes import record_found, report_episode
from homeward.episodes.models import Episode
from homeward.obligations.models import Obligation
from homeward.protocols.pack import PACKS_DIR
from tests.conftest import Service

pytestmark = pytest.mark.django_db


def draft_24_hours(tmp_path: Path) -> Path:
    """West Mercia with the return interview (s.12.1: 72 hours) shortened to 24 hours."""
    text = (PACKS_DIR / "west-mercia.yaml").read_text()
    rule = text.index("id: west-mercia/return-interview")
    due = text.index("due: {after: {hours: 72}}", rule)
    text = text[:due] + "due: {after: {hours: 24}}" + text[due + len("due: {after: {hours: 72}}") :]
    text = text.replace('version: "8.1"', 'version: "9-draft"', 1)
    path = tmp_path / "west-mercia-9.yaml"
    path.write_text(text)
    return path


def returned(service: Service, days_ago: int, interview_after_hours: int) -> Episode:
    now = timezone.now().replace(second=0, microsecond=0)
    episode = report_episode(
        service.child,
        category="missing",
        reported_at=now - timedelta(days=days_ago, hours=10),
        last_seen_at=now - timedelta(days=days_ago, hours=11),
        police_informed=True,
        by=service.worker,
    )
    found = now - timedelta(days=days_ago)
    record_found(episode, at=found, by=service.worker, where="At home")
    duty = Obligation.objects.get(episode=episode, kind="return_interview")
    from homeward.casework.obligations import close_obligation

    close_obligation(
        duty, outcome="done", at=found + timedelta(hours=interview_after_hours), reason="", by=service.worker
    )
    return episode


def row_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def test_a_24_hour_return_interview_moves_every_interview_and_counts_the_late_ones(
    service: Service, tmp_path: Path
) -> None:
    first = returned(service, days_ago=20, interview_after_hours=48)  # in time at 72, late at 24
    second = returned(service, days_ago=10, interview_after_hours=12)  # in time either way
    before = row_counts()
    out = StringIO()
    call_command(
        "what_if",
        pack=str(draft_24_hours(tmp_path)),
        authority=service.child.responsible_authority.name,
        stdout=out,
    )
    assert row_counts() == before  # it wrote nothing
    text = out.getvalue()
    assert "west-mercia 9-draft" in text
    moved = [line for line in text.splitlines() if line.strip().startswith("west-mercia/return-interview")]
    # Both interviews moved 48 hours earlier; nothing added or removed.
    assert moved and moved[-1].split()[1:6] == ["return_interview", "2", "2", "0", "-48.0"], text
    assert "Duties added, by rule and kind:\n  (none)" in text
    assert "Duties removed, by rule and kind:\n  (none)" in text
    stored_overdue, draft_overdue = (
        int(n)
        for n in text.split("Overdue (closed late, or still open past the due time): ")[1].split(" ")[0:4:3]
    )
    assert draft_overdue == stored_overdue + 1  # the first interview, held at 48 hours
    # The example child, with the difference in words.
    assert f"E{first.pk} (opened" in text and "24 hours after" in text and "instead of" in text
    assert f"E{second.pk}" in text


def test_since_keeps_what_was_raised_before_it(service: Service, tmp_path: Path) -> None:
    returned(service, days_ago=20, interview_after_hours=48)
    since = (timezone.now() - timedelta(days=5)).date().isoformat()
    out = StringIO()
    call_command(
        "what_if",
        pack=str(draft_24_hours(tmp_path)),
        authority=service.child.responsible_authority.name,
        since=since,
        stdout=out,
    )
    assert "No child's duties would differ." in out.getvalue()


@pytest.mark.parametrize(
    ("argument", "value", "needle"),
    [
        ("pack", "/nowhere/draft.yaml", "--pack: no such file"),
        ("pack", "BROKEN", "--pack: "),
        ("authority", "Atlantis Council", "--authority: no local authority named 'Atlantis Council'"),
        ("since", "last tuesday", "--since: not a date"),
    ],
)
def test_bad_input_names_the_argument(
    service: Service, tmp_path: Path, argument: str, value: str, needle: str
) -> None:
    options = {"pack": str(draft_24_hours(tmp_path)), "authority": service.child.responsible_authority.name}
    if value == "BROKEN":
        broken = tmp_path / "broken.yaml"
        broken.write_text("id: broken\ntitle: no version\nrules: []\n")
        value = str(broken)
    options[argument] = value
    with pytest.raises(CommandError) as refused:
        call_command("what_if", stdout=StringIO(), **options)
    assert str(refused.value).startswith(needle), refused.value
