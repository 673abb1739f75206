"""Each token has its own request budget (HOMEWARD_API_RATE); past it, 429 in the error shape."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

from tests.api.conftest import Partners


def test_a_token_past_its_rate_gets_429_and_others_carry_on(partners: Partners, settings: Any) -> None:
    settings.HOMEWARD_API_RATE = "3/minute"
    cache.clear()
    police = partners.client("police")
    assert [police.get("/api/v1/missing/").status_code for _ in range(3)] == [200, 200, 200]
    refused = police.get("/api/v1/missing/")
    assert refused.status_code == 429
    error = refused.json()["error"]
    assert error["code"] == "throttled"
    assert error["message"].startswith("Too many requests from this token. Try again in")
    assert int(refused["Retry-After"]) > 0
    # Another partner system's budget is its own.
    assert partners.client("authority").get("/api/v1/missing/").status_code == 200
