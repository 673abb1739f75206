"""An episode's Philomena profile for a police force's own system: the Find Me plan and the
photograph (base64), for the force told of the episode or one the coordinator shared it with."""

from __future__ import annotations

import base64
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from homeward.access import partners as access
from homeward.access.audit import recipient
from homeward.api.serializers import ProfileSerializer
from homeward.api.views.common import ERRORS, RECORD_ID, PartnerView
from homeward.children.files import photo_kind
from homeward.children.models import Child
from homeward.episodes.models import Episode
from homeward.queries.profile import FIELDS, profile_of


def photo_data(child: Child, taken_on: Any, consent: str) -> dict[str, Any] | None:
    if not child.photo:
        return None
    try:
        with child.photo.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        return None
    kind = photo_kind(content)
    if kind is None:  # not a JPEG or PNG (stored before the rule, or damaged): not sent
        return None
    return {
        "content_type": kind[1],
        "base64": base64.b64encode(content).decode("ascii"),
        "taken_on": taken_on.isoformat() if taken_on else None,
        "consent": consent,
    }


class EpisodeProfile(PartnerView):
    @extend_schema(
        operation_id="get_episode_profile",
        parameters=[RECORD_ID],
        summary="The child's profile and photograph for an episode",
        description="The Philomena profile (Part 1: the Find Me plan) and the photograph of the "
        "episode's child, for the force told of the episode, or a force the coordinator shared the "
        "profile with (the child believed to be in its area). Every read is on the audit trail.",
        responses={200: ProfileSerializer, **ERRORS},
        tags=["episodes"],
    )
    def get(self, request: Request, pk: int) -> Response:
        organisation = self.token.organisation
        episode = access.profile_episodes_for(organisation).filter(pk=pk).first()
        if episode is None:
            raise self.refuse(Episode, pk, "episode profile")
        child = episode.child
        profile = profile_of(child)
        plan = profile.plan
        placement = child.current_placement
        self.audit_view(episode, view="profile", **recipient(organisation))
        body: dict[str, Any] = {
            "episode": episode.pk,
            "child": child.reference,
            "name": child.name,
            "known_as": child.known_as,
            "aliases": child.aliases,
            "date_of_birth": child.date_of_birth.isoformat(),
            "gender": child.gender,
            "ethnicity": child.ethnicity,
            "lives_at": str(placement.establishment) if placement is not None else "",
            **{name: getattr(plan, name) if plan is not None else "" for name in FIELDS},
            "reviewed_at": profile.review.reviewed_at.isoformat() if profile.review.reviewed_at else None,
            "review_overdue": profile.review.overdue(timezone.now()),
            "photo": photo_data(
                child,
                plan.photo_taken_on if plan is not None else None,
                plan.photo_consent if plan is not None else "",
            ),
        }
        return Response(body)
