"""A subject-access export: everything Homeward holds on one child, as one JSON document.

UK GDPR Article 15: the child (or someone acting for them) may ask for all the
personal data held. The export has the child's record, placements, Find Me
plan, risk assessments, every episode and timeline event, the obligations the
protocol derived, return home interviews, meetings and their actions, case notes, the
photograph (base64), and the audit trail of who viewed and changed the record.
``homeward subject_access C12`` and the coordinator's page produce the same.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, QuerySet
from django.utils import timezone

from homeward.access.audit import trail_for_child

FORMAT = "homeward-subject-access/1"


def _rows(queryset: QuerySet[Any] | list[Model]) -> list[dict[str, Any]]:
    return [{"id": row["pk"], **row["fields"]} for row in serializers.serialize("python", queryset)]


def _photo(child: Any) -> dict[str, str] | None:
    if not child.photo:
        return None
    try:
        with child.photo.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        return {"name": child.photo.name, "missing": "the file is no longer on the server"}
    return {"name": child.photo.name, "base64": base64.b64encode(content).decode()}


def export(child: Any) -> dict[str, Any]:
    """Everything held on ``child`` (a Child), as plain data."""
    from homeward.care.models import CouncilEpisode
    from homeward.children.models import (
        Child,
        EmergencyAccess,
        FindMePlan,
        Placement,
        PlacementRiskAssessment,
        WarningNotice,
    )
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
        PanelChild,
        PanelPlace,
    )
    from homeward.notes.models import Note
    from homeward.notifications.models import Message, about_child
    from homeward.obligations.models import Allocation, Obligation
    from homeward.plans.models import Plan, PlanVersion
    from homeward.records.models import DutyRecord

    trail = [
        {
            "at": entry.timestamp,
            "who": entry.actor.get_full_name() if entry.actor else "the system",
            "username": entry.actor.username if entry.actor else None,
            "action": entry.get_action_display(),
            "outcome": (entry.additional_data or {}).get("outcome"),
            "record": f"{entry.content_type.name} {entry.object_pk}",
            "changed": sorted((entry.changes_dict or {}).keys()),
            "from": entry.remote_addr,
        }
        for entry in trail_for_child(child)
    ]
    return {
        "format": FORMAT,
        "exported_at": timezone.now(),
        "child": _rows(Child.objects.filter(pk=child.pk))[0],
        "photo": _photo(child),
        "placements": _rows(Placement.objects.filter(child=child)),
        # The council's own record of each episode of care, imported for the 903 return.
        "council_episodes": _rows(CouncilEpisode.objects.filter(child=child)),
        "find_me_plan": _rows(FindMePlan.objects.filter(child=child)),
        # Every version of every plan: what it said, who changed it, when and why.
        "plans": _rows(Plan.objects.filter(child=child).order_by("kind")),
        "plan_versions": _rows(PlanVersion.objects.filter(plan__child=child).order_by("plan_id", "number")),
        "risk_assessments": _rows(PlacementRiskAssessment.objects.filter(child=child)),
        "episodes": _rows(Episode.objects.filter(child=child)),
        # To which other police forces the child's profile was shared, by whom, when and why.
        "profile_shares": _rows(ProfileShare.objects.filter(episode__child=child)),
        # Who opened the record in an emergency, why, and the privacy lead's review of it.
        "emergency_access": _rows(EmergencyAccess.objects.filter(child=child).order_by("opened_at", "id")),
        # Harbouring and Child Abduction Warning Notices naming the child (001 s.14.22): the adult,
        # the witness statement, who served it and when; the other children named by reference.
        "warning_notices": [
            {
                **_rows(WarningNotice.objects.filter(pk=notice.pk))[0],
                "children_named": [c.reference for c in notice.children.order_by("pk")],
            }
            for notice in WarningNotice.objects.filter(children=child).order_by("served_at", "id")
        ],
        "timeline": _rows(Event.objects.filter(child=child)),
        "obligations": _rows(Obligation.objects.filter(child=child)),
        "allocations": _rows(Allocation.objects.filter(child=child).order_by("at", "id")),
        "return_interviews": _rows(ReturnInterview.objects.filter(episode__child=child)),
        # What a person confirmed from an interview into the Find Me plan or the child's flags.
        "interview_findings_confirmed": _rows(
            ConfirmedFinding.objects.filter(interview__episode__child=child)
        ),
        # Return home interviews asked of the host authority (casework.commissions).
        "host_interviews": _rows(Commission.objects.filter(episode__child=child)),
        "meetings": _rows(Meeting.objects.filter(child=child)),
        "meeting_actions": _rows(Action.objects.filter(meeting__child=child)),
        # Each daily briefing or police oversight meeting that discussed the child (what was agreed
        # is in "meetings"), and who agreed it.
        "briefings": _rows(BriefingItem.objects.filter(child=child)),
        # MACE, pre-MACE panels and organisational reviews that discussed the child: the panel,
        # its places, linked adults and actions.
        "panels_discussed_at": _rows(PanelChild.objects.filter(child=child)),
        "panels": _rows(Panel.objects.filter(children__child=child)),
        "panel_places": _rows(PanelPlace.objects.filter(panel__children__child=child)),
        "panel_adults": _rows(PanelAdult.objects.filter(panel__children__child=child)),
        "panel_actions": _rows(PanelAction.objects.filter(panel__children__child=child)),
        # Meetings arranged (held or not, with any decision not to hold one) and whom they invited.
        "meetings_arranged": _rows(Arrangement.objects.filter(child=child)),
        "meeting_invitations": _rows(Invitation.objects.filter(arrangement__child=child)),
        "case_notes": _rows(Note.objects.filter(child=child).order_by("happened_at", "id")),
        # Safe and well checks, return plans, senior notifications ... with every answer.
        "duty_records": _rows(DutyRecord.objects.filter(child=child).order_by("happened_at", "id")),
        # What people were told about the child's work, by e-mail and in their inbox.
        "messages": [
            {
                "to": message.recipient.get_full_name() or message.recipient.username,
                "kind": message.get_kind_display(),
                "subject": message.subject,
                "body": message.body,
                "created_at": message.created_at,
                "sent_at": message.sent_at,
                "read_at": message.read_at,
            }
            for message in Message.objects.filter(about_child(child)).select_related("recipient")
        ],
        "audit_trail": trail,
    }


def export_json(child: Any) -> str:
    return json.dumps(export(child), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
