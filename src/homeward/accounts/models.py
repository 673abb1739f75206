"""Organisations, teams and the people who use Homeward, in the roles the seeds name."""

from __future__ import annotations

from typing import Any, NoReturn

import rules.permissions
from auditlog.models import AbstractLogEntry, LogEntryManager
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from homeward.protocols.pack import PackError, load_pack


class OrganisationKind(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    POLICE_FORCE = "police_force", "Police force"
    CARE_PROVIDER = "care_provider", "Care provider"
    SCHOOL = "school", "School"


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", "Social worker"
    TEAM_MANAGER = "team_manager", "Team manager"
    MISSING_COORDINATOR = "missing_coordinator", "Missing Children Coordinator"
    MASH_OFFICER = "mash_officer", "MASH officer"
    RETURN_INTERVIEW_WORKER = "return_interview_worker", "Return interview worker"
    IRO = "iro", "Independent Reviewing Officer"
    POLICE_LIAISON = "police_liaison", "Police liaison officer"
    CARER = "carer", "Carer"
    SENIOR_MANAGER = "senior_manager", "Senior manager"
    ANALYST = "analyst", "Analyst"
    ADMINISTRATOR = "administrator", "Administrator"


def validate_protocol(value: str) -> None:
    try:
        load_pack(value)
    except PackError as exc:
        raise ValidationError(str(exc)) from None


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    # The local protocol this authority works to (a pack name or pack file).
    protocol = models.CharField(max_length=200, blank=True, validators=[validate_protocol])
    # A local authority: the police force covering its area, which is told of episodes there
    # (so the force's liaison officers see them).
    police_force = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="areas_policed",
        limit_choices_to={"kind": "police_force"},
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == OrganisationKind.LOCAL_AUTHORITY and not self.protocol:
            raise ValidationError({"protocol": "A local authority needs a protocol pack."})


class Team(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    manager = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="managed_teams"
    )
    # A service manager above the team manager, for escalation.
    service_manager = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class User(AbstractUser):
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    role = models.CharField(max_length=30, choices=Role.choices, blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    # Carers: the home or foster household they work in.
    establishment = models.ForeignKey(
        "children.Establishment", null=True, blank=True, on_delete=models.SET_NULL, related_name="carers"
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        # Whom an obligation falls to is found by role (the authority's coordinator, the first
        # police liaison officer): without this, a scan of every person in the country.
        indexes = [models.Index(fields=["role", "organisation"], name="user_role")]

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        # A child's record opens by relationship alone: not to a superuser as such, nor to a
        # group holding Django's model permission of the same name. The relationships register
        # their permissions with django-rules (homeward.access.relationships); its registry
        # answers, so this app need not know them.
        if rules.permissions.perm_exists(perm):  # type: ignore[no-untyped-call]
            return self.is_active and bool(rules.permissions.has_perm(perm, self, obj))  # type: ignore[no-untyped-call]
        return super().has_perm(perm, obj)

    def __str__(self) -> str:
        name = self.get_full_name() or self.username
        return f"{name} ({self.get_role_display()})" if self.role else name


class AuditTrailIsPermanent(Exception):
    """An audit row was about to be changed or removed: the trail is append-only."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditTrailIsPermanent("Audit rows cannot be changed.")

    def delete(self) -> NoReturn:
        raise AuditTrailIsPermanent("Audit rows cannot be deleted.")


class AuditEntry(AbstractLogEntry):  # type: ignore[misc]
    """One row of the audit trail (django-auditlog's log entry, AUDITLOG_LOGENTRY_MODEL).

    Who created, changed or viewed which record, when, and from which address.
    Rows are written once: saving an existing row, deleting one, or a bulk
    update or delete raises, whoever asks (the admin grants no change or delete
    either). Only a retention job may anonymise (``homeward.access.audit``).
    """

    # A person who has touched a child's record stays on the trail: deactivate, never delete.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        blank=True,
        null=True,
        related_name="+",
        verbose_name="actor",
    )

    objects = LogEntryManager.from_queryset(AuditEntryQuerySet)()

    class Meta(AbstractLogEntry.Meta):  # type: ignore[misc]
        verbose_name = "audit entry"
        verbose_name_plural = "audit trail"
        indexes = [models.Index(fields=["content_type", "object_pk", "-timestamp"], name="audit_object")]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditTrailIsPermanent("Audit rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditTrailIsPermanent("Audit rows cannot be deleted.")
