"""Whatever a partner system sends, the API answers in its own error shape and names the field:
bodies nested too deeply or too big, times the UK clock never showed or showed twice, dates out of
any range, lists too long; and nothing is half-stored."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Partners, report_body

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
