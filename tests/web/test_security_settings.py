"""Production settings pass Django's deployment checks; every page carries the security headers."""

from __future__ import annotations

import importlib
import os
import secrets
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from django.test import Client, override_settings

from homeward.accounts.models import AuditEntry
from tests.api.conftest import token_for
from tests.factories import AuthorityFactory, ChildFactory, UserFactory, signed_in

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOMEWARD_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="homeward.settings.production",
        HOMEWARD_SECRET_KEY=secrets.token_urlsafe(60),
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
        HOMEWARD_ALLOWED_HOSTS="homeward.example.gov.uk",
    )
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_with_no_warnings(tmp_path: Path) -> None:
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr
    assert "identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    del env["HOMEWARD_SECRET_KEY"]
    result = manage(env, "check")
    assert result.returncode != 0
    assert "HOMEWARD_SECRET_KEY must be set in production" in result.stderr


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ModuleType:
    for name, value in production_env(tmp_path).items():
        monkeypatch.setenv(name, value)
    sys.modules.pop("homeward.settings.production", None)
    module = importlib.import_module("homeward.settings.production")
    sys.modules.pop("homeward.settings.production", None)
    return module


@pytest.mark.django_db
def test_every_page_carries_a_content_security_policy_and_the_usual_headers() -> None:
    response = Client().get("/sign-in/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "httponly" in str(response.cookies["csrftoken"]).lower()


@pytest.mark.django_db
def test_pages_about_children_are_not_cached() -> None:
    worker = UserFactory()
    child = ChildFactory(allocated_worker=worker)
    response = signed_in(worker).get(f"/children/{child.pk}/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_production_sends_hsts_and_secure_cookies(production: ModuleType) -> None:
    assert production.DEBUG is False
    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    with override_settings(
        SECURE_HSTS_SECONDS=production.SECURE_HSTS_SECONDS,
        SECURE_HSTS_INCLUDE_SUBDOMAINS=production.SECURE_HSTS_INCLUDE_SUBDOMAINS,
        SECURE_HSTS_PRELOAD=production.SECURE_HSTS_PRELOAD,
        SECURE_SSL_REDIRECT=production.SECURE_SSL_REDIRECT,
        SESSION_COOKIE_SECURE=True,
        CSRF_COOKIE_SECURE=True,
    ):
        plain = Client().get("/sign-in/")
        assert plain.status_code == 301 and plain["Location"].startswith("https://")
        response = Client().get("/sign-in/", secure=True)
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        assert "secure" in str(response.cookies["csrftoken"]).lower()


@pytest.mark.django_db
def test_production_answers_the_health_check_over_plain_http(production: ModuleType) -> None:
    # The load balancer asks over HTTP inside the network; a 301 to HTTPS reads as "down".
    with override_settings(
        SECURE_SSL_REDIRECT=production.SECURE_SSL_REDIRECT,
        SECURE_REDIRECT_EXEMPT=getattr(production, "SECURE_REDIRECT_EXEMPT", []),
    ):
        health = Client().get("/healthz")
        assert health.status_code == 200 and health.content.strip() == b"ok"
        # Nothing else is exempt: the pages and the API still go to HTTPS.
        for path in ("/sign-in/", "/healthz/x", "/api/v1/missing/", "/xhealthz"):
            assert Client().get(path).status_code == 301, path


def every_audit_row() -> list[tuple[object, ...]]:
    return list(AuditEntry.objects.values_list("pk", "object_pk", "additional_data"))


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["TRACE", "PUT", "PATCH", "DELETE", "PROPFIND"])
def test_methods_no_page_takes_are_405_and_neither_render_nor_audit(method: str) -> None:
    worker = UserFactory()
    child = ChildFactory(allocated_worker=worker)
    client = signed_in(worker)
    before = every_audit_row()
    for path in (f"/children/{child.pk}/", "/", "/reports/oversight/", "/sign-in/", "/admin/"):
        response = client.generic(method, path)
        assert response.status_code == 405, (method, path, response.status_code)
        assert response["Allow"] == "GET, HEAD, POST, OPTIONS"
        assert child.first_name not in response.content.decode()
    assert every_audit_row() == before


@pytest.mark.django_db
def test_options_says_what_a_page_takes_without_rendering_or_auditing_it() -> None:
    worker = UserFactory()
    child = ChildFactory(allocated_worker=worker)
    client = signed_in(worker)
    before = every_audit_row()
    response = client.options(f"/children/{child.pk}/")
    assert response.status_code == 200
    assert response["Allow"] == "GET, HEAD, POST, OPTIONS"
    assert response.content == b""
    assert every_audit_row() == before
    # GET still shows and records the view.
    assert client.get(f"/children/{child.pk}/").status_code == 200
    assert len(every_audit_row()) == len(before) + 1


@pytest.mark.django_db
def test_trace_on_the_api_is_a_405_in_the_apis_shape() -> None:
    token = token_for(AuthorityFactory(), "Mosaic")
    response = Client().generic("TRACE", "/api/v1/missing/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()["error"]) == {"code", "message", "fields"}
