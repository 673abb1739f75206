"""Settings shared by every environment; values come from the environment.

Development defaults are safe: SQLite in the project folder, DEBUG on, a
throwaway secret key. ``homeward.settings.production`` insists on real values.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

SRC_DIR = Path(__file__).resolve().parents[1]
BASE_DIR = SRC_DIR.parents[1]


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("HOMEWARD_SECRET_KEY", "development-only-not-secret-8b1f0c2e")
DEBUG = env_bool("HOMEWARD_DEBUG", True)
ALLOWED_HOSTS = env_list("HOMEWARD_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

# The protocol pack of the authority this deployment serves (one of
# homeward/protocols/packs, or a path to a pack YAML file). An organisation
# may name its own pack; this is the default for new local authorities.
HOMEWARD_PROTOCOL = os.environ.get("HOMEWARD_PROTOCOL", "west-mercia")
# How far ahead obligations are scheduled (what falls due if nothing changes).
HOMEWARD_SCHEDULE_DAYS = int(os.environ.get("HOMEWARD_SCHEDULE_DAYS", "35"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules",
    "auditlog",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "homeward.accounts",
    "homeward.children",
    "homeward.care",
    "homeward.episodes",
    "homeward.obligations",
    "homeward.interviews",
    "homeward.meetings",
    "homeward.notes",
    "homeward.records",
    "homeward.plans",
    "homeward.access",
    "homeward.web",
    "homeward.notifications",
    "homeward.reports",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "homeward.api",
    "homeward.commands",
    # Demo data and the bench generator (`homeward demo_data`, `homeward generate`); not in production.
    "homeward.dev",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before sessions, sign-in and audit: a method no page takes reaches none of them.
    "homeward.web.security.PageMethodsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Inside the session middleware: it marks a session in use for saving, once a minute.
    "homeward.accounts.idle.KeepSessionAliveMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # After sign-in: a page that only reads asks each access question of the database once.
    "homeward.web.security.RememberAnswersWhileReadingMiddleware",
    "homeward.accounts.two_factor.RequireSecondFactorMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Who is acting, so nobody changes their own role or organisation (accounts.own_account).
    "homeward.accounts.own_account.ActingPersonMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "homeward.web.security.SecurityHeadersMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "homeward.urls"
WSGI_APPLICATION = "homeward.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "homeward.web.context.navigation",
            ],
        },
    },
    {
        # The hot row loops (the work lists', the board's), in their own folder (each app's
        # jinja2/, which Django's engine above does not read): homeward.web.jinja says why.
        # No context processors: the pages that embed them pass what they need.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "homeward.web.jinja.environment", "keep_trailing_newline": True},
    },
]
# Forms render as GOV.UK Design System markup (homeward/web/templates/django/forms).
FORM_RENDERER = "homeward.web.forms.GovukFormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'homeward.sqlite3'}"),
        conn_max_age=int(os.environ.get("HOMEWARD_DB_CONN_MAX_AGE", "0")),
    )
}
# SQLite: a transaction takes the write lock when it begins (IMMEDIATE), so two writers queue
# for up to `timeout` seconds instead of one failing with "database is locked" when it tries
# to upgrade a read lock; WAL lets readers carry on meanwhile. (Measured: see the README's
# "Partner API", concurrency.)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
# Reports read from a replica when HOMEWARD_REPLICA_DATABASE_URL names one (homeward.reports.replica).
# Under test it mirrors the primary, as Django advises; tests/reports/test_replica.py tests
# against a separate second database of its own.
HOMEWARD_REPLICA_DATABASE_URL = os.environ.get("HOMEWARD_REPLICA_DATABASE_URL", "")
HOMEWARD_REPORTS_FROM_REPLICA = bool(HOMEWARD_REPLICA_DATABASE_URL)
if HOMEWARD_REPLICA_DATABASE_URL:
    DATABASES["replica"] = dj_database_url.parse(
        HOMEWARD_REPLICA_DATABASE_URL, conn_max_age=int(os.environ.get("HOMEWARD_DB_CONN_MAX_AGE", "0"))
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["homeward.reports.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Beyond one web process: a shared cache (Redis) when HOMEWARD_REDIS_URL is set, e.g.
# redis://127.0.0.1:6379/0. The API's per-token throttle counts in it, so every process shares one
# budget per token; sessions are read from it first and kept in the database too (cached_db), so
# a restarted Redis signs nobody out. Unset (the zero set-up default), each process has its own
# memory cache and sessions live in the database alone.
HOMEWARD_REDIS_URL = os.environ.get("HOMEWARD_REDIS_URL", "")
if HOMEWARD_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": HOMEWARD_REDIS_URL,
            "KEY_PREFIX": "homeward",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
AUTH_USER_MODEL = "accounts.User"
# Object permissions follow the professional relationship (homeward.access.relationships).
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The audit trail: django-auditlog writing to our append-only model.
AUDITLOG_LOGENTRY_MODEL = "accounts.AuditEntry"
# With its log entry swapped for ours, django-auditlog's own migrations would only make an unused
# auditlog_logentry table whose foreign key to accounts_user blocks PostgreSQL's TRUNCATE (every
# flush of a live-server or transactional test). It has no other model: skip its migrations.
MIGRATION_MODULES = {"auditlog": None}
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# In development WhiteNoise serves straight from the apps' static folders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# Uploaded files (children's photographs) are kept here and have no public address: no MEDIA_URL,
# and the storage refuses to make one. Each is served by a page that checks who may see it
# (homeward.children.files, homeward.web.views.files).
MEDIA_ROOT = Path(os.environ.get("HOMEWARD_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "homeward.children.files.PrivateStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Photos of children: small, images only (checked again in the form).
HOMEWARD_PHOTO_MAX_BYTES = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Signed out after this long without a request: a request pushes the expiry on, saving the
# session at most once a minute (accounts.idle.KeepSessionAliveMiddleware), not on every request.
SESSION_COOKIE_AGE = 60 * int(os.environ.get("HOMEWARD_SESSION_IDLE_MINUTES", "30"))
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Retention: a child's record is anonymised this many years after the later of their 18th
# birthday and the last event on it (homeward.access.retention, `homeward anonymise_expired`).
HOMEWARD_RETENTION_YEARS = int(os.environ.get("HOMEWARD_RETENTION_YEARS", "7"))
# Emergency access (README "Emergency access"): how long a duty worker's stated reason opens a
# child's record outside their relationships, before they must state one again.
HOMEWARD_EMERGENCY_ACCESS_HOURS = int(os.environ.get("HOMEWARD_EMERGENCY_ACCESS_HOURS", "4"))

# Two-factor sign-in (django-otp TOTP) for every account; see homeward.accounts.two_factor.
OTP_TOTP_ISSUER = "Homeward"
# django-otp's own admin views never show a secret or its QR code (ours shows none of it anyway).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Lockout after repeated failures (django-axes): wrong passwords and wrong codes both count.
AXES_FAILURE_LIMIT = int(os.environ.get("HOMEWARD_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("HOMEWARD_LOCKOUT_MINUTES", "15")))
# By username only: a council office signs in from one address, and a lockout by address would
# stop every colleague there after one person's mistakes (so axes.W006 is silenced on purpose).
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# Not reset by the password alone: a correct password followed by wrong codes, again and again,
# would never lock the account. The count is cleared once the code is right too
# (homeward.web.views.sign_in).
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Content Security Policy (django-csp): only our own scripts, styles, fonts and images; no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HOMEWARD_LOG_LEVEL", "INFO")},
}

# Notifications (homeward.notifications): e-mail from the `homeward notify` worker.
# Links in messages are absolute: the address people reach the service at.
HOMEWARD_BASE_URL = os.environ.get("HOMEWARD_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "notify": "homeward.notifications.govuk_notify.NotifyEmailBackend",
}
# Development writes each e-mail to a file in var/mail; production sends by SMTP.
_email_backend = os.environ.get("HOMEWARD_EMAIL_BACKEND", "file" if DEBUG else "smtp")
if _email_backend not in EMAIL_BACKENDS and "." not in _email_backend:
    raise ImproperlyConfigured(
        f"HOMEWARD_EMAIL_BACKEND: unknown backend {_email_backend!r} "
        f"(use one of {', '.join(EMAIL_BACKENDS)}, or a dotted path to a backend class)"
    )
EMAIL_BACKEND = EMAIL_BACKENDS.get(_email_backend, _email_backend)
EMAIL_FILE_PATH = os.environ.get("HOMEWARD_EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = os.environ.get("HOMEWARD_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("HOMEWARD_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("HOMEWARD_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("HOMEWARD_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("HOMEWARD_EMAIL_STARTTLS", False)
EMAIL_USE_SSL = env_bool("HOMEWARD_EMAIL_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("HOMEWARD_EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("HOMEWARD_EMAIL_FROM", "Homeward <homeward@localhost>")
# The right-hand side of each message's Message-ID.
HOMEWARD_EMAIL_DOMAIN = os.environ.get("HOMEWARD_EMAIL_DOMAIN", "homeward.invalid")
HOMEWARD_NOTIFY_API_KEY = os.environ.get("HOMEWARD_NOTIFY_API_KEY", "")
HOMEWARD_NOTIFY_TEMPLATE_ID = os.environ.get("HOMEWARD_NOTIFY_TEMPLATE_ID", "")
HOMEWARD_NOTIFY_BASE_URL = os.environ.get(
    "HOMEWARD_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk"
)
# The worker: seconds between passes, messages per pass, how long a claim holds.
HOMEWARD_NOTIFY_INTERVAL = float(os.environ.get("HOMEWARD_NOTIFY_INTERVAL", "10"))
HOMEWARD_NOTIFY_BATCH = int(os.environ.get("HOMEWARD_NOTIFY_BATCH", "50"))
HOMEWARD_NOTIFY_LEASE_SECONDS = int(os.environ.get("HOMEWARD_NOTIFY_LEASE_SECONDS", "300"))
# A failed send waits this long, doubling each time up to the longest.
HOMEWARD_NOTIFY_RETRY_FIRST = int(os.environ.get("HOMEWARD_NOTIFY_RETRY_FIRST", "60"))
HOMEWARD_NOTIFY_RETRY_LONGEST = int(os.environ.get("HOMEWARD_NOTIFY_RETRY_LONGEST", "3600"))
# Obligations that opened longer ago than this are left to the digest, not announced.
HOMEWARD_NOTIFY_LOOKBACK_HOURS = int(os.environ.get("HOMEWARD_NOTIFY_LOOKBACK_HOURS", "48"))
# Local time the daily digest goes out (HH:MM, Europe/London).
HOMEWARD_DIGEST_AT = os.environ.get("HOMEWARD_DIGEST_AT", "07:00")

# The partner API (homeward.api): Django REST framework, tokens per partner system.
HOMEWARD_API_RATE = os.environ.get("HOMEWARD_API_RATE", "600/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["homeward.api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["homeward.api.permissions.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["homeward.api.throttling.PerTokenThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["homeward.api.parsers.BoundedJSONParser"],
    "EXCEPTION_HANDLER": "homeward.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Homeward partner API",
    "DESCRIPTION": "Police, care providers and local authorities report and follow episodes of children "
    "missing from home or care. Authenticate with `Authorization: Bearer <token>`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its documentation hold no one's data: open without a token.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CategoryEnum": "homeward.episodes.models.Category",
        "RiskLevelEnum": "homeward.episodes.models.RiskLevel",
        "NoteKindEnum": "homeward.notes.models.NoteKind",
    },
}
