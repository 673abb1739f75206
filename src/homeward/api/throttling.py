"""Requests per token (``HOMEWARD_API_RATE``, e.g. ``600/minute``), counted in Django's cache.

The default cache is per process: with several web processes the limit is per
process. With HOMEWARD_REDIS_URL set (homeward.settings.base) every process counts in the one
Redis, so the limit is exact (tests/api/test_shared_cache.py).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from homeward.api.models import ApiToken


class PerTokenThrottle(SimpleRateThrottle):
    scope = "token"

    def get_rate(self) -> str:
        # Read at each request (not import), so the setting can change under test.
        return str(settings.HOMEWARD_API_RATE)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        token = request.auth
        if not isinstance(token, ApiToken):
            return None
        # The hash, not the id: unique to this token even if an id is ever used again.
        return f"homeward-api-throttle-{token.key_hash}"
