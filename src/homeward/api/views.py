"""The partner API: report an episode, follow it to found, and read what is due.

Every view: a token (``authentication``), a scope (``permissions``), the
organisation's relationships (``access``: another's record is 404 and leaves
an audit row), every record shown written to the audit trail like a page view,
and every change through ``homeward.casework``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from auditlog.context import set_actor
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from homeward.access import partners as access
from homeward.access.audit import client_address, record_denied, record_view
from homeward.accounts.models import Role, User
from homeward.api import batch
from homeward.api.errors import Conflict, ErrorDetailSerializer, ErrorSerializer
from homeward.api.idempotency import KEY_HEADER, MAX_KEY, Produced, key_claim, once, reference_claim
from homeward.api.models import ApiToken, Replay, Scope
from homeward.api.reporting import report_as, service_error
from homeward.api.serializers import (
    ChildSerializer,
    CompleteSerializer,
    EpisodeSerializer,
    FoundSerializer,
    GradeSerializer,
    ImportResultSerializer,
    ImportSerializer,
    MissingListSerializer,
    ObligationSerializer,
    PoliceInformedSerializer,
    ReclassifySerializer,
    ReportSerializer,
)
from homeward.casework.episodes import inform_police, reclassify, record_found
from homeward.casework.obligations import close_obligation
from homeward.casework.risk import grade_risk
from homeward.casework.versions import StaleVersion, lock_at_version
from homeward.children.models import Child
from homeward.episodes.models import Episode
from homeward.obligations.models import Obligation
from homeward.queries import child as child_queries
from homeward.queries import missing

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
        "or the obligation is already closed",
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


class ReportEpisode(PartnerView):
    scope = Scope.REPORT

    @extend_schema(
        operation_id="report_episode",
        summary="Report a child missing, absent or away",
        description="Reports a new episode for a child this organisation may report (see the README's "
        "'Partner API'). Send your own ``reference`` or an ``Idempotency-Key``: a retry returns the "
        "first answer (same status and body), never a second episode.",
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
        episodes = list(missing.still_missing(access.episodes_for(self.token.organisation)))
        references = self.references(episodes)
        results = []
        for episode in episodes:
            # Each child listed is disclosed to the partner: on the trail as a view of the episode.
            self.audit_view(episode, view="missing list")
            results.append(
                {
                    "child": episode.child.reference,
                    "name": episode.child.name,
                    "hours_missing": round(episode.duration(now), 2),
                    "episode": EpisodeSerializer(episode, context={"references": references}).data,
                }
            )
        return Response({"count": len(results), "results": results})


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
        agreed_by = None
        if data["agreed_by"]:
            agreed_by = User.objects.filter(
                username=data["agreed_by"],
                role__in=[Role.TEAM_MANAGER, Role.SENIOR_MANAGER],
                organisation=obligation.child.responsible_authority,
                is_active=True,
            ).first()
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


class ImportEpisodes(PartnerView):
    scope = Scope.REPORT

    def record_refused_child(self, reference: str) -> None:
        self.refuse(Child, reference, "child")  # on the audit trail; the row is reported as refused

    @extend_schema(
        operation_id="import_episodes",
        summary="Report a batch of episodes from a CSV extract",
        description="As `homeward import-episodes`: each row is a report, stored in its own transaction; "
        "bad rows are listed with their line, column and reason and store nothing; each row's "
        "``reference`` makes a re-run of the same file change nothing. Answers 200 even if rows "
        "were refused: read ``refused``.",
        request=ImportSerializer,
        responses={200: ImportResultSerializer, **ERRORS},
        tags=["episodes"],
    )
    def post(self, request: Request) -> Response:
        form = ImportSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            rows = batch.read(form.validated_data["csv"])
        except batch.FileError as exc:
            raise exceptions.ValidationError(
                {"csv": [f"{str(exc)[:1].upper()}{str(exc)[1:]}; nothing was stored."]}
            ) from None
        outcome = batch.import_rows(
            self.token.organisation,
            rows,
            account=self.account,
            on_denied=self.record_refused_child,
        )
        for _, episode in outcome.stored:
            self.audit_view(episode)
        repeated = Episode.objects.in_bulk([pk for _, pk in outcome.repeated if pk is not None])
        for episode in repeated.values():
            self.audit_view(episode, replayed=True)
        return Response(
            {
                "stored": [{"line": line, "episode": episode.reference} for line, episode in outcome.stored],
                "already_stored": [{"line": line, "episode": f"E{pk}"} for line, pk in outcome.repeated],
                "refused": [
                    {"line": line, "column": column, "message": message}
                    for line, column, message in outcome.refused
                ],
            }
        )
