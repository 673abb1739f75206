"""Duty records a partner system sends: the police's safe and well check after a child is found."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from homeward.access.audit import record_denied
from homeward.access.relationships import organisation_closes
from homeward.api.idempotency import Produced, key_claim, once
from homeward.api.models import Scope
from homeward.api.reporting import service_error
from homeward.api.serializers import RecordAddedSerializer, SafeAndWellSerializer
from homeward.api.views.common import IDEMPOTENCY, RECORD_ID, WRITE_ERRORS, PartnerView
from homeward.casework.records import add_record
from homeward.obligations.models import Obligation
from homeward.records.kinds import SAFE_AND_WELL


class AddSafeAndWellCheck(PartnerView):
    scope = Scope.RECORD

    @extend_schema(
        operation_id="add_safe_and_well_check",
        summary="Record the police safe and well check of a found child",
        description="Who carried it out, where and with whom the child had been, what they disclosed, "
        "any harm and any referral (000; West Mercia 8.7; SET 2.8.2). Give ``meets`` (the episode's "
        "open safe and well check duty) to close that duty with the record. Send an "
        "``Idempotency-Key``: a retry returns the first answer, never a second record.",
        parameters=[RECORD_ID, IDEMPOTENCY],
        request=SafeAndWellSerializer,
        responses={201: RecordAddedSerializer, **WRITE_ERRORS},
        tags=["episodes"],
    )
    def post(self, request: Request, pk: int) -> Response:
        form = SafeAndWellSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        key = self.idempotency_key()
        episode = self.visible_episode(pk)
        meets = self.duty_met(episode, data["meets"], "this record")
        if meets is not None and not organisation_closes(self.token.organisation, meets):
            # It sees the duty but does not close it: a partner records its own duties only.
            record_denied(
                self.request,
                Obligation,
                meets.pk,
                api_token=self.token.pk,
                partner=self.token.name,
                close=True,
            )
            raise exceptions.PermissionDenied(
                f"Duty {meets.pk} is not this system's to record: a partner records its own duties only."
            )

        def produce() -> Produced:
            try:
                with self.changing():
                    record = add_record(
                        episode,
                        kind=SAFE_AND_WELL.name,
                        at=data["at"],
                        answers=form.answers(),
                        meets=meets,
                        by=self.account,
                    )
            except DjangoValidationError as exc:
                raise service_error(exc) from None
            self.audit_view(episode)
            return Response(RecordAddedSerializer(record).data, status=201), episode

        return once(
            self.token,
            "POST",
            request.path,
            [key_claim(key, "POST", request.path, data)],
            produce,
            self.on_replay,
        )
