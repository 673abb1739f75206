"""The police's safe and well check from the force's own system (000; West Mercia 8.7): every
yes/no given, none assumed; meeting the episode's check closes it; a partner records its own
duties only; a retry with the same key makes no second record."""

from __future__ import annotations

from typing import Any

from homeward.episodes.models import Episode
from homeward.obligations.models import Obligation
from homeward.records.models import DutyRecord
from tests.api.conftest import Partners, hours_ago, report_body


def found_without_the_check(partners: Partners) -> tuple[int, Obligation]:
    told = partners.client("authority").post(
        "/api/v1/episodes/", report_body(partners.child, police_informed=True, police_reference="22-0417")
    )
    assert told.status_code == 201, told.json()
    episode = told.json()["id"]
    found = partners.client("police").post(
        f"/api/v1/episodes/{episode}/found/",
        {
            "expected_version": 1,
            "at": hours_ago(0.5).isoformat(),
            "where": "Home",
            "found_by": "Returned",
            "safe_and_well_done": None,
        },
    )
    assert found.status_code == 200, found.json()
    return episode, Obligation.objects.get(episode_id=episode, kind="safe_and_well_check", outcome="")


def check(**extra: Any) -> dict[str, Any]:
    return {
        "at": hours_ago(0.2).isoformat(),
        "done_by": "PC 2231 Amrit Sandhu",
        "face_to_face": True,
        "where_been": "A flat on Eign Street, Hereford",
        "with_whom": "Two older males she met online",
        "disclosed": False,
        "harmed": True,
        "harm": "Bruising to the wrist",
        "cse_considered": True,
        "referred": False,
        **extra,
    }


def test_the_force_records_its_safe_and_well_check_and_closes_its_duty(partners: Partners) -> None:
    episode, duty = found_without_the_check(partners)
    sent = check(meets=duty.pk)
    key = {"Idempotency-Key": "sw-1"}
    response = partners.client("police").post(
        f"/api/v1/episodes/{episode}/safe-and-well-checks/", sent, **key
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == "safe_and_well" and body["meets"]["id"] == duty.pk
    record = DutyRecord.objects.get()
    assert record.answers["harmed"] == "yes" and record.answers["harm"] == "Bruising to the wrist"
    assert record.answers["disclosed"] == "no" and "disclosures" not in record.answers
    duty.refresh_from_db()
    assert duty.outcome == "done"
    assert Episode.objects.get(pk=episode).safe_and_well_done is True
    again = partners.client("police").post(f"/api/v1/episodes/{episode}/safe-and-well-checks/", sent, **key)
    assert again.json() == body
    assert DutyRecord.objects.count() == 1


def test_no_yes_or_no_is_assumed_and_a_follow_up_is_required_when_called_for(partners: Partners) -> None:
    episode, duty = found_without_the_check(partners)
    path = f"/api/v1/episodes/{episode}/safe-and-well-checks/"
    missing = {k: v for k, v in check().items() if k != "harmed"}
    response = partners.client("police").post(path, missing)
    assert response.status_code == 400
    assert "harmed" in str(response.json())
    response = partners.client("police").post(path, check(harm="", meets=duty.pk))
    assert response.status_code == 400
    assert "Enter what harm, and what was done about it." in str(response.json())
    assert not DutyRecord.objects.exists()
    duty.refresh_from_db()
    assert duty.outcome == ""


def test_a_care_providers_system_may_not_close_the_polices_check(partners: Partners) -> None:
    episode, duty = found_without_the_check(partners)
    response = partners.client("provider").post(
        f"/api/v1/episodes/{episode}/safe-and-well-checks/", check(meets=duty.pk)
    )
    assert response.status_code == 403
    assert not DutyRecord.objects.exists()
