"""Whatever a partner system sends, the API answers in its own error shape and names the field:
bodies nested too deeply or too big, times the UK clock never showed or showed twice, dates out of
any range, lists too long; and nothing is half-stored."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from django.conf import settings

from homeward.episodes.models import Episode, Event
from homeward.obligations.models import Obligation
from tests.api.conftest import Partners, hours_ago, report_body

EPISODES = "/api/v1/episodes/"
# 30 March 2025: UK clocks went forward at 01:00 GMT, so 01:30 never happened; 26 October 2025:
# they went back at 02:00 BST, so 01:30 happened twice.
NEVER = "2025-03-30T01:30:00"
TWICE = "2025-10-26T01:30:00"


def error_of(response: Any) -> dict[str, Any]:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert set(body) >= {"error"} and set(body["error"]) == {"code", "message", "fields"}, body
    error: dict[str, Any] = body["error"]
    return error


def reported(partners: Partners) -> Episode:
    made = partners.client("authority").post(EPISODES, report_body(partners.child))
    assert made.status_code == 201, made.json()
    return Episode.objects.get(pk=made.json()["id"])


def post_paths(partners: Partners) -> list[str]:
    episode = reported(partners)
    obligation = Obligation.objects.outstanding().filter(episode=episode).first()
    assert obligation is not None
    return [
        EPISODES,
        f"{EPISODES}import/",
        f"{EPISODES}{episode.pk}/risk-grading/",
        f"{EPISODES}{episode.pk}/police-informed/",
        f"{EPISODES}{episode.pk}/found/",
        f"{EPISODES}{episode.pk}/reclassification/",
        f"/api/v1/obligations/{obligation.pk}/completion/",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,  # past Python's recursion limit
        '{"child": ' * 5_000 + "1" + "}" * 5_000,
        # Parses, but deeper than any field: a list in a list ... 21 deep.
        json.dumps({"associates": json.loads("[" * 21 + '"x"' + "]" * 21)}),
    ],
    ids=["arrays", "objects", "twenty-one-levels"],
)
def test_deeply_nested_json_on_every_post_is_a_400_in_the_api_shape(partners: Partners, text: str) -> None:
    client = partners.client("authority")
    paths = post_paths(partners)
    before = Event.objects.count()
    for path in paths:
        response = client.client.post(path, text, content_type="application/json", **client.headers({}))
        assert response.status_code == 400, (path, response.content[:200])
        error = error_of(response)
        assert error["code"] == "invalid" and "nested" in error["message"], (path, error)
    assert Event.objects.count() == before


def test_a_body_over_the_size_limit_is_a_413_in_the_api_shape(partners: Partners) -> None:
    client = partners.client("authority")
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    text = json.dumps({"csv": "x" * (limit + 1)})
    for path in (EPISODES, f"{EPISODES}import/"):
        response = client.client.post(path, text, content_type="application/json", **client.headers({}))
        assert response.status_code == 413, (path, response.content[:200])
        error = error_of(response)
        assert error["code"] == "too_large" and f"{limit // (1024 * 1024)} MB" in error["message"]
    assert not Episode.objects.filter(child=partners.child).exists()


@pytest.mark.parametrize(
    ("moment", "words"),
    [(NEVER, "did not happen in UK time"), (TWICE, "happened twice in UK time")],
)
def test_a_uk_time_the_clock_change_skipped_or_repeated_is_refused_naming_the_field(
    partners: Partners, moment: str, words: str
) -> None:
    response = partners.client("authority").post(
        EPISODES, report_body(partners.child, reported_at=moment, last_seen_at=None)
    )
    assert response.status_code == 400
    error = error_of(response)
    assert list(error["fields"]) == ["reported_at"]
    assert words in error["fields"]["reported_at"][0] and "UTC offset" in error["fields"]["reported_at"][0]
    assert error["message"].startswith("reported_at: ")
    assert not Episode.objects.filter(child=partners.child).exists()


def test_the_same_time_with_its_offset_is_accepted(partners: Partners) -> None:
    first = partners.client("authority").post(
        EPISODES, report_body(partners.child, reported_at=TWICE + "+01:00", last_seen_at=None)
    )
    assert first.status_code == 201, first.json()
    # The first 01:30 (BST), as the offset says: 00:30 UTC.
    assert datetime.fromisoformat(first.json()["reported_at"]) == datetime.fromisoformat(TWICE + "+01:00")


def test_every_moment_field_refuses_a_time_that_did_not_happen(partners: Partners) -> None:
    episode = reported(partners)
    response = partners.client("authority").post(
        f"{EPISODES}{episode.pk}/risk-grading/",
        {"expected_version": 1, "level": "high", "at": TWICE},
    )
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["at"]
    assert Episode.objects.get(pk=episode.pk).risk_level == ""


@pytest.mark.parametrize(
    "moment",
    ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:00-05:00", "0001-01-01T00:00:00", "9999-12-31T23:59:59Z"],
)
def test_years_1_and_9999_are_refused_naming_the_field(partners: Partners, moment: str) -> None:
    response = partners.client("authority").post(
        EPISODES, report_body(partners.child, reported_at=moment, last_seen_at=None)
    )
    assert response.status_code == 400
    error = error_of(response)
    assert list(error["fields"]) == ["reported_at"]
    assert (
        "check the year" in error["fields"]["reported_at"][0] or "future" in error["fields"]["reported_at"][0]
    )


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("associates", ["x" * 301], "300 characters"),
        ("places", [f"place {i}" for i in range(51)], "50"),
        ("associates", ["y" * 2_000_000], "300 characters"),
    ],
    ids=["one-too-long", "too-many", "two-megabytes"],
)
def test_people_and_places_are_limited_per_entry_and_in_number(
    partners: Partners, field: str, value: list[str], words: str
) -> None:
    response = partners.client("authority").post(EPISODES, report_body(partners.child, **{field: value}))
    assert response.status_code == 400
    error = error_of(response)
    assert error["message"].startswith(field) and words in error["message"], error
    assert not Episode.objects.filter(child=partners.child).exists()


def test_a_batch_row_with_too_long_an_associate_is_refused_by_column(partners: Partners) -> None:
    reported_at = hours_ago(5).isoformat()
    text = (
        "reference,child,category,reported_at,associates\n"
        f"22-2001,{partners.child.reference},missing,{reported_at},{'z' * 301}\n"
        f"22-2002,{partners.child.reference},missing,{reported_at},{';'.join(f'p{i}' for i in range(51))}\n"
    )
    response = partners.client("authority").post(f"{EPISODES}import/", {"csv": text})
    assert response.status_code == 200, response.json()
    refused = response.json()["refused"]
    assert [(r["line"], r["column"].split(".")[0]) for r in refused] == [(2, "associates"), (3, "associates")]
    assert "300 characters" in refused[0]["message"] and "50" in refused[1]["message"]
    assert not Episode.objects.filter(child=partners.child).exists()


def test_a_report_before_the_childs_birth_names_the_field_that_was_sent(partners: Partners) -> None:
    born = partners.child.date_of_birth
    before = datetime(born.year - 1, 6, 1, 12, 0).isoformat() + "+00:00"
    response = partners.client("authority").post(
        EPISODES, report_body(partners.child, reported_at=before, last_seen_at=None)
    )
    assert response.status_code == 400
    assert error_of(response)["fields"] == {"reported_at": ["This is before the child's date of birth."]}


@pytest.mark.parametrize("digits", [19, 20, 40])
def test_ids_too_long_for_any_record_are_404_in_the_api_shape(partners: Partners, digits: int) -> None:
    client = partners.client("authority")
    huge = "9" * digits
    for path in (
        f"{EPISODES}{huge}/",
        f"/api/v1/children/C{huge}/",
        f"/api/v1/obligations/{huge}/completion/",
    ):
        response = client.post(path, {}) if path.endswith("completion/") else client.get(path)
        assert response.status_code == 404, path
        assert error_of(response)["code"] == "not_found"
    reply = client.post(EPISODES, report_body(partners.child, child=f"C{huge}"))
    assert reply.status_code == 400 and list(error_of(reply)["fields"]) == ["child"]
