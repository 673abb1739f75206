"""Retention: a child's record is anonymised once it is past the retention period.

The period (``HOMEWARD_RETENTION_YEARS``, default 7) runs from the later of the
child's 18th birthday and the last event on their timeline. Past it, what
identifies the child is removed: names, aliases, phone, school, photograph, the
day and month of birth, the Find Me plan, free text in episodes, events,
interviews, meetings, case notes and risk assessments, the people and places linked to
episodes, what messages told people about the child, and the child's details
copied into the audit trail. What remains (year of birth, categories, times, risk levels,
protocol facts, who viewed the record when) still counts in aggregate reports
and still replays through the protocol engine.

Run daily: ``homeward anonymise_expired`` (``--dry-run`` lists without changing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from auditlog.context import disable_auditlog
from django.conf import settings
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from homeward.access import audit
from homeward.children.files import delete_on_commit
from homeward.children.models import (
    Child,
    EmergencyAccess,
    FindMePlan,
    PlacementRiskAssessment,
    WarningNotice,
)

ANONYMISED = "Anonymised"
MESSAGE_REMOVED = "The text of this message was removed when the child's record was anonymised."

EPISODE_TEXT = [
    "police_reference",
    "last_seen_where",
    "wearing",
    "actions_taken",
    "likely_destinations",
    "with_whom",
    "vulnerabilities",
    "likely_offence",
    "medication",
    "preparation",
    "plans_at_last_contact",
    "family_issues",
    "previous_harm",
    "victim_of_crime",
    "health_needs",
    "found_where",
    "found_by",
    "safe_and_well_reason",
]
INTERVIEW_TEXT = [
    "refusal_reason",
    "held_where",
    "account_where",
    "account_with_whom",
    "account_why",
    "harm",
    "carer_observations",
    "referrals",
    "plan_changes",
    "interviewer_name",
    "seen_with",
    "wishes",
    "feedback",
    "strategy_oversight",
]
MEETING_TEXT = ["chair", "attendees", "apologies", "summary", "decisions", "family_told"]
PANEL_TEXT = ["chair", "attendees", "discussed", "disruption", "findings", "ofsted_reference"]
WARNING_NOTICE_TEXT = [
    "adult_name",
    "adult_description",
    "adult_address",
    "statement_by",
    "statement",
    "served_by_name",
    "withdrawal_reason",
]
ARRANGEMENT_TEXT = ["place", "call_details", "chair", "not_held_reason"]
ASSESSMENT_TEXT = [
    "gp",
    "dentist",
    "always_missing_reasons",
    "harmed_before_explanation",
    "risk_reasons",
    "cse_explanation",
    "risk_to_others_reasons",
    "potential_addresses",
    "associates",
    "vulnerabilities",
    "not_to_associate_with",
]


def retention_years() -> int:
    return int(settings.HOMEWARD_RETENTION_YEARS)


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Expiry:
    child: Child
    kept_until: date


def kept_until(child: Child, last_event: datetime | None) -> date:
    """The last day the record is kept whole."""
    adult = _years_after(child.date_of_birth, 18)
    last = timezone.localtime(last_event).date() if last_event else adult
    return _years_after(max(adult, last), retention_years())


def expired(today: date | None = None) -> list[Expiry]:
    """The records past their retention period on ``today`` and not anonymised yet."""
    today = today or timezone.localdate()
    children: QuerySet[Child] = (
        Child.objects.exclude(first_name=ANONYMISED).annotate(last_event=Max("events__at")).order_by("pk")
    )
    found = []
    for child in children:
        until = kept_until(child, child.last_event)  # type: ignore[attr-defined]
        if until < today:
            found.append(Expiry(child, until))
    return found


def _blank(queryset: QuerySet[Any], fields: list[str]) -> None:
    queryset.update(**dict.fromkeys(fields, ""))


@transaction.atomic
def anonymise(child: Child) -> None:
    """Remove what identifies ``child`` from everything held on them (see the module docstring)."""
    from homeward.care.models import CouncilEpisode
    from homeward.episodes.models import Episode, Event, ProfileShare
    from homeward.interviews.models import Commission, ConfirmedFinding, ReturnInterview
    from homeward.meetings.models import (
        Action,
        Arrangement,
        BriefingItem,
        Invitation,
        Meeting,
        Panel,
        PanelAction,
        PanelAdult,
        PanelPlace,
    )
    from homeward.notes.models import Note
    from homeward.notifications.models import Kind, Message, about_child
    from homeward.obligations.models import Allocation, Chase, Obligation
    from homeward.plans.models import PlanVersion
    from homeward.records.models import DutyRecord

    named = child.name  # as messages wrote it, before the names go
    # The audit trail must not copy the very details being removed: no change rows here;
    # one row says what was done, and the trail's own copies are scrubbed below.
    with disable_auditlog():
        # The file goes when this commits: rolled back, the row still names it.
        delete_on_commit(child.photo.name or "")
        Child.objects.filter(pk=child.pk).update(
            first_name=ANONYMISED,
            last_name=f"child {child.pk}",
            known_as="",
            aliases="",
            date_of_birth=child.date_of_birth.replace(month=1, day=1),
            mobile_phone="",
            school="",
            photo="",
            uasc_arrival=None,
            allocated_worker=None,
        )
        FindMePlan.objects.filter(child=child).delete()
        # The family's home postcode; legal status, category of need and the placement's
        # postcode and URN (a home's, not the family's) stay, like the other categories.
        CouncilEpisode.objects.filter(child=child).update(home_postcode="")
        _blank(PlacementRiskAssessment.objects.filter(child=child), ASSESSMENT_TEXT)
        _blank(Episode.objects.filter(child=child), EPISODE_TEXT)
        Episode.objects.filter(child=child).update(associates=[], places=[])
        Event.objects.filter(child=child).update(details={})
        _blank(ReturnInterview.objects.filter(episode__child=child), INTERVIEW_TEXT)
        # A confirmed finding keeps what kind it was and where it went; its words (a place, a
        # person) go with the interview's.
        ConfirmedFinding.objects.filter(interview__episode__child=child).update(text="")
        _blank(Meeting.objects.filter(child=child), MEETING_TEXT)
        Action.objects.filter(meeting__child=child).update(description="", owner="", closing_note="")
        BriefingItem.objects.filter(child=child).update(agreed_by="")
        # A panel about this child alone loses its words (its kind, date and authority stay); a
        # panel about other children too keeps them, as it is their record as well.
        alone = Panel.objects.filter(children__child=child).exclude(
            children__child__in=Child.objects.exclude(pk=child.pk)
        )
        _blank(alone, PANEL_TEXT)
        PanelAdult.objects.filter(panel__in=alone).update(name="", description="", link="")
        PanelPlace.objects.filter(panel__in=alone, establishment__isnull=True).update(description="")
        PanelAction.objects.filter(panel__in=alone).update(description="", owner="", closing_note="")
        _blank(Arrangement.objects.filter(child=child), ARRANGEMENT_TEXT)
        # Outside contacts are named only here; people in Homeward keep their link (who was invited).
        Invitation.objects.filter(arrangement__child=child, person__isnull=True).update(name="", role="")
        # A case note's kind and time stay (the chronology still counts); what it said goes.
        Note.objects.filter(child=child).update(text="")
        # A duty record's kind, time, yes/no answers and choices stay (what was done still
        # counts); every free-text answer (who, where, with whom, what was said) goes.
        for record in DutyRecord.objects.filter(child=child):
            record.answers = anonymised_answers(record)
            record.save(update_fields=["answers"])
        # A plan's versions stay (when it was changed, by whom, which duty it met); every answer
        # and reason is free text about the child's life, and goes.
        PlanVersion.objects.filter(plan__child=child).update(answers={}, reason="")
        Obligation.objects.filter(child=child).update(reason="")
        Allocation.objects.filter(child=child).update(reason="")
        # Who chased whom and when stays; the chaser's note is free text about the work, and goes.
        Chase.objects.filter(child=child).update(note="")
        # Which authority was asked to hold the interview, and when, stays; the note to it goes.
        Commission.objects.filter(episode__child=child).update(note="")
        # Which force the profile went to, when and by whom stays (it was disclosed); why (which
        # may name places and people) goes.
        ProfileShare.objects.filter(episode__child=child).update(reason="")
        # Who opened the record in an emergency and when stays; the reasons and notes go.
        EmergencyAccess.objects.filter(child=child).update(reason="", review_note="")
        # A warning notice (001 s.14.22) stops naming the child; one that names no other child
        # keeps its kind and dates (it was served) and loses the adult, the statement and why.
        for notice in WarningNotice.objects.filter(children=child):
            notice.children.remove(child)
            if not notice.children.exists():
                _blank(WarningNotice.objects.filter(pk=notice.pk), WARNING_NOTICE_TEXT)
                WarningNotice.objects.filter(pk=notice.pk).update(adult_date_of_birth=None, adult_age=None)
        # Messages told people about the work by name where they knew the child.
        Message.objects.filter(about_child(child)).update(body=MESSAGE_REMOVED)
        for digest in Message.objects.filter(kind=Kind.DIGEST, body__contains=named):
            digest.body = digest.body.replace(named, f"{ANONYMISED} child {child.pk}")
            digest.save(update_fields=["body"])
    child.refresh_from_db()
    audit.scrub_trail_for_retention(child)


def anonymise_expired(today: date | None = None) -> list[Expiry]:
    done = expired(today)
    for expiry in done:
        anonymise(expiry.child)
    return done


def anonymised_answers(record: Any) -> dict[str, str]:
    """A duty record's answers with every free-text answer blanked (yes/no and choices kept)."""
    kind = record.definition
    names = {f.name for f in kind.fields if f.is_free_text}
    return {name: ("" if name in names else value) for name, value in record.answers.items()}
