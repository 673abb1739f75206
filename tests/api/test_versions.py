"""Every change is made on the version the partner last read: an old version gets 409 and the
episode as it now stands, never a silent overwrite. Then grading, police informed, found,
reclassify and completing an obligation, each through the one write path."""

from __future__ import annotations

from typing import Any

from homeward.episodes.models import Episode, Event
from homeward.obligations.models import Obligation
from tests.api.conftest import Partners, hours_ago, report_body


def report(partners: Partners, who: str = "police") -> dict[str, Any]:
    response = partners.client(who).post("/api/v1/episodes/", report_body(partners.child))
    assert response.status_code == 201
    body: dict[str, Any] = response.json()
    return body


def test_an_update_on_the_current_version_bumps_it(partners: Partners) -> None:
    episode = report(partners)
    response = partners.client("police").post(
        f"/api/v1/episodes/{episode['id']}/risk-grading/",
        {
            "expected_version": 1,
            "level": "high",
            "at": hours_ago(0.5).isoformat(),
            "rationale": "Known to CSE team",
        },
    )
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 2
    assert response.json()["risk_level"] == "high"
    assert Event.objects.filter(episode_id=episode["id"], type="risk_graded").count() == 1


def test_an_update_on_an_old_version_is_409_with_the_current_state(partners: Partners) -> None:
    episode = report(partners)
    path = f"/api/v1/episodes/{episode['id']}/risk-grading/"
    at = hours_ago(0.5).isoformat()
    assert (
        partners.client("police").post(path, {"expected_version": 1, "level": "high", "at": at}).status_code
        == 200
    )
    # The authority, working from what it read before the police graded, tries to grade it low.
    stale = partners.client("authority").post(path, {"expected_version": 1, "level": "low", "at": at})
    assert stale.status_code == 409
    body = stale.json()
    assert body["error"]["code"] == "conflict"
    assert "version 2, not 1" in body["error"]["message"]
    assert body["current"]["version"] == 2 and body["current"]["risk_level"] == "high"
    assert Episode.objects.get(pk=episode["id"]).risk_level == "high"
    assert Event.objects.filter(episode_id=episode["id"], type="risk_graded").count() == 1


def test_a_police_system_follows_the_episode_to_found(partners: Partners) -> None:
    client = partners.client("police")
    episode = report(partners, "provider")
    assert episode["police_informed"] is False
    # The provider's report did not tell the police: the force cannot see it yet.
    assert client.get(f"/api/v1/episodes/{episode['id']}/").status_code == 404
    informed = partners.client("provider").post(
        f"/api/v1/episodes/{episode['id']}/police-informed/",
        {"expected_version": 1, "at": hours_ago(0.9).isoformat(), "reference": "22-0417"},
    )
    assert informed.status_code == 200 and informed.json()["police_reference"] == "22-0417"
    assert client.get(f"/api/v1/episodes/{episode['id']}/").status_code == 200
    reclassified = client.post(
        f"/api/v1/episodes/{episode['id']}/reclassification/",
        {
            "expected_version": 2,
            "category": "absent",
            "at": hours_ago(0.8).isoformat(),
            "reason": "Location known",
        },
    )
    assert reclassified.status_code == 200 and reclassified.json()["category"] == "absent"
    found = client.post(
        f"/api/v1/episodes/{episode['id']}/found/",
        {
            "expected_version": 3,
            "at": hours_ago(0.2).isoformat(),
            "where": "A friend's house, Leominster",
            "found_by": "PC 1234",
            "safe_and_well_done": True,
        },
    )
    assert found.status_code == 200, found.json()
    assert found.json()["is_open"] is False and found.json()["version"] == 4
    assert client.get("/api/v1/missing/").json()["count"] == 0
    assert list(Event.objects.filter(episode_id=episode["id"]).values_list("type", flat=True)) == [
        "reported",
        "police_informed",
        "reclassified",
        "found",
        # The safe and well check answered with the find closes that duty (WM6, s.8.7).
        "completed",
    ]
    again = client.post(
        f"/api/v1/episodes/{episode['id']}/found/",
        {"expected_version": 4, "at": hours_ago(0.1).isoformat(), "where": "x", "found_by": "y"},
    )
    assert again.status_code == 400 and again.json()["error"]["fields"] == {
        "at": ["This episode has already ended."]
    }


def test_found_without_a_safe_and_well_check_needs_a_reason(partners: Partners) -> None:
    episode = report(partners)
    response = partners.client("police").post(
        f"/api/v1/episodes/{episode['id']}/found/",
        {
            "expected_version": 1,
            "at": hours_ago(0.2).isoformat(),
            "where": "Home",
            "found_by": "Returned",
            "safe_and_well_done": False,
        },
    )
    assert response.status_code == 400
    assert "safe_and_well_reason" in response.json()["error"]["fields"]
    assert Episode.objects.get(pk=episode["id"]).found_at is None


def test_the_child_and_their_open_obligations(partners: Partners) -> None:
    episode = report(partners)
    response = partners.client("authority").get(f"/api/v1/children/{partners.child.reference}/")
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == partners.child.reference
    assert body["last_name"] == partners.child.last_name
    assert body["current_episode"]["id"] == episode["id"]
    outstanding = Obligation.objects.outstanding().filter(episode_id=episode["id"])
    assert {o["id"] for o in body["open_obligations"]} == set(outstanding.values_list("pk", flat=True))


def test_completing_an_obligation(partners: Partners) -> None:
    episode = report(partners, "authority")
    obligation = Obligation.objects.outstanding().filter(episode_id=episode["id"]).order_by("pk").first()
    assert obligation is not None
    path = f"/api/v1/obligations/{obligation.pk}/completion/"
    client = partners.client("authority")
    declined = client.post(path, {"outcome": "declined", "at": hours_ago(0.1).isoformat()})
    assert declined.status_code == 400 and "reason" in declined.json()["error"]["fields"]
    done = client.post(path, {"outcome": "done", "at": hours_ago(0.1).isoformat(), "note": "Rang the carer"})
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "done"
    assert Obligation.objects.get(pk=done.json()["id"]).outcome == "done"
    assert Event.objects.filter(episode_id=episode["id"], type="completed").count() == 1
    # What is open on the episode changed, so its version did.
    assert Episode.objects.get(pk=episode["id"]).version == 2
    twice = client.post(path, {"outcome": "done", "at": hours_ago(0.1).isoformat()})
    assert twice.status_code == 409
    assert (
        partners.client("other_authority")
        .post(path, {"outcome": "done", "at": hours_ago(0.1).isoformat()})
        .status_code
        == 404
    )


def test_an_update_retried_with_its_idempotency_key_is_not_applied_twice(partners: Partners) -> None:
    episode = report(partners)
    path = f"/api/v1/episodes/{episode['id']}/risk-grading/"
    body = {"expected_version": 1, "level": "medium", "at": hours_ago(0.5).isoformat()}
    first = partners.client("police").post(path, body, **{"Idempotency-Key": "grade-1"})
    again = partners.client("police").post(path, body, **{"Idempotency-Key": "grade-1"})
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert Event.objects.filter(episode_id=episode["id"], type="risk_graded").count() == 1


def test_a_safe_and_well_check_not_yet_done_stays_open_until_the_police_record_it(
    partners: Partners,
) -> None:
    episode = report(partners)
    client = partners.client("police")
    found = client.post(
        f"/api/v1/episodes/{episode['id']}/found/",
        {
            "expected_version": 1,
            "at": hours_ago(0.2).isoformat(),
            "where": "Home",
            "found_by": "Returned",
            "safe_and_well_done": None,
        },
    )
    assert found.status_code == 200, found.json()
    check = Obligation.objects.get(episode_id=episode["id"], kind="safe_and_well_check")
    assert check.outcome == ""
    assert check.pk in {o["id"] for o in found.json()["open_obligations"]}
    done = client.post(
        f"/api/v1/obligations/{check.pk}/completion/", {"outcome": "done", "at": hours_ago(0.1).isoformat()}
    )
    assert done.status_code == 200, done.json()
    assert Episode.objects.get(pk=episode["id"]).safe_and_well_done is True
