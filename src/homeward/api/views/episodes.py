"""Episodes: report one, read it, and change it on the version the sender read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from homeward.access import partners as access
from homeward.api.errors import Conflict
from homeward.api.idempotency import Produced, key_claim, once, reference_claim
from homeward.api.models import ApiToken, Scope
from homeward.api.reporting import report_as, service_error
from homeward.api.serializers import (
    EpisodeSerializer,
    FoundSerializer,
    GradeSerializer,
    PoliceInformedSerializer,
    ReclassifySerializer,
    ReportSerializer,
)
from homeward.api.views.common import (
    ERRORS,
    IDEMPOTENCY,
    RECORD_ID,
    WRITE_ERRORS,
    F,
    PartnerView,
)
from homeward.casework.episodes import inform_police, reclassify, record_found
from homeward.casework.risk import grade_risk
from homeward.casework.versions import StaleVersion, lock_at_version
from homeward.children.models import Child
from homeward.episodes.models import Episode


class ReportEpisode(PartnerView):
    scope = Scope.REPORT

    @extend_schema(
        operation_id="report_episode",
        summary="Report a child missing, absent or away",
        description="Reports a new episode for a child this organisation may report (see the README's "
        "'Partner API'). Send your own ``reference`` or an ``Idempotency-Key``: a retry returns the "
        "first answer (same status and body), never a second episode. A child has one open episode at "
        "a time: reporting a child already missing is 409, naming the open episode.",
        parameters=[IDEMPOTENCY],
        request=ReportSerializer,
        responses={201: EpisodeSerializer, **WRITE_ERRORS},
        tags=["episodes"],
    )
    def post(self, request: Request) -> Response:
        form = ReportSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        key = self.idempotency_key()
        organisation = self.token.organisation
        child = access.child_by_reference(data["child"])
        if child is None or not access.may_report(organisation, child):
            raise self.refuse(Child, data["child"], "child")

        def produce() -> Produced:
            episode = report(self.token, child, data)
            self.audit_view(episode)
            body = EpisodeSerializer(episode, context={"references": {episode.pk: data["reference"]}}).data
            return Response(body, status=201), episode

        return once(
            self.token,
            request.method or "POST",
            request.path,
            [key_claim(key, "POST", request.path, data), reference_claim(data["reference"], data)],
            produce,
            self.on_replay,
        )


def report(token: ApiToken, child: Child, data: dict[str, Any]) -> Episode:
    return report_as(token.organisation, token.account, child, data)


class EpisodeDetail(PartnerView):
    @extend_schema(
        operation_id="get_episode",
        parameters=[RECORD_ID],
        summary="An episode and its open obligations",
        responses={200: EpisodeSerializer, **ERRORS},
        tags=["episodes"],
    )
    def get(self, request: Request, pk: int) -> Response:
        episode = self.visible_episode(pk)
        self.audit_view(episode)
        return Response(self.episode_data(episode))


class EpisodeChange(PartnerView):
    """An update to an episode, on the version the caller last read."""

    form: type[serializers.Serializer[Any]]

    def act(self, episode: Episode, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def post(self, request: Request, pk: int) -> Response:
        form = self.form(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        key = self.idempotency_key()
        episode = self.visible_episode(pk)

        def produce() -> Produced:
            with transaction.atomic():
                # The lock holds to the end of this transaction, so the change below is made on
                # the version checked; on SQLite the transaction holds the database's write lock.
                try:
                    current = lock_at_version(episode, data["expected_version"])
                except StaleVersion as stale:
                    raise Conflict(
                        f"Episode E{stale.current.pk} is at version {stale.current.version}, not "
                        f"{stale.expected}: it has changed since you read it. Read "
                        "``current``, then send the change again if it still applies.",
                        self.episode_data(stale.current),
                    ) from None
                try:
                    with self.changing():
                        self.act(current, data)
                except DjangoValidationError as exc:
                    raise service_error(exc) from None
                current.refresh_from_db()
            self.audit_view(current)
            return Response(self.episode_data(current)), current

        return once(
            self.token,
            "POST",
            request.path,
            [key_claim(key, "POST", request.path, data)],
            produce,
            self.on_replay,
        )


def change_schema(
    operation_id: str, summary: str, form: type[serializers.Serializer[Any]], scope: str
) -> Callable[[F], F]:
    decorate: Callable[[F], F] = extend_schema(
        operation_id=operation_id,
        summary=summary,
        description=f"Needs the '{scope}' scope. Send ``expected_version``: the episode's version "
        "you last read. A stale version gets 409 with the episode as it now stands.",
        parameters=[RECORD_ID, IDEMPOTENCY],
        request=form,
        responses={200: EpisodeSerializer, **WRITE_ERRORS},
        tags=["episodes"],
    )
    return decorate


class GradeRisk(EpisodeChange):
    scope = Scope.GRADE
    form = GradeSerializer

    def act(self, episode: Episode, data: dict[str, Any]) -> None:
        grade_risk(episode, level=data["level"], at=data["at"], rationale=data["rationale"], by=self.account)

    @change_schema("grade_risk", "Record a risk grading", GradeSerializer, Scope.GRADE)
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class PoliceInformed(EpisodeChange):
    scope = Scope.POLICE
    form = PoliceInformedSerializer

    def act(self, episode: Episode, data: dict[str, Any]) -> None:
        inform_police(episode, at=data["at"], reference=data["reference"], by=self.account)

    @change_schema(
        "police_informed",
        "Record that the police were told, with their reference",
        PoliceInformedSerializer,
        Scope.POLICE,
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class Found(EpisodeChange):
    scope = Scope.FOUND
    form = FoundSerializer

    def act(self, episode: Episode, data: dict[str, Any]) -> None:
        record_found(
            episode,
            at=data["at"],
            notified_at=data["notified_at"],
            where=data["where"],
            found_by=data["found_by"],
            harmed=data["harmed"],
            safe_and_well_done=data["safe_and_well_done"],
            safe_and_well_reason=data["safe_and_well_reason"],
            by=self.account,
        )

    @change_schema(
        "record_found", "Record the child found or returned (the episode ends)", FoundSerializer, Scope.FOUND
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class Reclassify(EpisodeChange):
    scope = Scope.RECLASSIFY
    form = ReclassifySerializer

    def act(self, episode: Episode, data: dict[str, Any]) -> None:
        reclassify(episode, category=data["category"], at=data["at"], reason=data["reason"], by=self.account)

    @change_schema(
        "reclassify", "Reclassify the episode (missing, absent, away)", ReclassifySerializer, Scope.RECLASSIFY
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)
