"""Children: one child's current episode and open obligations, and who is missing now."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from homeward.access import partners as access
from homeward.api.serializers import (
    ChildSerializer,
    EpisodeSerializer,
    MissingListSerializer,
    ObligationSerializer,
)
from homeward.api.views.common import (
    ERRORS,
    PartnerView,
)
from homeward.children.models import Child
from homeward.queries import child as child_queries
from homeward.queries import missing


class ChildDetail(PartnerView):
    @extend_schema(
        operation_id="get_child",
        summary="A child's current episode and open obligations",
        parameters=[
            OpenApiParameter(
                "reference", str, OpenApiParameter.PATH, pattern=r"^C[0-9]{1,12}$", description="e.g. C12"
            )
        ],
        responses={200: ChildSerializer, **ERRORS},
        tags=["children"],
    )
    def get(self, request: Request, reference: str) -> Response:
        organisation = self.token.organisation
        child = access.child_by_reference(reference)
        if child is None or not access.children_for(organisation).filter(pk=child.pk).exists():
            raise self.refuse(Child, reference[:40], "child")
        current = child_queries.current_episode(access.episodes_for(organisation), child)
        obligations = child_queries.open_obligations(access.obligations_for(organisation), child)
        self.audit_view(child)
        if current is not None:
            self.audit_view(current)
        body = {
            "reference": child.reference,
            "first_name": child.first_name,
            "last_name": child.last_name,
            "known_as": child.known_as,
            "date_of_birth": child.date_of_birth.isoformat(),
            "responsible_authority": child.responsible_authority.name,
            "current_episode": self.episode_data(current) if current else None,
            "open_obligations": ObligationSerializer(obligations, many=True).data,
        }
        # Already plain JSON: ChildSerializer describes it for the schema.
        return Response(body)


class Missing(PartnerView):
    @extend_schema(
        operation_id="list_missing",
        summary="Children missing, absent or away now, that this organisation may see",
        responses={200: MissingListSerializer, **ERRORS},
        tags=["children"],
    )
    def get(self, request: Request) -> Response:
        now = timezone.now()
        episodes = list(
            missing.still_missing(access.episodes_for(self.token.organisation)).select_related(
                "child", "last_seen_force"
            )
        )
        references = self.references(episodes)
        results = []
        for episode in episodes:
            # Each child listed is disclosed to the partner: on the trail as a view of the episode.
            self.audit_view(episode, view="missing list")
            results.append(
                {
                    "child": episode.child.reference,
                    # A force's own report not yet confirmed by the MASH does not tell it who
                    # the child is (README "Partner API"): the reference it sent, no name.
                    "name": "" if episode.awaiting_confirmation else episode.child.name,
                    "hours_missing": round(episode.duration(now), 2),
                    "episode": EpisodeSerializer(episode, context={"references": references}).data,
                }
            )
        return Response({"count": len(results), "results": results})
