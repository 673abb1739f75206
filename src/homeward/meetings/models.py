"""Strategy, intervention and MACE meetings: who came, what was decided, who does what."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from homeward.accounts.models import Organisation
from homeward.children.models import Child
from homeward.episodes.models import Episode
from homeward.obligations.models import Obligation


class MeetingKind(models.TextChoices):
    STRATEGY = "strategy", "Strategy meeting or discussion"
    INTERVENTION = "intervention", "Inter-agency intervention meeting"
    MACE = "mace", "MACE or pre-MACE panel"
    REVIEW = "review", "Review, conference or panel"
    # One child's part of a briefing (``BriefingItem.meeting``): what was agreed for them there.
    BRIEFING = "briefing", "Daily missing briefing"
    OVERSIGHT = "oversight", "Weekly oversight meeting with the police"


# Meetings about every child missing now, recorded as a ``Briefing``: never one child's meeting
# recorded on its own (the single-child forms do not offer them).
BRIEFING_KINDS = (MeetingKind.BRIEFING, MeetingKind.OVERSIGHT)


# Which obligation a meeting of each kind meets.
OBLIGATION_KIND = {
    MeetingKind.STRATEGY: "strategy_meeting",
    MeetingKind.INTERVENTION: "intervention_meeting",
    MeetingKind.REVIEW: "review_meeting",
}


class Meeting(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="meetings")
    episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    level = models.PositiveSmallIntegerField("Intervention level", null=True, blank=True)
    held_at = models.DateTimeField("When it was held")
    chair = models.CharField(max_length=200, blank=True)
    attendees = models.TextField("Who attended (name, role, agency)")
    apologies = models.TextField(blank=True)
    summary = models.TextField("Information shared", blank=True)
    decisions = models.TextField()
    section_47 = models.BooleanField("Section 47 enquiry agreed", default=False)
    # "It should be agreed what the family will be told, and how often" (Greenwich, 000).
    family_told = models.TextField("What the family will be told, and how often", blank=True)
    police_present = models.BooleanField("The police were represented", default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.child} on {self.held_at:%d %b %Y}"


class Arrangement(models.Model):
    """A meeting arranged before it is held: when, where, whom it invites. Holding it records a
    ``Meeting`` (which meets the duty, as recording one always has); deciding not to hold it
    records the rationale (Wakefield s.8) and declines the duty."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="arrangements")
    episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.PROTECT, related_name="arrangements"
    )
    # The duty that asked for it (a strategy or intervention meeting), if one did.
    obligation = models.ForeignKey(
        Obligation, null=True, blank=True, on_delete=models.SET_NULL, related_name="arrangements"
    )
    kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    level = models.PositiveSmallIntegerField("Intervention level", null=True, blank=True)
    starts_at = models.DateTimeField("When it will be held")
    place = models.CharField("Where", max_length=300, blank=True)
    call_details = models.TextField("Call details (link, dial-in)", blank=True)
    chair = models.CharField(max_length=200, blank=True)
    arranged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    arranged_at = models.DateTimeField(auto_now_add=True)
    # The record of it, once held.
    meeting = models.OneToOneField(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="arrangement"
    )
    # A decision not to hold it, and why (Wakefield s.8: "the rationale for this decision should be
    # clearly recorded").
    not_held_reason = models.TextField("Why it will not be held", blank=True)
    not_held_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.child} at {self.starts_at:%d %b %Y %H:%M}"

    @property
    def open(self) -> bool:
        return self.meeting_id is None and self.not_held_at is None


class Attendance(models.TextChoices):
    INVITED = "", "Invited"
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Sent apologies"
    ABSENT = "absent", "Absent"


class Invitation(models.Model):
    """One person invited: someone in Homeward (told through the outbox, shown in My work) or a
    named outside contact."""

    arrangement = models.ForeignKey(Arrangement, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations"
    )
    name = models.CharField(max_length=200)
    role = models.CharField("Role and agency", max_length=200, blank=True)
    # Why they are invited: the pack's citation for a role it names, or "added".
    why = models.CharField(max_length=300, blank=True)
    police = models.BooleanField(default=False)
    attendance = models.CharField(max_length=10, choices=Attendance.choices, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["arrangement", "person"],
                condition=models.Q(person__isnull=False),
                name="invitation_once_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name


class ActionState(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "No longer needed"


class Action(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField("Action")
    # A person in Homeward (it shows in their My work, is chased and escalated), or a named
    # outside contact (``owner`` alone).
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    owner = models.CharField("Who will do it", max_length=200, blank=True)
    due_on = models.DateField("By when", null=True, blank=True)
    state = models.CharField(max_length=10, choices=ActionState.choices, default=ActionState.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closing_note = models.TextField("What was done", blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(
                fields=["assignee", "due_on"], name="action_open_mine", condition=models.Q(state="open")
            )
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def who(self) -> str:
        if self.assignee is not None:
            return self.assignee.get_full_name() or self.assignee.username
        return self.owner

    def overdue(self, today: object) -> bool:
        return self.state == ActionState.OPEN and self.due_on is not None and self.due_on < today  # type: ignore[operator]


# --- the daily missing briefing and weekly oversight with the police ----------------------------


class Briefing(models.Model):
    """The daily missing briefing (Wakefield 002 s.4: the coordinator, the MASH and the police
    "discuss the children who have been reported missing and agree on actions") or a weekly
    oversight meeting with the police (Greenwich 000): one record about every child missing now.

    Each child discussed is a ``BriefingItem``; what was agreed for them is a ``Meeting`` of the
    briefing's kind about that child, so its actions are tracked, chased and shown in My work as
    any meeting's are, and the child's record lists it."""

    authority = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="briefings")
    kind = models.CharField(
        max_length=20,
        choices=[(k.value, k.label) for k in BRIEFING_KINDS],
        default=MeetingKind.BRIEFING,
    )
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    chair = models.CharField("Who chaired it", max_length=200, blank=True)
    # The briefing of this kind before it: "returned since the last briefing" counts from it.
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.started_at:%d %b %Y}"


class BriefingAttendance(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Sent apologies"


class BriefingAttendee(models.Model):
    """Someone at the briefing: a person in Homeward, or a named outside contact (``person`` None)."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="attendees")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="briefings_attended",
    )
    name = models.CharField(max_length=200)
    role = models.CharField("Role and agency", max_length=200, blank=True)
    police = models.BooleanField(default=False)
    attendance = models.CharField(
        max_length=10, choices=BriefingAttendance.choices, default=BriefingAttendance.PRESENT
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["briefing", "person"],
                condition=models.Q(person__isnull=False),
                name="briefing_attendee_once_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name


class ItemReason(models.TextChoices):
    MISSING = "missing", "Missing now"
    RETURNED = "returned", "Returned since the last briefing"
    CARRIED = "carried", "Actions still open from an earlier briefing"


class BriefingItem(models.Model):
    """One child on the briefing's agenda, and (once discussed) what was agreed and by whom."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="items")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="briefing_items")
    episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.PROTECT, related_name="briefing_items"
    )
    reason = models.CharField("Why they are on the agenda", max_length=10, choices=ItemReason.choices)
    position = models.PositiveSmallIntegerField(default=0)
    # What was agreed (the decisions) and its actions, once the child has been discussed.
    meeting = models.OneToOneField(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="briefing_item"
    )
    agreed_by = models.CharField("Who agreed it", max_length=300, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["briefing", "child"], name="briefing_item_once_per_child")
        ]

    def __str__(self) -> str:
        return f"{self.child} at {self.briefing}"


# --- panels about places and people: MACE, pre-MACE and organisational reviews -----------------


class PanelKind(models.TextChoices):
    # Greenwich (000) MACE; Essex (004) s.7 MACE and pre-MACE.
    MACE = "mace", "MACE panel"
    PRE_MACE = "pre_mace", "Pre-MACE panel"
    # West Mercia (001) s.14.24-14.26: a meeting about a home with many episodes (WM11).
    ORGANISATIONAL_REVIEW = "organisational_review", "Organisational review of a home"


class Panel(models.Model):
    """A panel held by an authority about several children, the places they go and the adults
    linked to them, and what was agreed to disrupt. Each child on it shows only to someone who
    may see that child (``access.visible.panel_children``), never by virtue of the panel alone."""

    authority = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="panels")
    kind = models.CharField(max_length=30, choices=PanelKind.choices)
    held_at = models.DateTimeField("When it was held")
    chair = models.CharField("Who chaired it", max_length=200)
    attendees = models.TextField("Who attended (name, role, agency)")
    discussed = models.TextField("What was discussed")
    disruption = models.TextField("What was agreed to disrupt", blank=True)
    # Organisational reviews (001 s.14.24-14.26): what the review found, and any report to Ofsted.
    findings = models.TextField("What the review found", blank=True)
    reported_to_ofsted_on = models.DateField("When it was reported to Ofsted", null=True, blank=True)
    ofsted_reference = models.CharField("Ofsted reference", max_length=100, blank=True)
    # The duty it meets (WM11: an organisational review of a home), if one asked for it.
    obligation = models.ForeignKey(
        Obligation, null=True, blank=True, on_delete=models.SET_NULL, related_name="panels"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.held_at:%d %b %Y}"


class PanelAttendee(models.Model):
    """Someone in Homeward at the panel (named outside attendees are in ``Panel.attendees``)."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="panels_attended"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "person"], name="panel_attendee_once_per_person")
        ]


class PanelChild(models.Model):
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="children")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="panel_items")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["panel", "child"], name="panel_child_once")]

    def __str__(self) -> str:
        return f"{self.child} at {self.panel}"


class PlaceKind(models.TextChoices):
    HOME = "home", "A children's home or placement"
    ADDRESS = "address", "An address"
    HOTSPOT = "hotspot", "A hotspot (park, shop, station, area)"


class PanelPlace(models.Model):
    """A place the panel discussed: a home from Homeward's establishments, or a free address or
    hotspot."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="places")
    kind = models.CharField(max_length=10, choices=PlaceKind.choices)
    establishment = models.ForeignKey(
        "children.Establishment", null=True, blank=True, on_delete=models.PROTECT, related_name="panel_places"
    )
    description = models.CharField("Address or description", max_length=300, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.establishment) if self.establishment_id else self.description


class PanelAdult(models.Model):
    """An adult linked to the children discussed."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="adults")
    name = models.CharField(max_length=200)
    description = models.TextField("Description", blank=True)
    link = models.TextField("How they are linked to the children")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class PanelAction(models.Model):
    """An action agreed at the panel: the same shape as a meeting's ``Action``."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField("Action")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="panel_actions",
    )
    owner = models.CharField("Who will do it", max_length=200, blank=True)
    due_on = models.DateField("By when", null=True, blank=True)
    state = models.CharField(max_length=10, choices=ActionState.choices, default=ActionState.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closing_note = models.TextField("What was done", blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(
                fields=["assignee", "due_on"],
                name="panel_action_open_mine",
                condition=models.Q(state="open"),
            )
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def who(self) -> str:
        if self.assignee is not None:
            return self.assignee.get_full_name() or self.assignee.username
        return self.owner

    def overdue(self, today: object) -> bool:
        return self.state == ActionState.OPEN and self.due_on is not None and self.due_on < today  # type: ignore[operator]
