"""Placements, the pre-placement risk assessment and the director's review."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from homeward.accounts.models import User
from homeward.casework import timeline
from homeward.casework.obligations import close_obligation
from homeward.children.models import Child, Establishment, Placement, PlacementRiskAssessment
from homeward.episodes.models import Event
from homeward.obligations.models import Obligation


@transaction.atomic
def start_placement(
    child: Child,
    *,
    establishment: Establishment,
    at: datetime,
    by: User | None,
    placement_type: str = "",
    emergency: bool = False,
) -> Placement:
    child = timeline.lock_child(child)
    authority = child.responsible_authority
    out_of_area = establishment.area_id is not None and establishment.area_id != authority.pk
    placement_type = placement_type or establishment.type
    previous = child.placements.filter(ended_on__isnull=True).order_by("-started_at").first()
    if previous is not None and at <= previous.started_at:
        raise ValidationError({"at": "A new placement must start after the current one."})
    timeline.append(
        child,
        "placement_started",
        at,
        by=by,
        data={
            "establishment": establishment.pk,
            "placement_type": placement_type,
            "out_of_area": out_of_area,
            "emergency": emergency,
        },
    )
    if previous is not None:
        previous.ended_on = at
        previous.save(update_fields=["ended_on"])
    placement = Placement.objects.create(
        child=child,
        establishment=establishment,
        type=placement_type,
        started_at=at,
        host_authority=establishment.area,
        out_of_area=out_of_area,
        emergency=emergency,
    )
    timeline.finish(child)
    return placement


@transaction.atomic
def record_director_review(child: Child, *, at: datetime, by: User | None) -> Event:
    child = timeline.lock_child(child)
    event = timeline.append(child, "director_reviewed", at, by=by)
    timeline.finish(child)
    return event


@transaction.atomic
def record_risk_assessment(
    assessment: PlacementRiskAssessment, *, by: User | None
) -> PlacementRiskAssessment:
    """Save the pre-placement risk assessment and meet the obligation that asked for it."""
    timeline.lock_child(assessment.child)
    timeline.not_before_birth(assessment.child, "completed_at", assessment.completed_at)
    assessment.save()
    duty = (
        Obligation.objects.outstanding()
        .filter(
            child=assessment.child, kind="placement_risk_assessment", opens_at__lte=assessment.completed_at
        )
        .first()
    )
    if duty is not None:
        close_obligation(duty, outcome="done", at=assessment.completed_at, by=by)
    return assessment
