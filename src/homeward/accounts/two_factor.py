"""Two-factor sign-in: a password, then a 6-digit code from an authenticator app (TOTP, django-otp).

Every account needs both. A person with no confirmed authenticator is taken,
after their password, to set one up (the secret, an otpauth URI and a QR code)
and confirms it with a code. Until the second factor is verified in the
session, every page but the sign-in pages redirects to it
(``RequireSecondFactorMiddleware``).
"""

from __future__ import annotations

import time
from base64 import b32encode
from collections.abc import Callable
from urllib.parse import urlencode

import segno
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.accounts.models import User

DEVICE_NAME = "Authenticator app"
# What may be reached with a password alone: signing in, out, and the assets those pages use;
# the health check; and the partner API, which ignores the session (a token, not a person, is
# signed in there).
OPEN_PATHS = ("/sign-in/", "/sign-out/", "/static/", "/healthz", "/api/")


def is_verified(user: object) -> bool:
    """Signed in with both factors in this session (django-otp's middleware adds ``is_verified``)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def confirmed_device(user: User) -> TOTPDevice | None:
    device: TOTPDevice | None = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    return device


def enrolment_device(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up (one per person, kept until confirmed)."""
    device: TOTPDevice | None = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def give_device(user: User, key: str) -> TOTPDevice:
    """A confirmed authenticator with a known key (hex): demo users and tests."""
    device, _ = TOTPDevice.objects.update_or_create(
        user=user, name=DEVICE_NAME, defaults={"key": key, "confirmed": True}
    )
    return device


def secret(device: TOTPDevice) -> str:
    """The key as people type it into an app: base32, in groups of four."""
    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def otpauth_uri(device: TOTPDevice) -> str:
    uri: str = device.config_url
    return uri


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth URI as an inline SVG QR code (no image request, nothing for the CSP to allow)."""
    svg: str = segno.make(otpauth_uri(device), error="m").svg_inline(scale=4, dark="#0b0c0c", light="#ffffff")
    return svg


def current_code(device: TOTPDevice, at: float | None = None) -> str:
    """The 6-digit code the device's app shows at ``at`` (now by default)."""
    moment = time.time() if at is None else at
    counter = int((moment - device.t0) // device.step) + device.drift
    return str(hotp(device.bin_key, counter, device.digits)).zfill(device.digits)


class RequireSecondFactorMiddleware:
    """A password alone opens nothing: send a half-signed-in person to the code (or set-up) page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not is_verified(user)
            and not request.path.startswith(OPEN_PATHS)
        ):
            return HttpResponseRedirect(
                f"{reverse('sign_in_code')}?{urlencode({'next': request.get_full_path()})}"
            )
        return self.get_response(request)
