"""Reporting an episode through the API, and a retried report never making a second one."""

from __future__ import annotations

import uuid

from django.utils import timezone

from homeward.api.models import Replay
from homeward.casework.episodes import record_found, report_episode
from homeward.episodes.models import Episode, Event
from homeward.obligations.models import Obligation
from tests.api.conftest import Partners, hours_ago, report_body

EPISODES = "/api/v1/episodes/"


def test_a_police_force_reports_a_child_of_the_area_it_covers_missing(partners: Partners) -> None:
    response = partners.client("police").post(EPISODES, report_body(partners.child, reference="22-0417"))
    assert response.status_code == 201, response.json()
    body = response.json()
    episode = Episode.objects.get(pk=body["id"])
    assert body["child"] == partners.child.reference
    assert body["category"] == "missing"
    assert body["version"] == 1
    assert body["partner_reference"] == "22-0417"
    # The police are told by definition when they report; their incident number is the reference.
    assert episode.police_informed and episode.police_force == partners.force
    assert body["police_reference"] == "22-0417"
    assert episode.last_seen_where == "Hereford bus station"
    # Through the one write path: a "reported" event and the protocol's obligations.
    assert Event.objects.filter(episode=episode, type="reported").count() == 1
    assert body["open_obligations"], "the protocol asks for something at once"
    assert {o["id"] for o in body["open_obligations"]} <= set(
        Obligation.objects.filter(episode=episode).values_list("pk", flat=True)
    )
    # The service account names the partner system on the record.
    assert episode.reported_by is not None and episode.reported_by.first_name == "Niche RMS"


def test_the_same_report_sent_three_times_gives_one_episode(partners: Partners) -> None:
    client = partners.client("police")
    # A retry is the same request again: built once (times to the second), sent three times.
    body = report_body(partners.child, reference="22-0417")
    answers = [client.post(EPISODES, body) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert answers[0].json() == answers[1].json() == answers[2].json()
    assert [a.get("Idempotent-Replayed") for a in answers] == [None, "true", "true"]
    assert Episode.objects.filter(child=partners.child).count() == 1


def test_a_retry_with_the_same_idempotency_key_returns_the_first_answer(partners: Partners) -> None:
    client = partners.client("provider")
    key = str(uuid.uuid4())
    body = report_body(partners.child, category="away")
    first = client.post(EPISODES, body, **{"Idempotency-Key": key})
    again = client.post(EPISODES, body, **{"Idempotency-Key": key})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Episode.objects.filter(child=partners.child).count() == 1
    # A new key is a new report (once the first episode has ended: one open at a time).
    record_found(Episode.objects.get(pk=first.json()["id"]), at=hours_ago(0.5), by=None)
    third = client.post(EPISODES, body, **{"Idempotency-Key": str(uuid.uuid4())})
    assert third.status_code == 201 and third.json()["id"] != first.json()["id"]


def test_the_same_key_with_a_different_body_is_refused_and_changes_nothing(partners: Partners) -> None:
    client = partners.client("authority")
    key = "mosaic-7781"
    assert client.post(EPISODES, report_body(partners.child), **{"Idempotency-Key": key}).status_code == 201
    response = client.post(
        EPISODES, report_body(partners.child, category="absent"), **{"Idempotency-Key": key}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "unprocessable"
    assert "Idempotency-Key" in error["fields"]
    assert "different request" in error["message"]
    assert Episode.objects.filter(child=partners.child).count() == 1


def test_the_same_reference_with_different_details_is_refused(partners: Partners) -> None:
    client = partners.client("police")
    assert client.post(EPISODES, report_body(partners.child, reference="22-0417")).status_code == 201
    response = client.post(EPISODES, report_body(partners.child, reference="22-0417", category="absent"))
    assert response.status_code == 422
    assert "reference" in response.json()["error"]["fields"]
    assert Episode.objects.filter(child=partners.child).count() == 1


def test_a_reference_is_per_organisation(partners: Partners) -> None:
    # Two organisations may number things alike: the authority's 22-0417 is not the force's.
    first = partners.client("police").post(EPISODES, report_body(partners.child, reference="22-0417"))
    assert first.status_code == 201
    record_found(Episode.objects.get(pk=first.json()["id"]), at=hours_ago(0.5), by=None)
    response = partners.client("authority").post(EPISODES, report_body(partners.child, reference="22-0417"))
    assert response.status_code == 201
    assert Episode.objects.filter(child=partners.child).count() == 2
    assert Replay.objects.filter(value="22-0417").count() == 2


def test_a_refused_report_keeps_nothing_so_it_can_be_corrected_and_sent_again(partners: Partners) -> None:
    client = partners.client("police")
    bad = report_body(partners.child, reference="22-0500", reported_at="2126-01-01T10:00:00Z")
    response = client.post(EPISODES, bad)
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"reported_at": ["This cannot be in the future."]}
    assert not Replay.objects.exists()
    assert client.post(EPISODES, report_body(partners.child, reference="22-0500")).status_code == 201


def test_bad_input_names_the_field_and_saves_nothing(partners: Partners) -> None:
    client = partners.client("authority")
    cases = {
        "category": report_body(partners.child, category="lost"),
        "last_seen_at": report_body(partners.child, last_seen_at="yesterday"),
        "child": report_body(partners.child, child="Jamie"),
        "push_factors.0": report_body(partners.child, push_factors=["boredom"]),
    }
    for field, body in cases.items():
        response = client.post(EPISODES, body)
        assert response.status_code == 400, field
        error = response.json()["error"]
        assert error["code"] == "invalid"
        assert field in error["fields"], (field, error)
        assert error["message"].startswith(field)
    missing = client.post(EPISODES, {"child": partners.child.reference})
    assert set(missing.json()["error"]["fields"]) == {"category", "reported_at"}
    assert client.post(EPISODES, "not json", content_type="application/json").status_code == 400
    assert not Episode.objects.exists()


def test_seen_after_the_report_is_refused(partners: Partners) -> None:
    body = report_body(partners.child)
    body["last_seen_at"], body["reported_at"] = body["reported_at"], body["last_seen_at"]
    response = partners.client("authority").post(EPISODES, body)
    assert response.status_code == 400
    assert "last_seen_at" in response.json()["error"]["fields"]


def test_a_report_that_does_not_say_the_police_were_told_raises_the_duty_to_tell_them(
    partners: Partners,
) -> None:
    response = partners.client("provider").post(EPISODES, report_body(partners.child))
    assert response.status_code == 201, response.json()
    episode = Episode.objects.get(pk=response.json()["id"])
    assert episode.police_informed is False
    assert Obligation.objects.get(episode=episode, kind="notify", recipient="police").outcome == ""


def test_the_api_answers_409_naming_the_open_episode(partners: Partners) -> None:
    first = partners.client("authority").post("/api/v1/episodes/", report_body(partners.child))
    assert first.status_code == 201
    again = partners.client("authority").post(
        "/api/v1/episodes/", report_body(partners.child, category="away")
    )
    assert again.status_code == 409
    body = again.json()
    reference = f"E{first.json()['id']}"
    assert body["error"]["code"] == "conflict"
    assert reference in body["error"]["message"]
    assert reference in body["error"]["fields"]["child"][0]
    assert body["current"]["id"] == first.json()["id"]
    assert Episode.objects.filter(child=partners.child).count() == 1


def test_a_force_is_told_the_child_is_already_missing_but_not_shown_an_episode_it_was_not_told_of(
    partners: Partners,
) -> None:
    # The care provider reports her without telling the police; then the force's system reports her.
    untold = partners.client("provider").post("/api/v1/episodes/", report_body(partners.child))
    assert untold.status_code == 201 and untold.json()["police_informed"] is False
    again = partners.client("police").post(
        "/api/v1/episodes/", report_body(partners.child, reference="22-0999")
    )
    assert again.status_code == 409
    body = again.json()
    assert f"E{untold.json()['id']}" in body["error"]["message"]
    assert "current" not in body
    assert Episode.objects.filter(child=partners.child).count() == 1


def test_a_batch_row_for_a_child_already_missing_is_refused_on_its_child_column(partners: Partners) -> None:
    now = timezone.now()
    first = report_episode(
        partners.child, category="missing", reported_at=now, last_seen_at=None, police_informed=False, by=None
    )
    text = (
        "reference,child,category,reported_at\n"
        f"22-3001,{partners.child.reference},missing,{timezone.now().isoformat()}\n"
    )
    response = partners.client("police").post("/api/v1/episodes/import/", {"csv": text})
    assert response.status_code == 200
    body = response.json()
    assert body["stored"] == []
    [row] = body["refused"]
    assert (row["line"], row["column"]) == (2, "child")
    assert first.reference in row["message"]
    assert Episode.objects.filter(child=partners.child).count() == 1
