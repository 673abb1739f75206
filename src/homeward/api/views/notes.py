"""Case notes: a partner system adds one to an episode's chronology (a carer's update, a sighting)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from homeward.api.idempotency import Produced, key_claim, once
from homeward.api.models import Scope
from homeward.api.reporting import service_error
from homeward.api.serializers import NoteAddedSerializer, NoteSerializer
from homeward.api.views.common import IDEMPOTENCY, RECORD_ID, WRITE_ERRORS, PartnerView
from homeward.casework.notes import add_note


class AddNote(PartnerView):
    scope = Scope.NOTE

    @extend_schema(
        operation_id="add_note",
        summary="Add a case note to an episode",
        description="What was done or learnt, and when: a search, a call, the carer's update, a police "
        "update, contact with the family or the child, a sighting. Give ``meets`` (an open carer update "
        "or risk review of the episode) to close that duty with the note. Send an ``Idempotency-Key``: "
        "a retry returns the first answer, never a second note.",
        parameters=[RECORD_ID, IDEMPOTENCY],
        request=NoteSerializer,
        responses={201: NoteAddedSerializer, **WRITE_ERRORS},
        tags=["episodes"],
    )
    def post(self, request: Request, pk: int) -> Response:
        form = NoteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        key = self.idempotency_key()
        episode = self.visible_episode(pk)
        meets = self.duty_met(episode, data["meets"], "a note")

        def produce() -> Produced:
            try:
                with self.changing():
                    note = add_note(
                        episode,
                        kind=data["kind"],
                        at=data["at"],
                        text=data["text"],
                        meets=meets,
                        by=self.account,
                    )
            except DjangoValidationError as exc:
                raise service_error(exc) from None
            self.audit_view(episode)
            return Response(NoteAddedSerializer(note).data, status=201), episode

        return once(
            self.token,
            "POST",
            request.path,
            [key_claim(key, "POST", request.path, data)],
            produce,
            self.on_replay,
        )
