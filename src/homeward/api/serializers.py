"""What partner systems send and get back. Field names follow the pages and the services.

An episode as returned carries no names or free text (only references, times,
category, risk and police reference): it is what the API keeps to replay a
retried call, and replays must not keep personal details past retention.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from homeward.accounts.models import Organisation, OrganisationKind
from homeward.episodes.models import (
    LINK_MAX_LENGTH,
    LINKS_MAX,
    Category,
    Episode,
    PullFactor,
    PushFactor,
    RiskLevel,
)
from homeward.notes.models import Note, NoteKind
from homeward.notes.rules import TEXT_LIMIT
from homeward.obligations.models import Obligation
from homeward.protocols.calendar import wall_clock_problem
from homeward.queries import why
from homeward.records.kinds import LINE_LIMIT
from homeward.records.kinds import TEXT_LIMIT as RECORD_TEXT_LIMIT
from homeward.records.models import DutyRecord

CLOCK_TOLERANCE = timedelta(minutes=2)
# The last-seen force's "Don't know" (ReportSerializer.last_seen_force).
NOT_KNOWN = "not_known"


class MomentField(serializers.DateTimeField):
    """An ISO-8601 date and time (with a UTC offset, or UK local time without one), not in the future."""

    default_error_messages = {
        **serializers.DateTimeField.default_error_messages,
        # DRF's "Datetime value out of range." for e.g. year 1 at +01:00: say what to check.
        "overflow": "This is out of range: check the year.",
    }

    def enforce_timezone(self, value: datetime) -> datetime:
        # DRF reads a UK time the clocks skipped or repeated as one of its readings without a
        # word; the pages refuse it (Django's forms), so the API does too, with the same words.
        if timezone.is_naive(value):
            problem = wall_clock_problem(value)
            if problem:
                raise serializers.ValidationError(f"{problem} Give the UTC offset (+00:00 GMT, +01:00 BST).")
        moment: datetime = super().enforce_timezone(value)
        return moment

    def to_internal_value(self, value: Any) -> datetime:
        moment: datetime = super().to_internal_value(value)
        # Nothing recorded here happened before 1990: a typed year 0201 is refused by name.
        if moment.year < 1990:
            raise serializers.ValidationError("This is too long ago: check the year.")
        if moment > timezone.now() + CLOCK_TOLERANCE:
            raise serializers.ValidationError("This cannot be in the future.")
        return moment


def text(max_length: int = 4000, **kwargs: Any) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, default="", **kwargs
    )


def yes_no(help_text: str) -> serializers.BooleanField:
    return serializers.BooleanField(required=False, allow_null=True, default=None, help_text=help_text)


class EpisodeAnswersSerializer(serializers.Serializer[Any]):
    """The per-episode questions (West Mercia Appendix A, "upon each episode of missing")."""

    last_seen_where = text(300, help_text="Where last seen")
    wearing = text(help_text="What they were last seen wearing")
    actions_taken = text(help_text="Actions taken to locate them")
    likely_destinations = text(help_text="Where they are likely to go")
    with_whom = text(help_text="Did they go with anyone else?")
    out_of_character = yes_no("Out of character (null: not known)")
    vulnerabilities = text(help_text="Are they vulnerable? How?")
    likely_offence = text(help_text="Likely to commit an offence? What?")
    self_harm_risk = yes_no("Risk of self-harm or suicide (null: not known)")
    weapons = yes_no("Access to weapons (null: not known)")
    medication = text(help_text="Essential medication and effects if not taken")
    money = yes_no("Do they have money? (null: not known)")
    preparation = text(help_text="Did they prepare to go missing? How?")
    plans_at_last_contact = text(help_text="What they were going to do at last contact")
    family_issues = text(help_text="Family issues to be aware of")
    previous_harm = text(help_text="Harm experienced on previous missing episodes")
    victim_of_crime = text(help_text="Whether, and how, they have been a victim of crime previously")
    health_needs = text(help_text="A disability, physical illness or other health issue")
    push_factors = serializers.ListField(
        child=serializers.ChoiceField(choices=PushFactor.choices), required=False, default=list, max_length=20
    )
    pull_factors = serializers.ListField(
        child=serializers.ChoiceField(choices=PullFactor.choices), required=False, default=list, max_length=20
    )
    associates = serializers.ListField(
        child=serializers.CharField(max_length=LINK_MAX_LENGTH),
        required=False,
        default=list,
        max_length=LINKS_MAX,
        help_text="People the child was with or is linked to, one entry each",
    )
    places = serializers.ListField(
        child=serializers.CharField(max_length=LINK_MAX_LENGTH),
        required=False,
        default=list,
        max_length=LINKS_MAX,
        help_text="Addresses and places linked to the episode, one entry each",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        for name in ("push_factors", "pull_factors", "associates", "places"):
            attrs[name] = list(dict.fromkeys(attrs.get(name) or []))
        return attrs


ANSWERS = list(EpisodeAnswersSerializer().get_fields())


class ReportSerializer(EpisodeAnswersSerializer):
    child = serializers.RegexField(
        r"^[Cc]?[0-9]{1,12}$", max_length=13, help_text="The child's reference in Homeward, e.g. C12"
    )
    category = serializers.ChoiceField(
        choices=Category.choices,
        help_text="missing: whereabouts cannot be established; absent: not where expected, no apparent "
        "risk; away: a looked-after child away from placement without permission, whereabouts known",
    )
    reported_at = MomentField(help_text="When this was reported")
    last_seen_at = MomentField(required=False, allow_null=True, default=None, help_text="When last seen")
    reference = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text="Your own reference (e.g. the police incident number). Sent again, it returns the "
        "episode first reported with it, never a second one.",
    )
    # Left out, it is "not yet": the safe reading, which raises the duty to tell the police
    # (West Mercia 3.5.2); a report is never taken as told to the police unless it says so.
    police_informed = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Have the police been told? Left out: not yet, and Homeward asks for them to be told. "
        "(Always true from a police force.)",
    )
    police_reference = text(
        60, help_text="The police reference, if known (a police force's own reference by default)"
    )

    # 001 s.5-6: the force told is the force where the child was last seen. Left out (or
    # "not_known"), Homeward tells the force of the child's home and asks the coordinator to
    # confirm it: never taken as the home's force without asking. From a police force, left out,
    # it is that force (the force reporting is the force told).
    last_seen_force = serializers.CharField(
        required=False,
        max_length=200,
        help_text="The police force area the child was last seen in: the force's Homeward id or its "
        f"name, or '{NOT_KNOWN}'. Left out: not known, and the coordinator is asked to confirm it.",
    )

    def validate_last_seen_force(self, value: str) -> Organisation | str:
        text = value.strip()
        if text.lower() == NOT_KNOWN:
            return NOT_KNOWN
        forces = Organisation.objects.filter(kind=OrganisationKind.POLICE_FORCE)
        force = (
            forces.filter(pk=int(text)).first() if text.isdigit() and len(text) < 12 else None
        ) or forces.filter(name__iexact=text).first()
        if force is None:
            raise serializers.ValidationError(
                f"No police force '{text[:100]}': give a force's Homeward id or name, or '{NOT_KNOWN}'."
            )
        return force

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        seen, reported = attrs.get("last_seen_at"), attrs["reported_at"]
        if seen is not None and seen > reported:
            raise serializers.ValidationError(
                {"last_seen_at": "The child must have been last seen before the report."}
            )
        attrs["child"] = "C" + attrs["child"].upper().removeprefix("C").lstrip("0").rjust(1, "0")
        return attrs


class VersionedSerializer(serializers.Serializer[Any]):
    expected_version = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        help_text="The episode's version you last read; if it has changed since, the answer is 409 "
        "with the episode as it now stands.",
    )
    at = MomentField(help_text="When it happened")


class GradeSerializer(VersionedSerializer):
    level = serializers.ChoiceField(choices=RiskLevel.choices, help_text="The police risk grading")
    rationale = text()


class PoliceInformedSerializer(VersionedSerializer):
    reference = serializers.CharField(max_length=60, help_text="The police reference")


class FoundSerializer(VersionedSerializer):
    notified_at = MomentField(
        required=False, allow_null=True, default=None, help_text="When you were told of the return, if later"
    )
    where = serializers.CharField(max_length=300, help_text="Where they were found")
    found_by = serializers.CharField(max_length=200, help_text="Found by or returned by")
    harmed = serializers.BooleanField(required=False, default=False, help_text="Harmed while missing")
    # Three answers, as on the pages (001 s.8.7): true closes the police's duty as done, false
    # (with the reason) as declined, and null or left out is "not yet or not known": the duty
    # stays open for the police to record.
    safe_and_well_done = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Has the police safe and well check been done? true: done; false: it will not be "
        "done (give safe_and_well_reason); null or left out: not yet or not known (the police's "
        "duty stays open until it is recorded)",
    )
    safe_and_well_reason = text(
        2000, help_text="Why no safe and well check will be done (required when safe_and_well_done is false)"
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("safe_and_well_done") is False and not attrs.get("safe_and_well_reason", "").strip():
            raise serializers.ValidationError(
                {"safe_and_well_reason": "Say why no safe and well check will be done."}
            )
        notified = attrs.get("notified_at")
        if notified is not None and notified < attrs["at"]:
            raise serializers.ValidationError(
                {"notified_at": "Notification cannot come before the child was found."}
            )
        return attrs


class ReclassifySerializer(VersionedSerializer):
    category = serializers.ChoiceField(choices=Category.choices, help_text="The new category")
    reason = serializers.CharField(max_length=2000, help_text="Why")


class CompleteSerializer(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(
        choices=[("done", "Done"), ("declined", "Declined"), ("not_required", "Not required")]
    )
    at = MomentField(help_text="When")
    reason = text(help_text="Required if declined or not required")
    agreed_by = serializers.CharField(
        max_length=150,
        required=False,
        allow_blank=True,
        default="",
        help_text="For a return interview not held: the username of the manager who agreed (West Mercia 12.9)",
    )
    note = text()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["outcome"] != "done" and not attrs.get("reason", "").strip():
            raise serializers.ValidationError({"reason": "Give the reason it was declined or not required."})
        return attrs


class NoteSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=NoteKind.choices, help_text="What kind of note")
    at = MomentField(help_text="When it happened")
    text = serializers.CharField(max_length=TEXT_LIMIT, help_text="What was done or learnt")
    meets = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=2**63 - 1,
        help_text="The id of an open carer update or risk review of this episode that the note meets "
        "(000 G6, 004 s.2.5): it is closed as done at ``at``",
    )


class SafeAndWellSerializer(serializers.Serializer[Any]):
    """The police's safe and well check (000 'When a Child Returns'; West Mercia 8.7; SET 2.8.2).
    Each yes/no must be given: none is assumed."""

    at = MomentField(help_text="When the check was done")
    done_by = serializers.CharField(
        max_length=LINE_LIMIT, help_text="Who carried it out (name, collar number)"
    )
    face_to_face = serializers.BooleanField(help_text="Whether it was a face-to-face contact")
    where_been = serializers.CharField(max_length=RECORD_TEXT_LIMIT, help_text="Where the child had been")
    with_whom = serializers.CharField(max_length=RECORD_TEXT_LIMIT, help_text="Who the child had been with")
    disclosed = serializers.BooleanField(help_text="Whether the child disclosed offending by or against them")
    disclosures = text(help_text="What the child disclosed (required if disclosed)")
    harmed = serializers.BooleanField(help_text="Whether there are indications the child suffered harm")
    harm = text(help_text="What harm, and what was done about it (required if harmed)")
    cse_considered = serializers.BooleanField(
        help_text="Whether the risk of child sexual exploitation was considered"
    )
    referred = serializers.BooleanField(help_text="Whether a safeguarding referral was made")
    referrals = text(help_text="To whom, and why (required if referred)")
    meets = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=2**63 - 1,
        help_text="The id of the episode's open safe and well check duty this meets: it is closed as done at ``at``",
    )

    def answers(self) -> dict[str, str]:
        """The record's answers in its kind's own terms (records.kinds.SAFE_AND_WELL)."""
        data = self.validated_data
        return {
            name: ("yes" if value else "no") if isinstance(value, bool) else str(value)
            for name, value in data.items()
            if name not in ("at", "meets")
        }


# --- what comes back --------------------------------------------------------------------------


class CauseSerializer(serializers.Serializer[dict[str, Any]]):
    at = serializers.DateTimeField()
    type = serializers.CharField(help_text="The event's type (REPLAY.md), e.g. reported, found")
    episode = serializers.CharField(allow_null=True, help_text="The episode's reference, e.g. E5")


class ExplanationSerializer(serializers.Serializer[dict[str, Any]]):
    protocol = serializers.CharField(help_text="The pack that raised it, e.g. west-mercia")
    version = serializers.CharField(help_text="The pack's version that raised it, e.g. 8.1")
    rule = serializers.CharField()
    cites = serializers.CharField()
    because = CauseSerializer(
        many=True, help_text="The events that raised it; for a count rule, each episode counted"
    )
    reason = serializers.CharField(help_text="Why, in one sentence")
    due_because = serializers.CharField(help_text="How the due time was worked out")
    closes_when = serializers.CharField(help_text="What would close it, or what did")


class ObligationSerializer(serializers.ModelSerializer[Obligation]):
    episode = serializers.SerializerMethodField(
        help_text="The episode's reference, e.g. E5 (null: the child's)"
    )
    status = serializers.SerializerMethodField(help_text="open, overdue, scheduled, or how it closed")
    explanation = serializers.SerializerMethodField(
        help_text=(
            "Why it is due, as Homeward worked it out when it was raised: the pack and version, the "
            "rule and its citation, the events that raised it (REPLAY.md's because and reason), how "
            "the due time was worked out and what would close it"
        )
    )

    class Meta:
        model = Obligation
        fields = [
            "id",
            "episode",
            "title",
            "kind",
            "requirement",
            "falls_to",
            "opens_at",
            "due_at",
            "cites",
            "status",
            "explanation",
        ]

    def get_episode(self, obligation: Obligation) -> str | None:
        return f"E{obligation.episode_id}" if obligation.episode_id else None

    def get_status(self, obligation: Obligation) -> str:
        return obligation.status()

    @extend_schema_field(ExplanationSerializer)
    def get_explanation(self, obligation: Obligation) -> dict[str, Any]:
        return why.explanation(obligation)


class EpisodeSerializer(serializers.ModelSerializer[Episode]):
    reference = serializers.CharField(help_text="Homeward's reference, e.g. E5")
    child = serializers.SerializerMethodField(help_text="The child's reference, e.g. C12")
    is_open = serializers.BooleanField(help_text="Not yet found")
    partner_reference = serializers.SerializerMethodField(
        help_text="Your organisation's reference for it, if any"
    )
    last_seen_force = serializers.SerializerMethodField(
        help_text=(
            "The police force area the child was last seen in, by name (001 s.5-6: the force told); "
            '"not_known" when the reporter did not know; null on a report made before it was asked'
        )
    )
    open_obligations = serializers.SerializerMethodField()

    class Meta:
        model = Episode
        fields = [
            "id",
            "reference",
            "child",
            "category",
            "version",
            "reported_at",
            "last_seen_at",
            "last_seen_force",
            "risk_level",
            "police_informed",
            "police_reference",
            "found_at",
            "is_open",
            "partner_reference",
            "open_obligations",
        ]

    def get_child(self, episode: Episode) -> str:
        return f"C{episode.child_id}"

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_last_seen_force(self, episode: Episode) -> str | None:
        if episode.last_seen_force_id is not None and episode.last_seen_force is not None:
            return episode.last_seen_force.name
        return NOT_KNOWN if episode.last_seen_force_not_known else None

    def get_partner_reference(self, episode: Episode) -> str | None:
        references: dict[int, str] = self.context.get("references", {})
        return references.get(episode.pk)

    @extend_schema_field(ObligationSerializer(many=True))
    def get_open_obligations(self, episode: Episode) -> list[dict[str, Any]]:
        now = timezone.now()
        rows = (
            Obligation.objects.outstanding(now).filter(episode=episode).order_by("due_at", "opens_at", "id")
        )
        return list(ObligationSerializer(rows, many=True).data)


class ChildSerializer(serializers.Serializer[Any]):
    reference = serializers.CharField(help_text="e.g. C12")
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    known_as = serializers.CharField()
    date_of_birth = serializers.DateField()
    responsible_authority = serializers.CharField()
    current_episode = EpisodeSerializer(allow_null=True, help_text="The episode still open, if any")
    open_obligations = ObligationSerializer(
        many=True, help_text="Outstanding work on the episodes you may see"
    )


class MissingChildSerializer(serializers.Serializer[Any]):
    child = serializers.CharField(help_text="e.g. C12")
    name = serializers.CharField()
    hours_missing = serializers.FloatField(help_text="Hours since last seen (or reported)")
    episode = EpisodeSerializer()


class MissingListSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    results = MissingChildSerializer(many=True)


class ImportSerializer(serializers.Serializer[Any]):
    csv = serializers.CharField(
        trim_whitespace=False,
        max_length=5_000_000,
        help_text="The CSV file's text: a header row, then one report a row, in this API's field names "
        "(reference, child, category, reported_at, last_seen_at, police_informed, police_reference and "
        "the per-episode questions; yes/no as yes/no; lists separated by ';'). 'reference' is required.",
    )


class ImportedRowSerializer(serializers.Serializer[Any]):
    line = serializers.IntegerField(help_text="The row's line in the file (the header is line 1)")
    episode = serializers.CharField(help_text="e.g. E41")


class RefusedRowSerializer(serializers.Serializer[Any]):
    line = serializers.IntegerField(help_text="The row's line in the file (the header is line 1)")
    column = serializers.CharField(help_text="The column at fault (empty: the row as a whole)")
    message = serializers.CharField()


class ImportResultSerializer(serializers.Serializer[Any]):
    stored = ImportedRowSerializer(many=True)
    already_stored = ImportedRowSerializer(many=True, help_text="Rows whose reference was reported before")
    refused = RefusedRowSerializer(many=True, help_text="Rows that stored nothing, and why")


class _AddedToEpisode:
    """What a note and a duty record answer with in common: their episode and the duty they met."""

    def get_episode(self, added: Note | DutyRecord) -> str:
        return f"E{added.episode_id}"

    @extend_schema_field(ObligationSerializer(allow_null=True))
    def get_meets(self, added: Note | DutyRecord) -> dict[str, Any] | None:
        return dict(ObligationSerializer(added.meets).data) if added.meets else None


class RecordAddedSerializer(_AddedToEpisode, serializers.ModelSerializer[DutyRecord]):
    """A duty record as returned: no answers (the answer is kept to replay a retried call, past retention)."""

    episode = serializers.SerializerMethodField(help_text="The episode's reference, e.g. E5")
    at = serializers.DateTimeField(source="happened_at", help_text="When it happened")
    meets = serializers.SerializerMethodField(help_text="The duty the record met, now closed (null: none)")

    class Meta:
        model = DutyRecord
        fields = ["id", "episode", "kind", "at", "recorded_at", "meets"]


class NoteAddedSerializer(_AddedToEpisode, serializers.ModelSerializer[Note]):
    """A note as returned: no text (the answer is kept to replay a retried call, past retention)."""

    episode = serializers.SerializerMethodField(help_text="The episode's reference, e.g. E5")
    at = serializers.DateTimeField(source="happened_at", help_text="When it happened")
    meets = serializers.SerializerMethodField(help_text="The duty the note met, now closed (null: none)")

    class Meta:
        model = Note
        fields = ["id", "episode", "kind", "at", "recorded_at", "meets"]


class ProfilePhotoSerializer(serializers.Serializer[Any]):
    content_type = serializers.CharField(help_text="image/jpeg or image/png")
    base64 = serializers.CharField(help_text="The photograph, base64-encoded")
    taken_on = serializers.DateField(allow_null=True)
    consent = serializers.CharField(
        help_text="Who consented to its use to find the child ('' if not recorded)"
    )


class ProfileSerializer(serializers.Serializer[Any]):
    episode = serializers.IntegerField()
    child = serializers.CharField(help_text="e.g. C12")
    name = serializers.CharField()
    known_as = serializers.CharField()
    aliases = serializers.CharField()
    date_of_birth = serializers.DateField()
    gender = serializers.CharField()
    ethnicity = serializers.CharField()
    lives_at = serializers.CharField(help_text="The home the child is placed in now ('' if none recorded)")
    description = serializers.CharField()
    contacts = serializers.CharField(help_text="Friends, family and associates")
    likely_places = serializers.CharField()
    addresses = serializers.CharField()
    phone_and_social_media = serializers.CharField()
    medical_needs = serializers.CharField()
    transport_habits = serializers.CharField()
    people_not_to_associate_with = serializers.CharField()
    triggers = serializers.CharField()
    return_to = serializers.CharField()
    reviewed_at = serializers.DateTimeField(allow_null=True)
    review_overdue = serializers.BooleanField(help_text="Older than the authority's review period")
    photo = ProfilePhotoSerializer(allow_null=True)
