"""The second step of signing in: the 6-digit code, or setting up an authenticator app first."""

from __future__ import annotations

from urllib.parse import urlencode

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.accounts import two_factor
from homeward.web.forms import SecurityCodeForm
from homeward.web.views.common import me, start_page

WRONG_CODE = "The security code is not right. Enter the code your authenticator app shows now."


def _next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(wanted, {request.get_host()}, require_https=request.is_secure())
    # Signing in without asking for a page lands on "/" (LOGIN_REDIRECT_URL), which the second
    # step sees as asked for: that means "where I start", which for a carer is their children.
    if not wanted or not safe or wanted == reverse("home"):
        # Signed out again (locked out by wrong codes): no one's start page, the default.
        return start_page(me(request)) if request.user.is_authenticated else reverse("home")
    return wanted


def _check(request: HttpRequest, device: TOTPDevice, form: SecurityCodeForm) -> HttpResponse | None:
    """Verify the code; a wrong one counts towards the lockout, as a wrong password does."""
    user = me(request)
    allowed, why = device.verify_is_allowed()
    if not allowed:
        until = (why or {}).get("locked_until")
        wait = f" Try again after {until:%H:%M:%S}." if until else " Wait a minute and try again."
        form.add_error("code", "Too many wrong codes in a row." + wait)
        return None
    if device.verify_token(form.cleaned_data["code"]):
        otp_login(request, device)
        # A new session key for the fully signed-in session: one seen or planted before the code
        # was entered (the password step's) must not be the one that opens the records.
        request.session.cycle_key()
        # Both factors right: only now are earlier mistakes forgiven (AXES_RESET_ON_SUCCESS is off).
        AxesProxyHandler.reset_attempts(username=user.get_username())
        return redirect(_next(request))
    form.add_error("code", WRONG_CODE)
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
    if getattr(request, "axes_locked_out", False):
        # Locked out: drop the half-signed-in session; django-axes answers with the lockout page.
        logout(request)
    return None


def _page(request: HttpRequest, template: str, form: SecurityCodeForm, **context: object) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    return render(request, template, {"form": form, "next": _next(request), **context}, status=status)


@login_required
def code(request: HttpRequest) -> HttpResponse:
    user = me(request)
    if two_factor.is_verified(user):
        return redirect(_next(request))
    device = two_factor.confirmed_device(user)
    if device is None:
        return redirect(f"{reverse('sign_in_set_up')}?{urlencode({'next': _next(request)})}")
    if AxesProxyHandler.is_locked(request, {"username": user.get_username()}):
        logout(request)
        return redirect("login")
    form = SecurityCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _check(request, device, form)
        if done is not None:
            return done
    return _page(request, "registration/code.html", form)


@login_required
def set_up(request: HttpRequest) -> HttpResponse:
    """First sign-in: show the secret (and QR code) of a new authenticator; a code from it confirms it."""
    user = me(request)
    if two_factor.confirmed_device(user) is not None:
        return redirect(f"{reverse('sign_in_code')}?{urlencode({'next': _next(request)})}")
    device = two_factor.enrolment_device(user)
    form = SecurityCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _check(request, device, form)
        if done is not None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            messages.success(
                request, "Your authenticator app is set up. You will need a code from it each time."
            )
            return done
    return _page(
        request,
        "registration/set_up.html",
        form,
        secret=two_factor.secret(device),
        uri=two_factor.otpauth_uri(device),
        qr=two_factor.qr_svg(device),
    )
