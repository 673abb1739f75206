"""A police force, the authority it covers, a care provider's home there and a child placed in
it; another force, authority and provider that have nothing to do with the child; and a token
for each, holding every scope unless a test says otherwise."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from homeward.accounts.models import Organisation, OrganisationKind, Role, User
from homeward.api.models import SCOPES, ApiToken
from homeward.casework.placements import start_placement
from homeward.children.models import Child, Establishment
from tests.factories import AuthorityFactory, ChildFactory, EstablishmentFactory, TeamFactory, UserFactory


@dataclass
class Partners:
    force: Organisation
    authority: Organisation
    provider: Organisation
    other_force: Organisation
    other_authority: Organisation
    other_provider: Organisation
    home: Establishment
    child: Child
    other_child: Child
    manager: User
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self, who: str) -> ApiClient:
        return ApiClient(self.tokens[who])


class ApiClient:
    """A partner system: JSON in and out, its token on every request."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.client = Client()

    def headers(self, extra: dict[str, str]) -> dict[str, str]:
        return {
            "HTTP_AUTHORIZATION": f"Bearer {self.token}",
            **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in extra.items()},
        }

    def get(self, path: str, **headers: str) -> Any:
        return self.client.get(path, **self.headers(headers))

    def post(self, path: str, data: dict[str, Any], **headers: str) -> Any:
        return self.client.post(path, data, content_type="application/json", **self.headers(headers))


def token_for(organisation: Organisation, name: str, scopes: list[str] | None = None) -> str:
    return ApiToken.issue(organisation, name, scopes if scopes is not None else list(SCOPES))[1]


def iso(moment: datetime) -> str:
    return moment.isoformat()


def hours_ago(hours: float) -> datetime:
    return timezone.now().replace(microsecond=0) - timedelta(hours=hours)


def report_body(child: Child, /, **extra: Any) -> dict[str, Any]:
    return {
        "child": child.reference,
        "category": "missing",
        "reported_at": iso(hours_ago(1)),
        "last_seen_at": iso(hours_ago(2)),
        "last_seen_where": "Hereford bus station",
        "wearing": "Black hoodie, grey joggers",
        **extra,
    }


@pytest.fixture
def partners(db: None) -> Partners:
    force = Organisation.objects.create(name="West Mercia Police", kind=OrganisationKind.POLICE_FORCE)
    other_force = Organisation.objects.create(name="Dyfed-Powys Police", kind=OrganisationKind.POLICE_FORCE)
    authority = AuthorityFactory(name="Herefordshire Council", police_force=force)
    other_authority = AuthorityFactory(name="Powys County Council", police_force=other_force)
    provider = Organisation.objects.create(name="Brightpath Homes", kind=OrganisationKind.CARE_PROVIDER)
    other_provider = Organisation.objects.create(name="Elm Tree Care", kind=OrganisationKind.CARE_PROVIDER)
    home = EstablishmentFactory(name="Oak House", provider=provider, area=authority)
    team = TeamFactory(organisation=authority)
    manager = UserFactory(username="manager", role=Role.TEAM_MANAGER, organisation=authority, team=team)
    team.manager = manager
    team.save()
    worker = UserFactory(role=Role.SOCIAL_WORKER, organisation=authority, team=team)
    child = ChildFactory(responsible_authority=authority, team=team, allocated_worker=worker)
    start_placement(child, establishment=home, at=hours_ago(24 * 30), by=None)
    # A surname no other child here has: the missing list must not show it.
    other_child = ChildFactory(responsible_authority=other_authority, last_name="Abernethy-Quill")
    world = Partners(
        force,
        authority,
        provider,
        other_force,
        other_authority,
        other_provider,
        home,
        child,
        other_child,
        manager,
    )
    world.tokens = {
        "police": token_for(force, "Niche RMS"),
        "authority": token_for(authority, "Mosaic"),
        "provider": token_for(provider, "Brightpath records"),
        "other_police": token_for(other_force, "Dyfed-Powys RMS"),
        "other_authority": token_for(other_authority, "Powys Liquidlogic"),
        "other_provider": token_for(other_provider, "Elm Tree records"),
    }
    return world
