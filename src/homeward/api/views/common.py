"""The partner API's shared view machinery (PartnerView) and the error answers of its schema.

The partner API: report an episode, follow it to found, and read what is due.

Every view: a token (``authentication``), a scope (``permissions``), the
organisation's relationships (``access``: another's record is 404 and leaves
an audit row), every record shown written to the audit trail like a page view,
and every change through ``homeward.casework``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from auditlog.context import set_actor
from django.db.models import Model
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.views import APIView

from homeward.access import partners as access
from homeward.access.audit import client_address, record_denied, record_view
from homeward.accounts.models import User
from homeward.api.errors import ErrorDetailSerializer, ErrorSerializer
from homeward.api.idempotency import KEY_HEADER, MAX_KEY
from homeward.api.models import ApiToken, Replay, Scope
from homeward.api.serializers import (
    EpisodeSerializer,
)
from homeward.episodes.models import Episode
from homeward.obligations.models import Obligation

F = TypeVar("F", bound=Callable[..., Any])


ERRORS = {
    400: OpenApiResponse(
        ErrorSerializer, description="Not valid: ``fields`` names each field and what is wrong"
    ),
    401: OpenApiResponse(ErrorSerializer, description="No token, an unknown token, or a revoked one"),
    403: OpenApiResponse(ErrorSerializer, description="The token lacks the scope this needs"),
    404: OpenApiResponse(ErrorSerializer, description="No such record that this token may see"),
    429: OpenApiResponse(ErrorSerializer, description="Too many requests from this token"),
}


class ConflictSerializer(serializers.Serializer[Any]):
    error = ErrorDetailSerializer()
    current = EpisodeSerializer(
        required=False,
        help_text="The episode as it now stands (for a version conflict): read it, then decide again",
    )


WRITE_ERRORS = {
    **ERRORS,
    409: OpenApiResponse(
        ConflictSerializer,
        description="The episode changed since ``expected_version`` (``current`` is the episode now), "
        "the obligation is already closed, or (a report) the child already has an open episode: "
        "the message and ``fields.child`` name it, and ``current`` is it if this token may see it",
    ),
    422: OpenApiResponse(
        ErrorSerializer, description="This Idempotency-Key (or reference) was used for a different request"
    ),
}


IDEMPOTENCY = OpenApiParameter(
    KEY_HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Any unique text (a UUID). Sent again with the same request, the first answer is returned "
    "and nothing is recorded twice.",
)


RECORD_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The record's id in Homeward")


class PartnerView(APIView):
    scope: str = Scope.READ

    @property
    def token(self) -> ApiToken:
        token = self.request.auth
        assert isinstance(token, ApiToken)
        return token

    @property
    def account(self) -> User:
        return self.token.account

    def audit_view(self, obj: Model, **data: Any) -> None:
        record_view(self.request, obj, api_token=self.token.pk, partner=self.token.name, **data)

    def refuse(self, model: type[Model], key: Any, what: str) -> exceptions.NotFound:
        record_denied(self.request, model, key, api_token=self.token.pk, partner=self.token.name)
        return exceptions.NotFound(f"There is no {what} {key} that this token may see.")

    def references(self, episodes: list[Episode]) -> dict[int, str]:
        rows = Replay.objects.filter(
            organisation=self.token.organisation, kind=Replay.REFERENCE, episode__in=[e.pk for e in episodes]
        ).values_list("episode_id", "value")
        return {pk: value for pk, value in rows if pk is not None}

    def episode_data(self, episode: Episode) -> dict[str, Any]:
        return dict(EpisodeSerializer(episode, context={"references": self.references([episode])}).data)

    def visible_episode(self, pk: int) -> Episode:
        episode = access.episodes_for(self.token.organisation).filter(pk=pk).first()
        if episode is None:
            raise self.refuse(Episode, pk, "episode")
        return episode

    def duty_met(self, episode: Episode, pk: int | None, what: str) -> Obligation | None:
        """The episode's duty ``pk`` (given as ``meets``) that a note or record meets, as this
        partner sees it; a 400 naming ``meets`` when there is none."""
        if pk is None:
            return None
        duty = access.obligations_for(self.token.organisation).filter(pk=pk, episode=episode).first()
        if duty is None:
            raise exceptions.ValidationError(
                {"meets": [f"Episode E{episode.pk} has no duty {pk} for {what} to meet."]}
            )
        return duty

    def idempotency_key(self) -> str | None:
        key = self.request.headers.get(KEY_HEADER)
        if key is None:
            return None
        key = key.strip()
        if not key or len(key) > MAX_KEY:
            raise exceptions.ValidationError(
                {KEY_HEADER: [f"Give 1 to {MAX_KEY} characters (a UUID is best)."]}
            )
        return key

    def changing(self) -> Any:
        """Changes made now are the token's service account's on the audit trail."""
        return set_actor(self.account, remote_addr=client_address(self.request))

    def on_replay(self, row: Replay) -> None:
        if row.episode is not None:
            self.audit_view(row.episode, replayed=True)
