"""Production: everything secret or site-specific must come from the environment."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from homeward.settings.base import *  # noqa: F403
from homeward.settings.base import env_bool, env_list

DEBUG = False

# The demo data builder and the bench generator have no place on a live system.
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "homeward.dev"]  # noqa: F405


def required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production")
    return value


SECRET_KEY = required("HOMEWARD_SECRET_KEY")
ALLOWED_HOSTS = env_list("HOMEWARD_ALLOWED_HOSTS", "")
if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured("DATABASE_URL must be set in production (PostgreSQL)")

SECURE_SSL_REDIRECT = env_bool("HOMEWARD_SSL_REDIRECT", True)
# The load balancer's health check asks over plain HTTP inside the network and reads a redirect
# as "down"; it carries nothing about anyone (homeward.web.views.health).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
STATIC_ROOT = os.environ.get("HOMEWARD_STATIC_ROOT", str(BASE_DIR / "var" / "static"))  # noqa: F405
STORAGES = {
    **STORAGES,  # noqa: F405  (uploaded files stay private, as in development)
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
