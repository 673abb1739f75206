"""Partner systems' tokens, and the first result of every call a partner may retry.

A token belongs to an organisation (a police force, a care provider, a local
authority) and names the partner system that holds it. Only a hash of it is
kept; it is shown once, when made. Each token acts through its own service
account (inactive: it cannot sign in to the pages), so the timeline and the
audit trail say which partner system recorded or read what.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.utils import timezone

from homeward.accounts.models import Organisation, User
from homeward.episodes.models import Episode


class Scope(models.TextChoices):
    READ = "read", "Read children, episodes and open obligations"
    REPORT = "report", "Report an episode"
    GRADE = "grade", "Record a risk grading"
    POLICE = "police", "Record that the police were told, with their reference"
    FOUND = "found", "Record a child found or returned"
    RECLASSIFY = "reclassify", "Reclassify an episode"
    COMPLETE = "complete", "Complete an obligation"
    NOTE = "note", "Add a case note to an episode"
    RECORD = "record", "Record a safe and well check"


SCOPES = [scope.value for scope in Scope]
PREFIX = "hw_"


def digest(token: str) -> str:
    # Tokens are 256 random bits: a plain SHA-256 is enough (no dictionary to guess from).
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField("Partner system", max_length=200)
    scopes = models.JSONField(default=list)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters, so a person can tell tokens apart in a list.
    key_prefix = models.CharField(max_length=12, editable=False)
    account = models.OneToOneField(User, on_delete=models.PROTECT, related_name="api_token", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = "API token"

    def __str__(self) -> str:
        state = " (revoked)" if self.revoked_at else ""
        return f"{self.name}, {self.organisation}{state}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def allows(self, scope: str) -> bool:
        return scope in self.scopes

    @classmethod
    def issue(cls, organisation: Organisation, name: str, scopes: list[str]) -> tuple[ApiToken, str]:
        """Make a token and its service account; the token's text is returned here and never again."""
        text = PREFIX + secrets.token_urlsafe(32)
        account = User.objects.create(
            username=f"api-{secrets.token_hex(6)}",
            first_name=name[:150],
            last_name="(partner system)",
            organisation=organisation,
            is_active=False,
        )
        account.set_unusable_password()
        account.save(update_fields=["password"])
        token = cls.objects.create(
            organisation=organisation,
            name=name,
            scopes=scopes,
            key_hash=digest(text),
            key_prefix=text[:10],
            account=account,
        )
        return token, text

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


class Replay(models.Model):
    """The first answer to a call a partner may send again, keyed per organisation.

    ``kind`` is ``key`` for an ``Idempotency-Key`` header, ``reference`` for the
    partner's own reference of a reported episode (a police incident number).
    Only successful answers are kept: a refused call changed nothing and may be
    corrected and sent again with the same key.
    """

    KEY = "key"
    REFERENCE = "reference"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(
        max_length=10, choices=[(KEY, "Idempotency-Key"), (REFERENCE, "Partner reference")]
    )
    value = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    episode = models.ForeignKey(Episode, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    token = models.ForeignKey(ApiToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "value"], name="replay_once_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value} ({self.organisation})"
