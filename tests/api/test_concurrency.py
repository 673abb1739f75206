"""Two partners updating one episode at the same moment, on the same version: one succeeds and
the other gets 409, never both, never a 500 ("database is locked"). And two copies of one report
arriving together make one episode, and two different reports of one child arriving together
leave one open episode. Real threads against a real server process and database."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from tests.api.server import live_server

SEED = """
import json
from datetime import date, timedelta
from django.utils import timezone
from homeward.casework.episodes import report_episode
from homeward.accounts.models import Organisation
from homeward.api.models import SCOPES, ApiToken
from homeward.children.models import Child
force = Organisation.objects.create(name="West Mercia Police", kind="police_force")
council = Organisation.objects.create(name="Herefordshire Council", kind="local_authority", protocol="west-mercia", police_force=force)
now = timezone.now()
children = [Child.objects.create(responsible_authority=council, first_name="Sam", last_name=f"Child{n}", date_of_birth=date(2011, 4, 2), looked_after=True) for n in range(2)]
episode = report_episode(children[0], category="missing", reported_at=now - timedelta(hours=2), last_seen_at=None, police_informed=True, by=None)
police = ApiToken.issue(force, "Niche RMS", list(SCOPES))[1]
council_token = ApiToken.issue(council, "Mosaic", list(SCOPES))[1]
print(json.dumps({"episode": episode.pk, "police": police, "council": council_token, "child": children[1].reference}))
"""

ROUNDS = 6


def together(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released at the same instant; their results in order."""
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        start.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_two_updates_on_one_version_give_one_success_and_one_409(tmp_path: Path) -> None:
    with live_server(tmp_path, SEED) as (server, seeded):
        path = f"/api/v1/episodes/{seeded['episode']}/risk-grading/"
        version = 1
        for round_ in range(ROUNDS):
            at = (timezone.now() - timedelta(minutes=60 - round_)).isoformat()

            def grade(token: str, level: str, v: int = version, when: str = at) -> tuple[int, Any]:
                return server.call("POST", path, token, {"expected_version": v, "level": level, "at": when})

            answers = together(
                lambda: grade(seeded["police"], "high"), lambda: grade(seeded["council"], "low")
            )
            statuses = sorted(status for status, _ in answers)
            assert statuses == [200, 409], answers
            winner = next(body for status, body in answers if status == 200)
            loser = next(body for status, body in answers if status == 409)
            # The 409 carries the winner's result: what the loser must now read.
            assert loser["current"]["version"] == winner["version"] == version + 1
            assert loser["current"]["risk_level"] == winner["risk_level"]
            version += 1
        status, episode = server.call("GET", f"/api/v1/episodes/{seeded['episode']}/", seeded["police"])
        assert status == 200 and episode["version"] == 1 + ROUNDS


def test_two_copies_of_one_report_arriving_together_make_one_episode(tmp_path: Path) -> None:
    with live_server(tmp_path, SEED) as (server, seeded):
        episodes = []
        for round_ in range(3):
            reported = timezone.now() - timedelta(minutes=30 - 5 * round_)
            body = {
                "child": seeded["child"],
                "category": "missing",
                "reported_at": reported.isoformat(),
                "reference": f"22-{round_}",
            }
            answers = together(
                *[lambda b=body: server.call("POST", "/api/v1/episodes/", seeded["police"], b)] * 2
            )
            assert [status for status, _ in answers] == [201, 201], answers
            assert answers[0][1] == answers[1][1]
            episode = answers[0][1]
            episodes.append(episode["id"])
            # Found before the next report: a child has one open episode at a time.
            status, _ = server.call(
                "POST",
                f"/api/v1/episodes/{episode['id']}/found/",
                seeded["police"],
                {
                    "expected_version": episode["version"],
                    "at": (reported + timedelta(minutes=2)).isoformat(),
                    "where": "Home",
                    "found_by": "Returned",
                },
            )
            assert status == 200
        # Three references, three episodes: never six.
        assert len(set(episodes)) == 3


def test_two_different_reports_of_one_child_arriving_together_leave_one_open_episode(
    tmp_path: Path,
) -> None:
    with live_server(tmp_path, SEED) as (server, seeded):
        at = (timezone.now() - timedelta(minutes=10)).isoformat()

        def report(token: str, reference: str) -> tuple[int, Any]:
            body = {
                "child": seeded["child"],
                "category": "missing",
                "reported_at": at,
                "reference": reference,
            }
            return server.call("POST", "/api/v1/episodes/", token, body)

        answers = together(
            lambda: report(seeded["police"], "22-7001"), lambda: report(seeded["council"], "MOS-7001")
        )
        assert sorted(status for status, _ in answers) == [201, 409], answers
        winner = next(body for status, body in answers if status == 201)
        loser = next(body for status, body in answers if status == 409)
        assert f"E{winner['id']}" in loser["error"]["fields"]["child"][0]
        status, missing = server.call("GET", "/api/v1/missing/", seeded["council"])
        assert status == 200
        assert [r["episode"]["id"] for r in missing["results"] if r["child"] == seeded["child"]] == [
            winner["id"]
        ]
