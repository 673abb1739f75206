"""Episodes and the timeline of events they are made of.

``Event`` is the record: append-only, one row per thing that happened, in the
vocabulary of REPLAY.md. ``Episode`` holds what was asked when it was reported
(the West Mercia per-episode form) and a projection of its events for lists.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from homeward.accounts.models import Organisation
from homeward.children.models import Child
from homeward.children.police import force_for


class Category(models.TextChoices):
    MISSING = "missing", "Missing"
    ABSENT = "absent", "Absent"
    AWAY = "away", "Away from placement without authorisation"


class RiskLevel(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"
    VERY_LOW = "very_low", "Very low"
    NO_APPARENT_RISK = "no_apparent_risk", "No apparent risk"


class PushFactor(models.TextChoices):
    FAMILY_CONFLICT = "family_conflict", "Conflict or break-up at home"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    PARENT_SUBSTANCES = "parent_substances", "Parental drug or alcohol use"
    ABUSE_NEGLECT = "abuse_neglect", "Abuse or neglect"
    UNFAIR_TREATMENT = "unfair_treatment", "Sense of unfair treatment or rejection"
    BULLYING = "bullying", "Bullying"
    PLACEMENT_UNHAPPY = "placement_unhappy", "Unhappy in placement"
    MENTAL_HEALTH = "mental_health", "Mental health problems"
    SCHOOL = "school", "Problems at school"


class PullFactor(models.TextChoices):
    FRIENDS_FAMILY = "friends_family", "To be near friends or family"
    RELATIONSHIP = "relationship", "A boyfriend, girlfriend or older partner"
    GROOMING = "grooming", "Grooming: gifts, new phone, money, being collected"
    CRIMINAL_EXPLOITATION = "criminal_exploitation", "Drug running or criminal exploitation"
    SUBSTANCES = "substances", "Drugs or alcohol"
    PEER_GROUP = "peer_group", "Peer group or gang"


# An episode's people and places: each a name or an address, not an essay, and fifty cover any
# network; without a bound one entry could hold megabytes (the form, the API and the batch
# import all went straight to a JSON column).
LINK_FIELDS = ("associates", "places")
LINK_MAX_LENGTH = 300
LINKS_MAX = 50


def link_problem(entries: list[str], noun: str = "Entry") -> str | None:
    """What is wrong with a list of associates or places (``noun`` names one: "Line" on a form)."""
    if len(entries) > LINKS_MAX:
        return f"Give at most {LINKS_MAX}, one each (there are {len(entries)})."
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, str):
            return f"{noun} {number} is not text."
        if len(entry) > LINK_MAX_LENGTH:
            return (
                f"{noun} {number} has {len(entry):,} characters: keep each to {LINK_MAX_LENGTH} characters."
            )
    return None


class EpisodeQuerySet(models.QuerySet["Episode"]):
    def counted(self) -> EpisodeQuerySet:
        """Episodes as the protocol, the board, the reports and the returns count them: a report
        withdrawn as made in error is not one (it stays on the record, and on the audit trail)."""
        return self.filter(withdrawn_at__isnull=True)

    def still_open(self) -> EpisodeQuerySet:
        """Not found, and not withdrawn."""
        return self.counted().filter(found_at__isnull=True)


class Episode(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="episodes")
    reported_at = models.DateTimeField(db_index=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_seen_at = models.DateTimeField(null=True, blank=True)
    # Projection of the timeline (kept in step by homeward.casework):
    category = models.CharField(max_length=10, choices=Category.choices)
    risk_level = models.CharField(max_length=20, choices=RiskLevel.choices, blank=True)
    police_informed = models.BooleanField(default=False)
    police_reference = models.CharField(max_length=60, blank=True)
    # The force that was told: the force where the child was last seen (001 s.5-6), which for a
    # child placed out of area may not be the force of the home (``force_to_tell``); its liaison
    # officers see the episode and the profile.
    police_force = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # "Which police force area was the child last seen in?", asked on the report. "Don't know" is
    # an answer of its own (``last_seen_force_not_known``), never read as the home's force: the
    # coordinator is asked to confirm it (My work; ``casework.sighting``). Both empty: an episode
    # reported before the question was asked, or by a caller that does not ask it.
    last_seen_force = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Police force area where last seen",
        limit_choices_to={"kind": "police_force"},
    )
    last_seen_force_not_known = models.BooleanField("Last-seen force not known", default=False)
    last_seen_force_confirmed_at = models.DateTimeField(null=True, blank=True)
    last_seen_force_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    found_at = models.DateTimeField(null=True, blank=True, db_index=True)
    version = models.PositiveIntegerField(default=1)
    # A police force's own report of a child it had not been told of (README "Partner API"): the
    # force sees this episode while it is open and nothing of the child's record until the MASH
    # confirms it; then the force is told of the child as for any episode.
    # A report made in error, withdrawn by the reporter or a manager, with why: its duties are
    # cancelled and the engine no longer reads it (episodes.casefile), but it stays on the record.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawal_reason = models.TextField("Why the report is withdrawn", blank=True)
    awaiting_confirmation = models.BooleanField(
        "Police report awaiting the MASH's confirmation", default=False
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # The per-episode questions (West Mercia Appendix A, "upon each episode of missing").
    last_seen_where = models.CharField("Where last seen", max_length=300, blank=True)
    wearing = models.TextField("What they were last seen wearing", blank=True)
    actions_taken = models.TextField("Actions taken to locate them", blank=True)
    likely_destinations = models.TextField("Where they are likely to go", blank=True)
    with_whom = models.TextField("Did they go with anyone else?", blank=True)
    out_of_character = models.BooleanField("Out of character", null=True, blank=True)
    vulnerabilities = models.TextField("Are they vulnerable? How?", blank=True)
    likely_offence = models.TextField("Likely to commit an offence? What?", blank=True)
    self_harm_risk = models.BooleanField("Risk of self-harm or suicide", null=True, blank=True)
    weapons = models.BooleanField("Access to weapons", null=True, blank=True)
    medication = models.TextField("Essential medication and effects if not taken", blank=True)
    money = models.BooleanField("Do they have money?", null=True, blank=True)
    preparation = models.TextField("Did they prepare to go missing? How?", blank=True)
    plans_at_last_contact = models.TextField("What they were going to do at last contact", blank=True)
    family_issues = models.TextField("Family issues to be aware of", blank=True)
    # The rest of West Mercia's per-episode section (Appendix A, "upon each episode of missing").
    previous_harm = models.TextField(
        "Have they experienced harm on previous missing episodes? What?", blank=True
    )
    victim_of_crime = models.TextField("Have they been a victim of crime previously?", blank=True)
    health_needs = models.TextField(
        "Do they have a disability, physical illness or other health issue?", blank=True
    )
    # "Number of previous episodes": filled in from the record when the episode is reported
    # (the child's earlier reports, withdrawn ones aside), not typed.
    previous_episodes = models.PositiveIntegerField("Number of previous episodes", null=True, blank=True)
    push_factors = models.JSONField(default=list, blank=True)
    pull_factors = models.JSONField(default=list, blank=True)
    # Named people and places, one entry each, so the same person or address across
    # several children shows up as a possible exploitation network (004 s.7, 001 s.14.9).
    # JSON has no length of its own: link_problem (below) bounds them on every way in.
    associates = models.JSONField("People the child was with or is linked to", default=list, blank=True)
    places = models.JSONField("Addresses and places linked to the episode", default=list, blank=True)

    # On return:
    found_where = models.CharField("Where found", max_length=300, blank=True)
    found_by = models.CharField("Found by or returned by", max_length=200, blank=True)
    return_notified_at = models.DateTimeField(null=True, blank=True)
    harmed = models.BooleanField("Harmed while missing", default=False)
    safe_and_well_done = models.BooleanField("Safe and well check done", null=True, blank=True)
    safe_and_well_reason = models.TextField("Why no safe and well check", blank=True)

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at"]
        indexes = [
            models.Index(fields=["child", "-reported_at"], name="episode_child_recent"),
            # "Currently missing" reads the few open episodes, however many have ended.
            models.Index(
                fields=["reported_at"], name="episode_open", condition=models.Q(found_at__isnull=True)
            ),
            # The coordinator's two "to confirm" lists read a handful of rows among every episode
            # ever reported: without these each was a scan of the whole table on every look at My work.
            models.Index(
                fields=["reported_at"],
                name="episode_to_confirm",
                condition=models.Q(awaiting_confirmation=True, withdrawn_at__isnull=True),
            ),
            models.Index(
                fields=["reported_at"],
                name="episode_force_to_confirm",
                condition=models.Q(last_seen_force_not_known=True, withdrawn_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.child} {self.get_category_display().lower()} {self.start:%d %b %Y}"

    @property
    def reference(self) -> str:
        return f"E{self.pk}"

    @property
    def start(self) -> datetime:
        return self.last_seen_at or self.reported_at

    @property
    def is_open(self) -> bool:
        return self.found_at is None and self.withdrawn_at is None

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def duration(self, now: datetime | None = None) -> float:
        """Hours from the start to being found, or to now while still open."""
        end = self.found_at or now or timezone.now()
        return (end - self.start).total_seconds() / 3600

    def force_to_tell(self) -> Organisation | None:
        """The force the police duty falls to: the one told, else the one where the child was last
        seen, else (not known, or never asked) the force of the child's home or placement."""
        if self.police_force_id is not None:
            return self.police_force
        if self.last_seen_force_id is not None:
            return self.last_seen_force
        return force_for(self.child)

    def push_labels(self) -> list[str]:
        return [PushFactor(f).label for f in self.push_factors if f in PushFactor.values]

    def pull_labels(self) -> list[str]:
        return [PullFactor(f).label for f in self.pull_factors if f in PullFactor.values]


class EventType(models.TextChoices):
    REPORTED = "reported", "Reported"
    RECLASSIFIED = "reclassified", "Reclassified"
    RISK_GRADED = "risk_graded", "Risk graded"
    POLICE_INFORMED = "police_informed", "Police informed"
    FOUND = "found", "Found"
    COMPLETED = "completed", "Obligation closed"
    PLACEMENT_STARTED = "placement_started", "Placement started"
    MEDIA_INTEREST = "media_interest", "Media interest"
    DIRECTOR_REVIEWED = "director_reviewed", "Director reviewed"


class Event(models.Model):
    """One fact on a child's timeline. Never edited, never deleted."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="events")
    episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    type = models.CharField(max_length=20, choices=EventType.choices)
    at = models.DateTimeField()
    # The REPLAY.md fields of this event type, exactly (category, level, kind ...).
    data = models.JSONField(default=dict, blank=True)
    # What the record keeps beyond the protocol: references, names, free text.
    details = models.JSONField(default=dict, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["child", "at"], name="event_child_at")]

    def __str__(self) -> str:
        return f"{self.get_type_display()} at {self.at:%d %b %Y %H:%M}"


class ProfileShare(models.Model):
    """The child's profile (the Find Me plan and photograph) shared with a police force besides the
    one told of the episode: "made available to the police in the area the child has gone missing
    or in the area the child is suspected to be" (002 s.10). Recorded by the coordinator: which
    force, by whom, when and why. The force's liaison officers and its system's token then see the
    profile of this episode (not the episode's other records)."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="profile_shares")
    force = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("Why the profile is shared with this force")
    shared_at = models.DateTimeField()
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["shared_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "force"], name="profile_share_once_per_force")
        ]

    def __str__(self) -> str:
        return f"Profile of {self.episode} shared with {self.force}"
