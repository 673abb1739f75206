"""What the authority's protocol pack asks of whom, stored as the engine computed it.

Rows are replaced by re-evaluation only (obligations.evaluation); a person
closes one by appending a ``completed`` event through the episodes write path.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from homeward.children.models import Child, Establishment
from homeward.episodes.models import Episode
from homeward.protocols.vocabulary import KINDS, RECIPIENTS


class Outcome(models.TextChoices):
    DONE = "done", "Done"
    DECLINED = "declined", "Declined"
    NOT_REQUIRED = "not_required", "Not required"
    CANCELLED = "cancelled", "No longer needed (child found)"


class ObligationQuerySet(models.QuerySet["Obligation"]):
    def opened(self, now: datetime | None = None) -> ObligationQuerySet:
        return self.filter(opens_at__lte=now or timezone.now())

    def outstanding(self, now: datetime | None = None) -> ObligationQuerySet:
        """Opened and not closed: what someone still has to do."""
        return self.opened(now).filter(outcome="")

    def overdue(self, now: datetime | None = None) -> ObligationQuerySet:
        now = now or timezone.now()
        return self.outstanding(now).filter(due_at__lt=now)


class Obligation(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="obligations")
    episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.CASCADE, related_name="obligations"
    )
    rule = models.CharField(max_length=120)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=40, choices=[(k, k.replace("_", " ")) for k in KINDS])
    requirement = models.CharField(max_length=10)
    recipient = models.CharField(max_length=40, blank=True, choices=[(r, d) for r, d in RECIPIENTS.items()])
    establishment = models.ForeignKey(Establishment, null=True, blank=True, on_delete=models.SET_NULL)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    opens_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)
    cites = models.CharField(max_length=300)
    note = models.TextField(blank=True)
    # Empty while outstanding; otherwise how it closed.
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    # Which pack and version raised it, and why it is due, in the words the engine gave when it
    # was stored (REPLAY.md, "Protocol versions and explanations"): the "Why is this due?" page
    # and the partner API show these, never a re-reading of today's pack.
    protocol = models.CharField(max_length=120, blank=True)
    version = models.CharField(max_length=40, blank=True)
    because = models.JSONField(default=list, blank=True)  # the events that raised it (REPLAY.md)
    why = models.TextField(blank=True)  # REPLAY.md's "reason": one sentence
    due_because = models.TextField(blank=True)  # how the due time was worked out
    closes_when = models.TextField(blank=True)  # what would close it (or what did)
    falls_to = models.CharField(max_length=30, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="obligations"
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="obligations"
    )
    # A coordinator's or team manager's allocation to a named person (002 s.3: "the Return Home
    # Interview task can be allocated"): it wins over the assignee re-evaluation computes, every
    # time (casework.evaluation.store), and later repeats of the same duty inherit it.
    allocated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    allocated_at = models.DateTimeField(null=True, blank=True)
    # Nobody named for it: no one allocated it, and the child's record names no one for the role,
    # so it fell to nobody or to the first person of the role here by default. The queue of
    # unallocated work lists these.
    unallocated = models.BooleanField(default=False)

    objects = ObligationQuerySet.as_manager()

    class Meta:
        ordering = ["opens_at", "id"]
        indexes = [
            # "My work" and the overdue view read only outstanding rows.
            models.Index(
                fields=["assignee", "due_at"],
                name="obligation_outstanding_mine",
                condition=models.Q(outcome=""),
            ),
            models.Index(
                fields=["team", "due_at"], name="obligation_outstanding_team", condition=models.Q(outcome="")
            ),
            models.Index(fields=["child", "opens_at"], name="obligation_child"),
            # The board's next deadline per open episode, and what is due on a child's page: open
            # work only, so years of closed obligations are never read for them.
            models.Index(
                fields=["episode", "due_at"],
                name="obligation_outstanding_episode",
                condition=models.Q(outcome=""),
            ),
            models.Index(
                fields=["child", "opens_at"],
                name="obligation_outstanding_child",
                condition=models.Q(outcome=""),
            ),
            # The queue of unallocated work, per team and role.
            models.Index(
                fields=["team", "falls_to"],
                name="obligation_unallocated",
                condition=models.Q(outcome="", unallocated=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.child})"

    def status(self, now: datetime | None = None) -> str:
        now = now or timezone.now()
        if self.outcome:
            return str(self.outcome)
        if self.opens_at > now:
            return "scheduled"
        if self.due_at is not None and now > self.due_at:
            return "overdue"
        return "open"

    @property
    def is_outstanding(self) -> bool:
        return not self.outcome and self.opens_at <= timezone.now()

    @property
    def key(self) -> tuple[object, ...]:
        return (self.rule, self.child_id, self.episode_id, self.recipient, self.level, self.opens_at)


class Allocation(models.Model):
    """A duty allocated, or reassigned, to a named person: by whom, when, from whom.

    Kept when re-evaluation replaces the obligation row (``obligation`` goes null; the copies
    stay), audited (``homeward.access.audit``), and both people are told
    (``casework.outbox.announce_allocation``).
    """

    obligation = models.ForeignKey(
        Obligation, null=True, blank=True, on_delete=models.SET_NULL, related_name="allocations"
    )
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="allocations")
    episode = models.ForeignKey(Episode, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=300)
    to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    previous = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.title}: allocated to {self.to.get_full_name() or self.to.username}"


class Chase(models.Model):
    """A manager's reminder to the person an open duty falls to: who chased, whom, when, and why.

    The person is told through the outbox (``casework.outbox.announce_chase``). Kept when
    re-evaluation replaces the obligation row, like an allocation, and audited.
    """

    obligation = models.ForeignKey(
        Obligation, null=True, blank=True, on_delete=models.SET_NULL, related_name="chases"
    )
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="chases")
    episode = models.ForeignKey(Episode, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=300)
    to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.title}: chased"


class ProtocolAdoption(models.Model):
    """An authority works to this pack, at this version, from this instant (REPLAY.md, "Protocol
    versions and explanations"). Its first adoption is its ``Organisation.protocol`` (from the
    beginning); each record is a later one. Each obligation is raised by the adoption in force
    at its occasion (``obligations.evaluation.history_of``), so a duty raised before an
    adoption keeps its due time after it. Recorded by the coordinator or a senior manager with
    a reason (``casework.protocols``), audited; never edited: a mistake is corrected by another
    adoption.
    """

    authority = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="protocol_adoptions"
    )
    pack = models.CharField(max_length=120)  # the pack's id, e.g. west-mercia
    version = models.CharField(max_length=40)
    # The pack as adopted: a later release of the shipped pack never changes what this adoption
    # raised (nor the explanations stored with it).
    text = models.TextField()
    in_force_from = models.DateTimeField()
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["authority", "in_force_from", "id"]

    def __str__(self) -> str:
        return f"{self.pack} {self.version} from {self.in_force_from:%d %b %Y %H:%M}"
