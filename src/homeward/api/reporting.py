"""Reporting an episode for a partner (the API and the batch import share it)."""

from __future__ import annotations

from typing import Any

from auditlog.context import set_actor
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions

from homeward.access import partners
from homeward.accounts.models import Organisation, OrganisationKind, User
from homeward.api.errors import Conflict, from_django
from homeward.api.models import Replay
from homeward.api.serializers import ANSWERS, NOT_KNOWN, EpisodeSerializer
from homeward.casework.episodes import AlreadyOpen, report_by_force, report_episode
from homeward.children.models import Child
from homeward.episodes.models import Episode

# Service field names that the API calls otherwise.
SERVICE_FIELDS = {"return_notified_at": "notified_at"}


def service_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    """A service's refusal as a 400, naming the API's field."""
    error = from_django(exc)
    if isinstance(error.detail, dict):
        error.detail = {SERVICE_FIELDS.get(k, k): v for k, v in error.detail.items()}
    return error


def report_as(organisation: Organisation, account: User, child: Child, data: dict[str, Any]) -> Episode:
    """Report through the one write path; a police force has been told by definition (and its
    report of a child it was not told of waits for the MASH: ``casework.episodes.report_by_force``)."""
    police = organisation.kind == OrganisationKind.POLICE_FORCE
    answers = {name: data[name] for name in ANSWERS}
    given = data.get("last_seen_force", NOT_KNOWN)
    last_seen_force = given if isinstance(given, Organisation) else None
    try:
        with set_actor(account):
            if police:
                return report_by_force(
                    child,
                    organisation,
                    category=data["category"],
                    reported_at=data["reported_at"],
                    last_seen_at=data["last_seen_at"],
                    police_reference=data["police_reference"] or data["reference"][:60],
                    answers=answers,
                    by=account,
                    last_seen_force=last_seen_force,
                )
            return report_episode(
                child,
                category=data["category"],
                reported_at=data["reported_at"],
                last_seen_at=data["last_seen_at"],
                police_informed=data["police_informed"],
                police_reference=data["police_reference"],
                answers=answers,
                by=account,
                last_seen_force=last_seen_force,
                last_seen_force_not_known=last_seen_force is None,
            )
    except AlreadyOpen as exc:
        raise already_open(organisation, exc) from None
    except DjangoValidationError as exc:
        raise service_error(exc) from None


def already_open(organisation: Organisation, refusal: AlreadyOpen) -> Conflict:
    """409: the child has an open episode (named in the message and on ``child``); ``current`` is
    that episode when this organisation may see it (a police force's report of a child in its area
    does not show it an episode it was never told of)."""
    message = refusal.message_dict["child"][0]
    episode = partners.episodes_for(organisation).filter(pk=refusal.episode.pk).first()
    current = None
    if episode is not None:
        references = dict(
            Replay.objects.filter(
                organisation=organisation, kind=Replay.REFERENCE, episode=episode
            ).values_list("episode_id", "value")
        )
        current = dict(EpisodeSerializer(episode, context={"references": references}).data)
    return Conflict(message, current, fields={"child": [message]})
