"""The authority's protocol page (REPLAY.md, "Protocol versions and explanations"): the
coordinator or a senior manager sees the versions the authority has worked to and adopts one
from now or later, with a reason; a mistake is a form error naming the field, and nothing is
saved; anyone else gets 404, audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from homeward.access.audit import REFUSED
from homeward.accounts.models import AuditEntry, Role
from homeward.obligations.models import ProtocolAdoption
from tests.conftest import Service, person
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


def local(minutes: int) -> str:
    return timezone.localtime(timezone.now() + timedelta(minutes=minutes)).strftime("%d/%m/%Y %H:%M")


def test_the_coordinator_adopts_a_version_from_later_and_sees_it_listed(service: Service) -> None:
    coordinator = person(Role.MISSING_COORDINATOR, service.team)
    client = signed_in(coordinator)
    page = client.get("/reports/protocol/").content.decode()
    assert "The start of the record" in page
    assert "(version " in page
    assert "/reports/protocol/" in client.get("/reports/").content.decode()
    answer = client.post(
        "/reports/protocol/",
        {"pack": "essex", "in_force_from": local(60), "reason": "Signed off by the partnership"},
        follow=True,
    )
    text = answer.content.decode()
    assert answer.status_code == 200, text
    adoption = ProtocolAdoption.objects.get()
    assert adoption.authority == service.team.organisation and adoption.by == coordinator
    assert (adoption.pack, adoption.reason) == ("essex", "Signed off by the partnership")
    assert "(recorded)" in text and "Signed off by the partnership" in text
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_pk=str(adoption.pk)).exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"reason": ""}, "reason", "Why the authority is adopting it: enter an answer."),
        ({"pack": ""}, "pack", "Protocol pack:"),
        ({"pack": "nowhere"}, "pack", "Select a valid choice."),
        ({"in_force_from": "yesterday"}, "in_force_from", "Enter a date and time"),
        (
            {"in_force_from": "01/01/2020 09:00"},
            "in_force_from",
            "An adoption takes effect from now or later",
        ),
    ],
)
def test_a_mistake_names_the_field_and_saves_nothing(
    service: Service, change: dict[str, str], field: str, message: str
) -> None:
    client = signed_in(service.service_manager)
    data = {"pack": "essex", "in_force_from": local(60), "reason": "New version", **change}
    answer = client.post("/reports/protocol/", data)
    text = answer.content.decode()
    assert answer.status_code == 400, text
    assert f'href="#id_{field}"' in text and message in text
    assert not ProtocolAdoption.objects.exists()


def test_a_social_worker_gets_404_and_the_refusal_is_audited(service: Service) -> None:
    before = AuditEntry.objects.filter(additional_data__outcome=REFUSED).count()
    client = signed_in(service.worker)
    assert client.get("/reports/protocol/").status_code == 404
    assert client.post("/reports/protocol/", {"pack": "essex", "reason": "x"}).status_code == 404
    assert AuditEntry.objects.filter(additional_data__outcome=REFUSED).count() == before + 2
    assert not ProtocolAdoption.objects.exists()
    assert "/reports/protocol/" not in client.get("/reports/").content.decode()
