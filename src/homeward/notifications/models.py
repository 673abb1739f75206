"""Messages to the people obligations fall to: the outbox the worker e-mails from, and each person's inbox.

A message is written in the same transaction as the obligation change that
calls for it (or, for an obligation that opens later, by the worker when it
opens) and is shown in the recipient's inbox at once. The worker e-mails it;
``delivery`` and the lease fields record how far that has gone.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models

from homeward.accounts.models import Organisation, Team
from homeward.children.models import Child, WarningNotice
from homeward.episodes.models import Event
from homeward.meetings.models import Action, Invitation, PanelAction
from homeward.obligations.models import Allocation, Chase, Obligation


class Kind(models.TextChoices):
    OPENED = "opened", "Now open"
    OUT_OF_HOURS = "out_of_hours", "Out of hours, for the emergency duty team"
    TEAM_MANAGER = "team_manager", "Overdue, escalated to the team manager"
    SERVICE_MANAGER = "service_manager", "Still overdue, escalated to the service manager"
    DIGEST = "digest", "Daily digest"
    ALLOCATED = "allocated", "Allocated to you"
    REALLOCATED = "reallocated", "Reassigned to someone else"
    CHILD_NEWS = "child_news", "News of a child you work with"
    EMERGENCY_ACCESS = "emergency_access", "Emergency access to review (privacy lead)"
    INVITED = "invited", "Invited to a meeting"
    ACTION = "action", "A meeting's action given to you"
    ACTION_OVERDUE = "action_overdue", "Your action is overdue"
    ACTION_ESCALATED = "action_escalated", "An action is overdue, escalated to the team manager"
    COMMISSIONED = "commissioned", "A return home interview asked of your authority"
    CHASED = "chased", "Chased by a manager"
    WARNING_NOTICE = "warning_notice", "An adult under a warning notice named on an episode"


# Messages about one obligation as it stands: not e-mailed once it has closed or gone.
ABOUT_OBLIGATION = (Kind.OPENED, Kind.OUT_OF_HOURS, Kind.TEAM_MANAGER, Kind.SERVICE_MANAGER)
# Chasing a meeting's action: not e-mailed once the action is done or no longer needed.
CHASING_ACTION = (Kind.ACTION_OVERDUE, Kind.ACTION_ESCALATED)


class Delivery(models.TextChoices):
    PENDING = "pending", "Waiting to be e-mailed"
    # Claimed by one worker until ``lease_until``: no other worker takes it meanwhile.
    SENDING = "sending", "Being e-mailed"
    SENT = "sent", "E-mailed"
    # The mail server refused it for good (a bad address); in the inbox only.
    FAILED = "failed", "Refused by the mail server"
    # Nothing to e-mail to, or the obligation closed before the e-mail went.
    NOT_SENT = "not_sent", "Not e-mailed"


class OutOfHours(models.Model):
    """An authority's office hours and its emergency duty team.

    Working hours are the authority's, not the pack's: one protocol (West
    Mercia's serves four councils) covers authorities whose offices and duty
    teams keep different hours, and the seeds say only "out of hours" (Wakefield
    s.3 and s.9, SET guidance s.2.5), never which hours. Bank holidays come from
    the protocol calendar.
    """

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="out_of_hours")
    emergency_duty_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    working_day_starts = models.TimeField(default=time(9, 0))
    working_day_ends = models.TimeField(default=time(17, 0))

    class Meta:
        verbose_name = "out-of-hours arrangement"

    def __str__(self) -> str:
        return f"Out of hours for {self.organisation}"


class Message(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Kept when the obligation is re-evaluated away, so a sent message stays in the inbox.
    obligation = models.ForeignKey(
        Obligation, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    # The digest's day (Europe/London); empty for messages about one obligation.
    day = models.DateField(null=True, blank=True)
    # A duty allocated or reassigned: the new person and the one it was taken from are told.
    allocation = models.ForeignKey(
        Allocation, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    # What happened to a child (reported, graded, reclassified, found), told to the child's own people.
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # A meeting arranged: each person invited is told (meetings.Invitation).
    invitation = models.ForeignKey(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    # A meeting's action: its owner is told, chased once it is overdue, and their manager after.
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    # A panel's action (MACE, pre-MACE, organisational review): told, chased and escalated as a
    # meeting's action is, with the same kinds.
    panel_action = models.ForeignKey(
        PanelAction, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    # A manager chased the person a duty falls to (obligations.Chase): one message per chase.
    chase = models.ForeignKey(
        Chase, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    # A warning notice's adult named as an associate on another episode (001 s.14.21-14.22): the
    # episode's report is ``event``; one message per notice, episode and coordinator.
    warning_notice = models.ForeignKey(
        WarningNotice, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    subject = models.CharField(max_length=300)
    body = models.TextField()
    link = models.CharField(max_length=500)
    # Sent as the e-mail's Message-ID (and Notify's reference): a resend after a
    # crash carries the same one, so it can be recognised as the same message.
    message_id = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField()
    # Until when the recipient may open what the message is about (empty: for as long as the
    # obligation is open). Out of hours the duty team acts only until the office opens again.
    acts_until = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_by = models.CharField(max_length=200, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Nothing is queued twice: the write path and the worker may both try.
            models.UniqueConstraint(
                fields=["obligation", "recipient", "kind"],
                condition=models.Q(obligation__isnull=False),
                name="message_once_per_obligation",
            ),
            models.UniqueConstraint(
                fields=["recipient", "kind", "day"],
                condition=models.Q(day__isnull=False),
                name="message_once_per_day",
            ),
            models.UniqueConstraint(
                fields=["allocation", "recipient", "kind"],
                condition=models.Q(allocation__isnull=False),
                name="message_once_per_allocation",
            ),
            models.UniqueConstraint(
                fields=["event", "recipient", "kind"],
                condition=models.Q(event__isnull=False, warning_notice__isnull=True),
                name="message_once_per_event",
            ),
            models.UniqueConstraint(
                fields=["warning_notice", "event", "recipient"],
                condition=models.Q(warning_notice__isnull=False),
                name="message_once_per_warning_notice_episode",
            ),
            models.UniqueConstraint(
                fields=["invitation", "recipient", "kind"],
                condition=models.Q(invitation__isnull=False),
                name="message_once_per_invitation",
            ),
            models.UniqueConstraint(
                fields=["action", "recipient", "kind"],
                condition=models.Q(action__isnull=False),
                name="message_once_per_action",
            ),
            models.UniqueConstraint(
                fields=["panel_action", "recipient", "kind"],
                condition=models.Q(panel_action__isnull=False),
                name="message_once_per_panel_action",
            ),
            models.UniqueConstraint(
                fields=["chase", "recipient", "kind"],
                condition=models.Q(chase__isnull=False),
                name="message_once_per_chase",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="message_to_send",
                condition=models.Q(delivery__in=["pending", "sending"]),
            ),
            models.Index(fields=["recipient", "read_at"], name="message_inbox"),
        ]

    def __str__(self) -> str:
        # Not the subject: this is what the admin shows, and a subject is about a child's work.
        return f"Message {self.message_id}"


def about_child(child: Child) -> models.Q:
    """The messages about one child's work (subject access lists them; retention blanks them)."""
    return (
        models.Q(obligation__child=child)
        | models.Q(allocation__child=child)
        | models.Q(event__child=child)
        | models.Q(invitation__arrangement__child=child)
        | models.Q(action__meeting__child=child)
        | models.Q(chase__child=child)
    )
