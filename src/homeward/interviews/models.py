"""The return home interview: offered, accepted or refused, held, and what the child said."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from homeward.accounts.models import Organisation
from homeward.episodes.models import Episode
from homeward.obligations.models import Obligation


class Response(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    REFUSED = "refused", "Refused by the child"
    NO_RESPONSE = "no_response", "No response yet"


class Method(models.TextChoices):
    FACE_TO_FACE = "face_to_face", "Face to face"
    PHONE = "phone", "By phone"


class ExploitationIndicator(models.TextChoices):
    GIFTS_MONEY = "gifts_money", "Unexplained gifts, phone or money"
    OLDER_ASSOCIATES = "older_associates", "Older associates or boyfriend/girlfriend"
    COLLECTED = "collected", "Being met or collected by unknown people"
    DRUGS_ALCOHOL = "drugs_alcohol", "Given drugs or alcohol"
    CARRYING = "carrying", "Carrying drugs, money or weapons for others"
    TRAVEL = "travel", "Travel out of area (county lines)"
    SEXUAL = "sexual", "Sexual activity or images"
    RADICALISATION = "radicalisation", "Radicalisation"
    TRAFFICKING = "trafficking", "Signs of trafficking or modern slavery"


class Commission(models.Model):
    """The responsible authority asks the host authority (where the child is placed) to hold the
    return home interview (Wakefield s.5: "commissioned"; issue 16). The duty stays the
    responsible authority's: the host's interview, recorded on the same episode, meets it."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="commissions")
    obligation = models.ForeignKey(Obligation, on_delete=models.PROTECT, related_name="commissions")
    host_authority = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="commissions")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    asked_at = models.DateTimeField("When the host authority was asked")
    note = models.TextField("Note for the host authority", blank=True)
    # The host's own worker who holds it, named by the host's coordinator.
    allocated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="Worker",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commissions_allocated",
    )
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    allocated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-asked_at"]
        constraints = [
            # One request per duty: asking again would leave two authorities holding one interview.
            models.UniqueConstraint(fields=["obligation"], name="one_commission_per_duty"),
        ]

    def __str__(self) -> str:
        return f"Return home interview asked of {self.host_authority} for {self.episode}"


class ReturnInterview(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="return_interviews")
    offered_at = models.DateTimeField("When it was offered")
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    response = models.CharField(max_length=20, choices=Response.choices, default=Response.NO_RESPONSE)
    refusal_reason = models.TextField("Why the child refused", blank=True)
    # 001 s.12.9: an interview not held needs a manager's agreement on the record itself,
    # not only on the obligation it closes (there may be none, e.g. an absent episode).
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="Manager who agreed it will not be held",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    held_at = models.DateTimeField("When it was held", null=True, blank=True)
    held_where = models.CharField("Where it was held", max_length=200, blank=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="Held by",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interviews_held",
    )
    independent = models.BooleanField("Held by someone independent of the child's care", default=True)
    method = models.CharField(max_length=20, choices=Method.choices, blank=True)
    # The child's own account.
    account_where = models.TextField("Where they went", blank=True)
    account_with_whom = models.TextField("Who they were with", blank=True)
    account_why = models.TextField("Why they went missing, in their words", blank=True)
    harm = models.TextField("Harm suffered or risk of harm", blank=True)
    exploitation_indicators = models.JSONField(default=list, blank=True)
    carer_observations = models.TextField(
        "Observations of the parent or carer on return (how they looked, what they said)", blank=True
    )
    referrals = models.TextField("Referrals made", blank=True)
    plan_changes = models.TextField("What changes in the plan", blank=True)
    # Someone who is not a Homeward user held it: an independent provider's or a host
    # authority's worker, commissioned (Wakefield s.5). Named here instead of ``held_by``.
    interviewer_name = models.CharField(
        "Interviewer, if not a Homeward user (name, organisation)", max_length=200, blank=True
    )
    # Held by the host authority at the responsible authority's request: the record names the host
    # (through the commission) and its worker (``held_by``).
    commission = models.ForeignKey(
        Commission, null=True, blank=True, on_delete=models.PROTECT, related_name="interviews"
    )
    # 000 / 001 s.12.1: the child told they may speak to someone independent (an IRO, an
    # advocate) and whether they chose to; seen alone or with whom; their wishes (002 s.6:
    # "listened to and their views and opinions recorded"); the feedback given to the social
    # worker and carers (002 s.5: "liaise with the Child's social worker"). None: not answered.
    told_independent = models.BooleanField(
        "Was the child told they may speak to someone independent (an IRO, an advocate)?",
        null=True,
        blank=True,
    )
    chose_independent = models.BooleanField("Did the child choose to?", null=True, blank=True)
    seen_alone = models.BooleanField("Was the child seen alone?", null=True, blank=True)
    seen_with = models.CharField("Who else was there", max_length=200, blank=True)
    wishes = models.TextField("The child's wishes", blank=True)
    feedback = models.TextField("Feedback given to the social worker and carers", blank=True)
    # 002 s.5: the person authorising the record signs it off, once a strategy meeting the
    # episode required was held or a manager recorded why one was not considered necessary.
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField("Signed off", null=True, blank=True)
    strategy_oversight = models.TextField(
        "Why a strategy meeting was not considered necessary (management oversight)", blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised on every save: a second editor cannot silently overwrite the first (casework.versions).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-offered_at"]

    def __str__(self) -> str:
        return f"Return home interview for {self.episode}"

    def indicator_labels(self) -> list[str]:
        return [
            ExploitationIndicator(i).label
            for i in self.exploitation_indicators
            if i in ExploitationIndicator.values
        ]


class ConfirmedFinding(models.Model):
    """A finding of a return interview that a person confirmed into the child's record: a place,
    person or reason written into the Find Me plan (``plan_version``: the version it made), or a
    flag set on the child. The record names the interview as the source; a suggestion left
    unconfirmed leaves no row and changes nothing."""

    interview = models.ForeignKey(
        ReturnInterview, on_delete=models.CASCADE, related_name="confirmed_findings"
    )
    key = models.CharField(max_length=80)
    kind = models.CharField(max_length=20)
    text = models.TextField()
    # The Find Me plan's field it was written into, or "flags".
    written_to = models.CharField(max_length=40)
    plan_version = models.PositiveIntegerField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField()

    class Meta:
        ordering = ["confirmed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["interview", "key"], name="one_confirmation_per_finding"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.text} (from {self.interview})"
