"""The child: identity, care status, placement, flags, the Find Me plan and the
pre-placement missing-from-care risk assessment (West Mercia Appendix A)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models

from homeward.accounts.models import Organisation
from homeward.children.files import photo_path


class Flag(models.TextChoices):
    # The engine's flags (REPLAY.md), in practitioners' words.
    CSE_RISK = "cse_risk", "Risk of child sexual exploitation"
    CCE_RISK = "cce_risk", "Risk of child criminal exploitation"
    MENTAL_HEALTH = "mental_health", "Mental health concerns"
    HOUSEHOLD_CONCERNS = (
        "household_concerns",
        "Household concerns (mental health, CP, domestic abuse, substances)",
    )
    CRIMINAL_ACTIVITY = "criminal_activity", "Involved in criminal activity"
    RISKY_CONTACTS = "risky_contacts", "Contact with people posing a risk"
    PARTICULARLY_VULNERABLE = (
        "particularly_vulnerable",
        "Particularly vulnerable (e.g. severe learning disability)",
    )
    SUBJECT_TO_ORDER = "subject_to_order", "Subject to a criminal-justice or secure order (absconder)"


class Plan(models.TextChoices):
    CHILD_PROTECTION = "child_protection", "Child protection plan"
    CHILD_IN_NEED = "child_in_need", "Child in need plan"


class LegalStatus(models.TextChoices):
    # The DfE SSDA903 legal status codes.
    C1 = "C1", "C1 Interim care order"
    C2 = "C2", "C2 Full care order"
    D1 = "D1", "D1 Freeing order granted"
    E1 = "E1", "E1 Placement order granted"
    J1 = "J1", "J1 Remanded to local authority accommodation or youth detention accommodation"
    J2 = "J2", "J2 Placed in local authority accommodation under PACE"
    J3 = "J3", "J3 Sentenced to a youth rehabilitation order with residence requirement"
    L1 = "L1", "L1 Under police protection"
    L2 = "L2", "L2 Emergency protection order"
    L3 = "L3", "L3 Under child assessment order and in local authority accommodation"
    V2 = "V2", "V2 Single period of accommodation under section 20"
    V3 = "V3", "V3 Accommodated under an agreed series of short-term breaks (individual)"
    V4 = "V4", "V4 Accommodated under an agreed series of short-term breaks (multiple)"


class PlacementType(models.TextChoices):
    RESIDENTIAL = "residential", "Children's home (residential)"
    FOSTER = "foster", "Foster care"
    SEMI_INDEPENDENT = "semi_independent", "Semi-independent accommodation"
    HOME = "home", "Living at home"


class Establishment(models.Model):
    """A children's home, foster household or other place children are placed."""

    name = models.CharField(max_length=200)
    type = models.CharField(max_length=20, choices=PlacementType.choices)
    provider = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="establishments"
    )
    # The local authority area the establishment is in (the host authority).
    area = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="hosted_establishments"
    )
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Child(models.Model):
    responsible_authority = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="children")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    known_as = models.CharField("Known as", max_length=100, blank=True)
    aliases = models.TextField("Aliases and other names", blank=True)
    date_of_birth = models.DateField()
    gender = models.CharField(max_length=40, blank=True)
    ethnicity = models.CharField(max_length=100, blank=True)
    mobile_phone = models.CharField("Child's mobile phone", max_length=40, blank=True)
    looked_after = models.BooleanField("Looked after (in care)", default=False)
    legal_status = models.CharField(max_length=2, choices=LegalStatus.choices, blank=True)
    # Wakefield glossary: "someone who has previously been a looked-after child for a period of
    # time"; their entitlement to support depends on it. Not a protocol fact (the engine reads
    # looked_after), so it raises and closes no duty.
    care_leaver = models.BooleanField("Care leaver (has left care)", default=False)
    open_to_services = models.BooleanField("Open to children's social care", default=True)
    allocated_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="caseload"
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    iro = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="IRO",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="iro_children",
    )
    school = models.CharField(max_length=200, blank=True)
    flags = models.JSONField(default=list, blank=True)
    plans = models.JSONField(default=list, blank=True)
    uasc = models.BooleanField("Unaccompanied asylum-seeking child", default=False)
    uasc_arrival = models.DateField("Date arrived in the UK", null=True, blank=True)
    # Stored privately under a random name; served only by the child's photo page (children.files).
    photo = models.ImageField(upload_to=photo_path, blank=True)
    # A restricted record (e.g. a child in a refuge, or a staff member's child): only the people
    # named here may see it, and only while their relationship to the child also allows it.
    sealed = models.BooleanField("Restricted record", default=False)
    sealed_to = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="People who may see the restricted record",
        blank=True,
        related_name="sealed_children",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised on every change to the record: optimistic concurrency for editors and the API.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            # Restricted records are a handful: "not one of them" is then read from this, not by
            # joining every child in the country to its episodes (access.visible).
            models.Index(fields=["id"], name="child_restricted", condition=models.Q(sealed=True)),
        ]
        verbose_name_plural = "children"

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        known = f" ({self.known_as})" if self.known_as and self.known_as != self.first_name else ""
        return f"{self.first_name} {self.last_name}{known}"

    @property
    def reference(self) -> str:
        return f"C{self.pk}"

    @property
    def age(self) -> int:
        from django.utils import timezone

        return self.age_on(timezone.localdate())

    def age_on(self, day: date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def flag_labels(self) -> list[str]:
        return [Flag(f).label for f in self.flags if f in Flag.values]

    def plan_labels(self) -> list[str]:
        return [Plan(p).label for p in self.plans if p in Plan.values]

    @property
    def current_placement(self) -> Placement | None:
        # With the home and host authority every page that shows the placement names.
        return (
            self.placements.filter(ended_on__isnull=True)
            .select_related("establishment", "host_authority")
            .order_by("-started_at")
            .first()
        )


class Placement(models.Model):
    """Where the child lives. Written only through the episodes write path (placement_started)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="placements")
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="placements")
    type = models.CharField(max_length=20, choices=PlacementType.choices)
    started_at = models.DateTimeField()
    ended_on = models.DateTimeField(null=True, blank=True)
    host_authority = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="hosted_placements"
    )
    out_of_area = models.BooleanField("Placed outside the responsible authority", default=False)
    emergency = models.BooleanField("Emergency placement", default=False)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.child} at {self.establishment} from {self.started_at:%d %b %Y}"


class ReviewOutcome(models.TextChoices):
    JUSTIFIED = "justified", "Justified"
    NOT_JUSTIFIED = "not_justified", "Not justified: taken up with the worker"


class PhotoConsent(models.TextChoices):
    PARENT_AND_CHILD = "parent_and_child", "Given by a person with parental responsibility and the child"
    PARENT = "parent", "Given by a person with parental responsibility"
    AUTHORITY = "authority", "Given by the local authority (care order)"
    REFUSED = "refused", "Refused"


class FindMePlan(models.Model):
    """What helps find the child quickly (Wakefield s.10 "Knowing the Child"), and with it the
    Philomena profile's Part 1: one record, kept by the child's social worker or carer, that the
    police told of an episode see on its page (README "The Philomena profile")."""

    child = models.OneToOneField(Child, on_delete=models.CASCADE, related_name="find_me_plan")
    description = models.TextField("Physical description", blank=True)
    contacts = models.TextField("Friends, family and significant others (with contact details)", blank=True)
    likely_places = models.TextField("Where the child is likely to go", blank=True)
    phone_and_social_media = models.TextField("Mobile phone and other ways to contact the child", blank=True)
    return_to = models.TextField("Where the child should be returned to when found", blank=True)
    people_not_to_associate_with = models.TextField("People the child should not associate with", blank=True)
    triggers = models.TextField("Known triggers and patterns", blank=True)
    # The Philomena Protocol's Part 1 (the child's profile, kept before any episode) beyond
    # Wakefield s.10's list: where the child stays, their health and how they get about; and the
    # photograph's date and the consent to use it (West Mercia 6.7: the consent of a person with
    # parental responsibility, and if possible the child's). The photograph itself is the child's
    # (Child.photo), served only by pages that check who may see it.
    addresses = models.TextField("Addresses the child stays at or visits", blank=True)
    medical_needs = models.TextField("Medical needs and medication", blank=True)
    transport_habits = models.TextField("How the child travels (buses, trains, taxis, lifts)", blank=True)
    photo_taken_on = models.DateField("Date the photograph was taken", null=True, blank=True)
    photo_consent = models.CharField(
        "Consent to use the photograph to find the child",
        max_length=20,
        choices=PhotoConsent.choices,
        blank=True,
    )
    # When someone last confirmed the profile is current (set by every save): the authority's
    # review period (its pack's definitions.profile_review_after) runs from here.
    reviewed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised on every save: a second editor's page, read at an older version, cannot silently
    # overwrite the first's (homeward.casework.versions).
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )


class Rating(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class PlacementRiskAssessment(models.Model):
    """The West Mercia Missing Children Risk Assessment (001 Appendix A, s.6.1)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="risk_assessments")
    placement = models.ForeignKey(Placement, null=True, blank=True, on_delete=models.SET_NULL)
    completed_at = models.DateTimeField()
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    photograph_available = models.BooleanField(default=False)
    gp = models.TextField("Name and address of GP", blank=True)
    dentist = models.TextField("Name and address of dentist", blank=True)
    special_educational_needs = models.BooleanField("Statement of educational needs", default=False)
    always_missing = models.BooleanField("Should be considered missing and never absent", default=False)
    always_missing_reasons = models.TextField("Reasons for missing category", blank=True)
    history_of_missing = models.BooleanField("History of going missing", default=False)
    likelihood = models.CharField("Likelihood of going missing", max_length=10, choices=Rating.choices)
    out_of_character = models.CharField("Generally out of character", max_length=10, blank=True)
    harmed_before = models.BooleanField("Exposed to harm when missing before", default=False)
    harmed_before_explanation = models.TextField(blank=True)
    risk_if_missing = models.CharField("Risk to the child if missing", max_length=10, choices=Rating.choices)
    risk_reasons = models.TextField("Reasons (self-harm, suicide, victim of crime)", blank=True)
    cse_risk = models.CharField("Risk of sexual exploitation", max_length=10, choices=Rating.choices)
    cse_explanation = models.TextField(blank=True)
    risk_to_others = models.CharField("Risk to others", max_length=10, choices=Rating.choices)
    risk_to_others_reasons = models.TextField(blank=True)
    potential_addresses = models.TextField("Addresses the child may head to (with occupiers)", blank=True)
    associates = models.TextField("People the child may meet (adult or child)", blank=True)
    vulnerabilities = models.TextField("General issues of vulnerability", blank=True)
    not_to_associate_with = models.TextField(
        "People the child should not associate with, and why", blank=True
    )

    class Meta:
        ordering = ["-completed_at"]


class EmergencyAccess(models.Model):
    """A duty or out-of-hours worker's opening of a child's record outside their relationships,
    after stating why (the NHS Summary Care Record's emergency access): it lasts a set time
    (HOMEWARD_EMERGENCY_ACCESS_HOURS), every view under it is flagged on the audit trail, and the
    authority's privacy lead reviews and signs off each use."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="emergency_accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("Why you must open this child's record now")
    opened_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices, blank=True)
    review_note = models.TextField("Privacy lead's note", blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        permissions = [("review_emergencyaccess", "Reviews and signs off emergency access (privacy lead)")]

    def __str__(self) -> str:
        return f"Emergency access to {self.child} by {self.user} at {self.opened_at:%d %b %Y %H:%M}"


class WarningNoticeKind(models.TextChoices):
    # 001 s.13.4, 14.22: the notice West Mercia Police serve on a harbourer, breach of which is
    # dealt with by arrest under s.2 Child Abduction Act 1984 (a child under 16). The law keeps a
    # second notice for a child in care aged 16 or 17 (s.49 Children Act 1989), which the seed's
    # "warning harbouring notice" also covers.
    CHILD_ABDUCTION = "child_abduction", "Child Abduction Warning Notice (child under 16)"
    HARBOURING = "harbouring", "Harbouring warning notice (child in care aged 16 or 17)"


class WarningNotice(models.Model):
    """A warning notice served on an adult harbouring a child (West Mercia 001 s.13.4-13.7,
    14.21-14.23): the local authority manager's witness statement prohibiting the adult any
    contact with the named children, served on the adult by the police.

    Written only through ``homeward.casework.warning_notices``."""

    # The authority whose children are named (all the named children are its own).
    authority = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="warning_notices")
    kind = models.CharField("Kind of notice", max_length=20, choices=WarningNoticeKind.choices)
    children = models.ManyToManyField(Child, related_name="warning_notices", verbose_name="Children named")
    adult_name = models.CharField("Adult's full name", max_length=200)
    adult_date_of_birth = models.DateField("Adult's date of birth", null=True, blank=True)
    adult_age = models.PositiveSmallIntegerField("Adult's approximate age", null=True, blank=True)
    adult_description = models.TextField("Description of the adult", blank=True)
    adult_address = models.TextField("Adult's address", blank=True)
    # 14.22: the formal witness statement made by the local authority manager.
    statement_by = models.CharField("Witness statement made by", max_length=200)
    statement = models.TextField("Witness statement")
    served_by_name = models.CharField("Officer who served the notice", max_length=200)
    served_by_force = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="warning_notices_served"
    )
    served_at = models.DateTimeField("Served")
    expires_on = models.DateField("Notice expires")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawal_reason = models.TextField("Why the notice is withdrawn", blank=True)

    class Meta:
        ordering = ["-served_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.reference}: {self.get_kind_display()}"

    @property
    def reference(self) -> str:
        return f"W{self.pk}"

    def live_on(self, day: date) -> bool:
        """In force: served, not withdrawn, not yet expired (it runs to the end of its expiry day)."""
        from django.utils import timezone

        return (
            self.withdrawn_at is None and timezone.localdate(self.served_at) <= day and day <= self.expires_on
        )
