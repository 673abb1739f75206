"""Obligations: a partner records one done, declined or not required."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from homeward.access import partners as access
from homeward.access.audit import record_denied
from homeward.access.relationships import organisation_closes
from homeward.accounts.models import Role
from homeward.api.errors import Conflict
from homeward.api.idempotency import Produced, key_claim, once
from homeward.api.models import Scope
from homeward.api.reporting import service_error
from homeward.api.serializers import (
    CompleteSerializer,
    ObligationSerializer,
)
from homeward.api.views.common import (
    IDEMPOTENCY,
    RECORD_ID,
    WRITE_ERRORS,
    PartnerView,
)
from homeward.casework.obligations import close_obligation
from homeward.interviews.rules import agreeing_managers
from homeward.obligations.models import Obligation


class CompleteObligation(PartnerView):
    scope = Scope.COMPLETE

    @extend_schema(
        operation_id="complete_obligation",
        summary="Record an obligation done, declined or not required",
        parameters=[RECORD_ID, IDEMPOTENCY],
        request=CompleteSerializer,
        responses={200: ObligationSerializer, **WRITE_ERRORS},
        tags=["obligations"],
    )
    def post(self, request: Request, pk: int) -> Response:
        form = CompleteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        key = self.idempotency_key()
        obligation = (
            access.obligations_for(self.token.organisation).filter(pk=pk).select_related("episode").first()
        )
        if obligation is None:
            raise self.refuse(Obligation, pk, "obligation")
        if not organisation_closes(self.token.organisation, obligation):
            # It may see the duty (it is on an episode it follows) but not close it: a partner
            # records its own duties only (access.relationships, the same rule as the pages).
            record_denied(
                self.request, Obligation, pk, api_token=self.token.pk, partner=self.token.name, close=True
            )
            whose = Role(obligation.falls_to).label if obligation.falls_to in Role.values else "the authority"
            raise exceptions.PermissionDenied(
                f"This duty falls to the {whose.lower()}: a "
                f"{self.token.organisation.get_kind_display().lower()}'s system records its own duties only."
            )
        agreed_by = None
        if data["agreed_by"]:
            # The same rule as the pages and the write layer (001 s.12.9).
            agreed_by = agreeing_managers(obligation.child).filter(username=data["agreed_by"]).first()
            if agreed_by is None:
                raise exceptions.ValidationError(
                    {"agreed_by": ["No team or senior manager of the child's authority has this username."]}
                )

        def produce() -> Produced:
            if obligation.outcome:
                raise Conflict(
                    f"This obligation is already closed ({obligation.get_outcome_display().lower()})."
                )
            try:
                with self.changing():
                    event = close_obligation(
                        obligation,
                        outcome=data["outcome"],
                        at=data["at"],
                        by=self.account,
                        reason=data["reason"],
                        agreed_by=agreed_by,
                        note=data["note"],
                    )
            except DjangoValidationError as exc:
                raise service_error(exc) from None
            closed = Obligation.objects.filter(pk=event.details.get("obligation")).first() or obligation
            if obligation.episode is not None:
                self.audit_view(obligation.episode)
            return Response(ObligationSerializer(closed).data), obligation.episode

        return once(
            self.token,
            "POST",
            request.path,
            [key_claim(key, "POST", request.path, data)],
            produce,
            self.on_replay,
        )
