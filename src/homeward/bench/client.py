"""A small HTTP client for the benchmark: one keep-alive connection, cookies, sign-in with both factors.

No Django here: the benchmark drives the server from outside, as a browser would, and
computes each person's authenticator code from the key stored on their device (RFC 6238,
as ``accounts.two_factor.current_code`` does).
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import re
import struct
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def totp(key_hex: str, at: float | None = None, step: int = 30, digits: int = 6, t0: int = 0) -> str:
    counter = int(((time.time() if at is None else at) - t0) // step)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return str(code).zfill(digits)


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str
    seconds: float


@dataclass
class Session:
    """One person's browser: its cookies, over one connection to the server on loopback."""

    port: int
    host: str = "127.0.0.1"
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 60.0
    _conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(
        self,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        *,
        cookies: bool = True,
        json_body: dict[str, Any] | None = None,
        extra: dict[str, str] | None = None,
    ) -> Response:
        # As behind the service's TLS-terminating proxy (production redirects plain HTTP).
        headers = {"Host": f"{self.host}:{self.port}", "X-Forwarded-Proto": "https", **(extra or {})}
        if cookies and self.cookies:
            headers["Cookie"] = self.cookie_header()
        body = None
        if json_body is not None:
            body = json.dumps(json_body)
            headers["Content-Type"] = "application/json"
        elif form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{self.host}:{self.port}"
            headers["Referer"] = f"https://{self.host}:{self.port}{path}"
        for attempt in (1, 2):
            conn = self._connection()
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                raw = conn.getresponse()
                text = raw.read().decode("utf-8", errors="replace")
            except (http.client.HTTPException, ConnectionError, OSError):
                # The server closed a kept-alive connection: one fresh try, then give up.
                self.close()
                if attempt == 2:
                    raise
                continue
            seconds = time.perf_counter() - started
            if raw.getheader("Connection", "").lower() == "close":
                self.close()
            for line in raw.headers.get_all("Set-Cookie") or []:
                name, _, rest = line.partition("=")
                value = rest.split(";", 1)[0]
                if value and "max-age=0" not in line.lower():
                    self.cookies[name.strip()] = value
                else:
                    self.cookies.pop(name.strip(), None)
            return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, text, seconds)
        raise AssertionError("unreachable")

    def token(self, path: str) -> str:
        page = self.request("GET", path)
        found = TOKEN.search(page.body)
        if found is None:
            raise RuntimeError(f"no form token on {path} ({page.status})")
        return found.group(1)

    def sign_in(self, username: str, password: str, key_hex: str) -> None:
        """The password, then the code from the person's authenticator app."""
        token = self.token("/sign-in/")
        answer = self.request(
            "POST", "/sign-in/", {"csrfmiddlewaretoken": token, "username": username, "password": password}
        )
        if answer.status != 302:
            raise RuntimeError(f"{username}: the password was refused ({answer.status})")
        token = self.token("/sign-in/code/")
        answer = self.request("POST", "/sign-in/code/", {"csrfmiddlewaretoken": token, "code": totp(key_hex)})
        if answer.status != 302 or answer.headers.get("location", "").startswith("/sign-in/"):
            raise RuntimeError(f"{username}: the security code was refused ({answer.status})")
