"""Signing in with the second factor, as a person meets it the first time: the password, then
setting up an authenticator app from the key on the page, then the code it shows."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from tests.browser.cast import cast
from tests.browser.conftest import Steps, live_database
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, live_database]


def app_code(setup_key: str) -> str:
    """What an authenticator app shows for a time-based key typed in by hand (RFC 6238)."""
    key = setup_key.replace(" ", "")
    return str(TOTP(b32decode(key + "=" * (-len(key) % 8))).token()).zfill(6)


def test_a_first_sign_in_sets_up_the_authenticator_app_from_the_key_shown(page: Page, steps: Steps) -> None:
    worker = cast().worker
    assert not TOTPDevice.objects.filter(user=worker).exists()
    page.goto("/my-work/")
    page.get_by_label("Username").fill(worker.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    steps("set-up")
    page.get_by_text("I cannot scan the QR code").click()
    key = page.locator("#totp-secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})+", key), key
    page.get_by_label("Security code").fill(app_code(key))
    page.get_by_role("button", name="Confirm").click()

    # Signed in, and taken where she was going.
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    expect(page.get_by_text("Your authenticator app is set up.")).to_be_visible()
    steps("signed-in")
    assert TOTPDevice.objects.get(user=worker).confirmed
