"""Batch import: a nightly extract of reports as CSV."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from homeward.api import batch
from homeward.api.models import Scope
from homeward.api.serializers import (
    ImportResultSerializer,
    ImportSerializer,
)
from homeward.api.views.common import (
    ERRORS,
    PartnerView,
)
from homeward.children.models import Child
from homeward.episodes.models import Episode


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
