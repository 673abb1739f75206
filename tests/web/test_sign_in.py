"""Signing in: a password, then a 6-digit code from an authenticator app, for every account.

First sign-in sets the app up; repeated failures lock the account for a while;
a session ends after a spell without use.
"""

from __future__ import annotations

import time
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.accounts import idle, two_factor
from homeward.accounts.models import Role, User
from tests.factories import PASSWORD, ChildFactory, UserFactory, current_code, totp_device

pytestmark = pytest.mark.django_db


def password(client: Client, user: User, secret: str = PASSWORD, next_url: str = "") -> int:
    data = {"username": user.username, "password": secret}
    if next_url:
        data["next"] = next_url
    return client.post("/sign-in/", data).status_code


def test_a_password_alone_opens_nothing_until_the_code_is_entered() -> None:
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    child = ChildFactory(allocated_worker=worker)
    totp_device(worker)
    client = Client()
    assert password(client, worker) == 302
    for url in ["/", f"/children/{child.pk}/", "/my-work/", "/admin/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/sign-in/code/?next="), url
    page = client.get(f"/sign-in/code/?next=/children/{child.pk}/")
    assert "Enter your security code" in page.content.decode()
    done = client.post("/sign-in/code/", {"code": current_code(worker), "next": f"/children/{child.pk}/"})
    assert done.status_code == 302
    assert done["Location"] == f"/children/{child.pk}/"
    assert client.get(f"/children/{child.pk}/").status_code == 200


def test_a_wrong_or_malformed_code_is_refused_with_a_message_on_the_field() -> None:
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    device = totp_device(worker)
    client = Client()
    password(client, worker)
    right = current_code(worker)
    wrong = f"{(int(right) + 500000) % 1000000:06d}"
    refused = client.post("/sign-in/code/", {"code": wrong})
    assert refused.status_code == 400
    assert "The security code is not right" in refused.content.decode()
    malformed = client.post("/sign-in/code/", {"code": "12ab56"})
    assert malformed.status_code == 400
    assert "Enter the security code as 6 digits" in malformed.content.decode()
    assert 'href="#id_code"' in malformed.content.decode()
    assert client.get("/").status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1, "a malformed code is not even tried"


def test_the_first_sign_in_sets_up_an_authenticator_confirmed_by_a_code() -> None:
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    client = Client()
    assert password(client, worker) == 302
    assert client.get("/sign-in/code/")["Location"].startswith("/sign-in/set-up/")
    page = client.get("/sign-in/set-up/").content.decode()
    device = TOTPDevice.objects.get(user=worker, confirmed=False)
    assert two_factor.secret(device) in page
    assert "otpauth://totp/Homeward%3A" in page and "<svg" in page
    # Scanning twice shows the same secret: the unconfirmed device is kept until confirmed.
    assert two_factor.secret(device) in client.get("/sign-in/set-up/").content.decode()
    right = two_factor.current_code(device)
    wrong = f"{(int(right) + 1) % 1000000:06d}"
    assert client.post("/sign-in/set-up/", {"code": wrong}).status_code == 400
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()
    confirmed = client.post(
        "/sign-in/set-up/", {"code": two_factor.current_code(device), "next": "/my-work/"}
    )
    assert confirmed.status_code == 302 and confirmed["Location"] == "/my-work/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/my-work/").status_code == 200


def test_repeated_wrong_passwords_lock_the_account_with_a_clear_message() -> None:
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    totp_device(worker)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert password(client, worker, "not-the-password") == 200
    locked = client.post("/sign-in/", {"username": worker.username, "password": "not-the-password"})
    assert locked.status_code == 429
    assert "Your account is locked for now" in locked.content.decode()
    # Even the right password is refused while locked.
    again = client.post("/sign-in/", {"username": worker.username, "password": PASSWORD})
    assert again.status_code == 429
    assert client.get("/").status_code == 302


def test_wrong_codes_count_towards_the_lockout_and_end_the_half_signed_in_session() -> None:
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    totp_device(worker)
    client = Client()
    password(client, worker)
    right = current_code(worker)
    wrong = f"{(int(right) + 1) % 1000000:06d}"
    statuses = []
    for _ in range(settings.AXES_FAILURE_LIMIT):
        TOTPDevice.objects.filter(user=worker).update(throttling_failure_count=0)
        statuses.append(client.post("/sign-in/code/", {"code": wrong}).status_code)
    assert statuses[:-1] == [400] * (settings.AXES_FAILURE_LIMIT - 1)
    assert statuses[-1] == 429
    # Signed out: the code page now sends them back to the password page.
    assert client.get("/sign-in/code/")["Location"].startswith("/sign-in/?")


def signed_in_session(client: Client) -> Session:
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    totp_device(worker)
    password(client, worker)
    client.post("/sign-in/code/", {"code": current_code(worker)})
    assert client.get("/").status_code == 200
    return Session.objects.get(session_key=client.session.session_key)


def last_pushed_on(client: Client, seconds_ago: int) -> None:
    """Pretend the session's expiry was last pushed on ``seconds_ago``."""
    store = client.session
    store[idle.SEEN_KEY] = int(time.time()) - seconds_ago
    store.save()


def test_a_session_ends_after_a_spell_without_use() -> None:
    assert settings.SESSION_COOKIE_AGE <= 60 * 60
    assert "homeward.accounts.idle.KeepSessionAliveMiddleware" in settings.MIDDLEWARE
    client = Client()
    session = signed_in_session(client)
    # A request a minute or more after the expiry was last pushed on pushes it on again ...
    last_pushed_on(client, idle.SESSION_TOUCH_SECONDS)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=1))
    client.get("/")
    assert Session.objects.get(pk=session.pk).expire_date > timezone.now() + timedelta(minutes=5)
    # ... and a session left idle past it is over.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_a_request_within_the_minute_does_not_save_the_session_again() -> None:
    client = Client()
    session = signed_in_session(client)
    last_pushed_on(client, 5)
    expiry = timezone.now() + timedelta(minutes=29, seconds=30)
    Session.objects.filter(pk=session.pk).update(expire_date=expiry)
    assert client.get("/").status_code == 200
    assert client.get("/my-work/").status_code == 200
    assert Session.objects.get(pk=session.pk).expire_date == expiry


def test_the_idle_timeout_comes_early_rather_than_late_whatever_the_stamp_says() -> None:
    now = 1_000_000.0
    assert not idle.needs_touch(now - idle.SESSION_TOUCH_SECONDS + 1, now)
    assert idle.needs_touch(now - idle.SESSION_TOUCH_SECONDS, now)
    # A stamp from the future (a clock put back) or none at all: the session is saved now.
    assert idle.needs_touch(now + 5, now)
    assert idle.needs_touch(None, now)
    assert idle.needs_touch("yesterday", now)


def test_signing_out_still_ends_a_session_saved_less_than_a_minute_ago() -> None:
    client = Client()
    session = signed_in_session(client)
    last_pushed_on(client, 5)
    client.post("/sign-out/")
    assert not Session.objects.filter(pk=session.pk).exists()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_the_code_page_never_sends_you_to_another_site() -> None:
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    totp_device(worker)
    client = Client()
    password(client, worker)
    done = client.post("/sign-in/code/", {"code": current_code(worker), "next": "https://evil.example/"})
    assert done["Location"] == "/"


def test_homeward_totp_prints_the_current_code_in_development_only() -> None:
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    device = totp_device(worker)
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("totp", worker.username, stdout=out)
    assert out.getvalue().strip() == two_factor.current_code(device)
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="only in development"):
        call_command("totp", worker.username)
    with override_settings(DEBUG=True), pytest.raises(CommandError, match="no authenticator"):
        call_command("totp", UserFactory().username)


def test_the_code_is_the_rfc_6238_code_of_the_key() -> None:
    # RFC 6238 Appendix B, SHA-1, T = 59 s: 94287082, whose last 6 digits an app shows.
    device = TOTPDevice(key="3132333435363738393031323334353637383930", step=30, t0=0, digits=6, drift=0)
    assert two_factor.current_code(device, at=59) == "287082"


def test_a_code_is_accepted_once_but_tests_may_sign_in_again_with_current_code() -> None:
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    device = totp_device(worker)
    first, second = Client(), Client()
    password(first, worker)
    password(second, worker)
    code = two_factor.current_code(device)
    assert first.post("/sign-in/code/", {"code": code}).status_code == 302
    # The same code again is a replay, and refused ...
    assert second.post("/sign-in/code/", {"code": code}).status_code == 400
    # ... while the test helper's code (the device told to forget) lets a test sign in again.
    assert second.post("/sign-in/code/", {"code": current_code(worker)}).status_code == 302


def test_before_the_code_the_pages_offer_only_signing_out() -> None:
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    totp_device(worker)
    client = Client()
    password(client, worker)
    page = client.get("/sign-in/code/").content.decode()
    assert 'href="/my-work/"' not in page and "Sign out" in page
    client.post("/sign-in/code/", {"code": current_code(worker)})
    assert 'href="/my-work/"' in client.get("/").content.decode()


def test_a_lockout_also_ends_a_half_signed_in_session_elsewhere() -> None:
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    totp_device(worker)
    desk, attacker = Client(), Client()
    password(desk, worker)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        password(attacker, worker, "guess")
    response = desk.post("/sign-in/code/", {"code": current_code(worker)})
    assert response.status_code == 302 and response["Location"] == "/sign-in/"
    assert desk.get("/").status_code == 302


def test_signing_in_again_with_the_password_does_not_forgive_wrong_codes() -> None:
    # Otherwise a guesser with the password gets a fresh count of tries at the code every time.
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    totp_device(worker)
    wrong = f"{(int(current_code(worker)) + 1) % 1000000:06d}"
    statuses = []
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client = Client()
        assert password(client, worker) == 302
        TOTPDevice.objects.filter(user=worker).update(throttling_failure_count=0)
        statuses.append(client.post("/sign-in/code/", {"code": wrong}).status_code)
    assert statuses == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    # Locked: the right password and code open nothing now.
    client = Client()
    assert password(client, worker) == 429
    assert client.get("/").status_code == 302


def test_a_right_code_clears_the_count_of_earlier_mistakes() -> None:
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    totp_device(worker)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        password(client, worker, "not-the-password")
    assert password(client, worker) == 302
    assert client.post("/sign-in/code/", {"code": current_code(worker)}).status_code == 302
    client.post("/sign-out/")
    # The count started again at the right code: four more mistakes do not lock the account.
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert password(client, worker, "not-the-password") == 200
    assert password(client, worker) == 302


def test_the_session_key_is_renewed_when_the_code_is_accepted() -> None:
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    totp_device(worker)
    client = Client()
    password(client, worker)
    half = client.session.session_key
    assert half is not None and Session.objects.filter(session_key=half).exists()
    assert client.post("/sign-in/code/", {"code": current_code(worker)}).status_code == 302
    whole = client.session.session_key
    assert whole is not None and whole != half
    # The key someone saw before the code was entered opens nothing.
    assert not Session.objects.filter(session_key=half).exists()
    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = half
    assert stolen.get("/").status_code == 302
    assert client.get("/").status_code == 200
