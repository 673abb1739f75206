"""The idle timeout without a session write on every request.

A session ends ``SESSION_COOKIE_AGE`` after it was last saved (the database row's expiry). Saving
it on every request (``SESSION_SAVE_EVERY_REQUEST``) cost an ``UPDATE`` per page; instead a
signed-in session carries the time it was last pushed on, and is saved again (pushing the expiry
on) only once ``SESSION_TOUCH_SECONDS`` have passed since. The timeout can only come early, by at
most that spell, never late: the expiry is always at most ``SESSION_COOKIE_AGE`` after the last
request that saved it, and a request that does not save is within the spell of one that did.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# The key in the session, and how stale it may get before a request saves the session again.
SEEN_KEY = "homeward_seen"
SESSION_TOUCH_SECONDS = 60


def needs_touch(seen: object, now: float) -> bool:
    """Whether a session last pushed on at ``seen`` (epoch seconds, or absent) must be saved now."""
    return not isinstance(seen, int | float) or not (0 <= now - seen < SESSION_TOUCH_SECONDS)


class KeepSessionAliveMiddleware:
    """Push the expiry of a session in use on, at most once a ``SESSION_TOUCH_SECONDS``.

    Listed after ``SessionMiddleware``, so the session it marks modified is saved by it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = request.session
        # Only a session that exists and is already loaded (a request with no session cookie, or
        # one that never read it, such as the health check, creates or reads nothing here).
        if session.session_key is not None and session.accessed and not session.is_empty():
            now = time.time()
            if session.modified or needs_touch(session.get(SEEN_KEY), now):
                session[SEEN_KEY] = int(now)
        return response
