"""Who may close a duty: the person it falls to, their managers (the team manager of the team,
senior managers) and the Missing Children Coordinator; a partner (a carer, the police, a care
provider's or a force's system) records its own duties only.

One predicate (``access.relationships.closes_duty``, and ``organisation_closes`` for a token)
decides for the close form, for every "Record outcome" link the pages show, and for the API.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from homeward.access.audit import REFUSED
from homeward.access.relationships import closes_duty, organisation_closes
from homeward.accounts.models import AuditEntry, Organisation, OrganisationKind, Role, User
from homeward.api.models import SCOPES, ApiToken
from homeward.casework.episodes import record_found, report_episode
from homeward.casework.placements import start_placement
from homeward.children.models import Child
from homeward.episodes.models import Episode
from homeward.notifications.models import Message
from homeward.obligations.models import Obligation
from homeward.web.templatetags.homeward import outcome_url
from tests.access.test_told_to_act import MONDAY, Clock, duty_team, london, report_saturday_night
from tests.api.conftest import ApiClient
from tests.conftest import Service
from tests.factories import (
    AuthorityFactory,
    ChildFactory,
    EstablishmentFactory,
    TeamFactory,
    UserFactory,
    signed_in,
)

pytestmark = pytest.mark.django_db


@dataclass
class World:
    child: Child
    episode: Episode
    people: dict[str, User]
    organisations: dict[str, Organisation]

    def duty(self, kind: str, recipient: str = "") -> Obligation:
        return Obligation.objects.get(episode=self.episode, kind=kind, recipient=recipient)


@pytest.fixture
def world() -> World:
    """A looked-after child placed in a home, missing for the third time in three months (so the
    coordinator's intervention meeting is due, West Mercia 14.5) and now back, the police's safe
    and well check not yet done; everyone who works with her, and a near miss of some."""
    force = Organisation.objects.create(name="West Mercia Police", kind=OrganisationKind.POLICE_FORCE)
    provider = Organisation.objects.create(name="Brightpath Homes", kind=OrganisationKind.CARE_PROVIDER)
    authority = AuthorityFactory(name="Herefordshire Council", police_force=force)
    home = EstablishmentFactory(provider=provider, area=authority)
    team, other_team = TeamFactory(organisation=authority), TeamFactory(organisation=authority)
    people: dict[str, User] = {}

    def person(key: str, role: Role, org: Organisation = authority, **extra: object) -> User:
        people[key] = UserFactory(username=key, role=role, organisation=org, **extra)
        return people[key]

    person("social_worker", Role.SOCIAL_WORKER, team=team)
    person("other_social_worker", Role.SOCIAL_WORKER, team=other_team)
    team.manager = person("team_manager", Role.TEAM_MANAGER, team=team)
    team.save()
    other_team.manager = person("other_team_manager", Role.TEAM_MANAGER, team=other_team)
    other_team.save()
    for role in (Role.MISSING_COORDINATOR, Role.MASH_OFFICER, Role.SENIOR_MANAGER):
        person(role.value, role)
    person("rhi", Role.RETURN_INTERVIEW_WORKER)
    person("iro", Role.IRO)
    person("carer", Role.CARER, provider, establishment=home)
    person("police", Role.POLICE_LIAISON, force)
    child = ChildFactory(
        responsible_authority=authority,
        team=team,
        allocated_worker=people["social_worker"],
        iro=people["iro"],
    )
    now = timezone.now().replace(second=0, microsecond=0)
    start_placement(child, establishment=home, at=now - timedelta(days=80), by=None)
    for days in (60, 30, 1):
        episode = report_episode(
            child,
            category="missing",
            reported_at=now - timedelta(days=days, hours=-1),
            last_seen_at=now - timedelta(days=days),
            police_informed=True,
            by=people["carer"],
        )
        record_found(episode, at=now - timedelta(days=days, hours=-8), by=people["carer"])
    organisations = {"authority": authority, "provider": provider, "police": force}
    return World(child, episode, people, organisations)


EVERYONE = frozenset(
    {
        "social_worker",
        "other_social_worker",
        "team_manager",
        "other_team_manager",
        "missing_coordinator",
        "mash_officer",
        "senior_manager",
        "rhi",
        "iro",
        "carer",
        "police",
    }
)
# Each duty of the last episode, whom it falls to, and who may close it.
DUTIES = {
    # The social worker's: tell the IRO (West Mercia 6.20).
    ("notify", "iro"): (
        Role.SOCIAL_WORKER,
        {"social_worker", "team_manager", "missing_coordinator", "senior_manager"},
    ),
    # The coordinator's intervention meeting (14.5): not the carer's, not the police's.
    ("intervention_meeting", ""): (Role.MISSING_COORDINATOR, {"missing_coordinator", "senior_manager"}),
    # The return interview worker's (12.1).
    ("return_interview", ""): (
        Role.RETURN_INTERVIEW_WORKER,
        {"rhi", "missing_coordinator", "senior_manager"},
    ),
    # The IRO's: consider reconvening the review (6.20).
    ("review_meeting", ""): (Role.IRO, {"iro", "missing_coordinator", "senior_manager"}),
    # The police's safe and well check (8.7): the police, or the coordinator recording their answer.
    ("safe_and_well_check", ""): (Role.POLICE_LIAISON, {"police", "missing_coordinator"}),
}


def test_each_duty_is_closed_by_whom_it_falls_to_their_managers_and_the_coordinator(world: World) -> None:
    for duty, (falls_to, closers) in DUTIES.items():
        obligation = world.duty(*duty)
        assert obligation.falls_to == falls_to, duty
        assert obligation.is_outstanding, duty
        for who in sorted(EVERYONE):
            user = world.people[who]
            assert closes_duty(user, obligation) == (who in closers), (duty, who)
            assert user.has_perm("obligations.close_obligation", obligation) == (who in closers), (duty, who)


def test_a_carer_cannot_open_the_form_that_closes_the_coordinators_intervention_meeting(
    world: World,
) -> None:
    meeting = world.duty("intervention_meeting")
    client = signed_in(world.people["carer"])
    refused_before = AuditEntry.objects.filter(additional_data__outcome=REFUSED).count()
    assert client.get(f"/obligations/{meeting.pk}/close/").status_code == 404
    posted = client.post(
        f"/obligations/{meeting.pk}/close/",
        {"outcome": "done", "at": timezone.now().strftime("%Y-%m-%dT%H:%M")},
    )
    assert posted.status_code == 404
    assert AuditEntry.objects.filter(additional_data__outcome=REFUSED).count() == refused_before + 2
    meeting.refresh_from_db()
    assert meeting.outcome == ""


def test_the_episode_page_offers_record_outcome_only_for_the_duties_the_reader_may_close(
    world: World,
) -> None:
    for who in ("carer", "police", "social_worker", "missing_coordinator"):
        page = signed_in(world.people[who]).get(f"/episodes/{world.episode.pk}/").content.decode()
        for duty, (_, closers) in DUTIES.items():
            # "Record outcome": the close form, or for a duty with a record of its own (the safe and
            # well check) that record's form, offering the duty.
            link = f'href="{outcome_url(world.duty(*duty))}"'
            assert (link in page) == (who in closers), (who, duty)


def test_my_work_offers_record_outcome_only_for_duties_the_reader_may_close(world: World) -> None:
    # The team manager's "For my team" lists the team's work, the coordinator's meeting included.
    page = signed_in(world.people["team_manager"]).get("/my-work/").content.decode()
    assert world.duty("intervention_meeting").title in page
    assert f'href="/obligations/{world.duty("intervention_meeting").pk}/close/"' not in page
    assert f'href="/obligations/{world.duty("notify", "iro").pk}/close/"' in page


def token(world: World, who: str) -> ApiClient:
    return ApiClient(ApiToken.issue(world.organisations[who], f"{who} system", list(SCOPES))[1])


# Refusals first: they change nothing, so the duties the later rows close are still open.
PARTNER_CASES = [
    ("provider", ("intervention_meeting", ""), False),
    ("provider", ("notify", "iro"), False),
    ("police", ("notify", "iro"), False),
    ("police", ("safe_and_well_check", ""), True),
    ("authority", ("intervention_meeting", ""), True),
]


def test_a_partner_system_records_its_own_duties_only(world: World) -> None:
    for holder, duty, allowed in PARTNER_CASES:
        obligation = world.duty(*duty)
        assert organisation_closes(world.organisations[holder], obligation) == allowed, (holder, duty)
        refused_before = AuditEntry.objects.filter(additional_data__outcome=REFUSED).count()
        response = token(world, holder).post(
            f"/api/v1/obligations/{obligation.pk}/completion/",
            {"outcome": "done", "at": timezone.now().isoformat()},
        )
        obligation.refresh_from_db()
        if allowed:
            assert response.status_code == 200, (holder, duty, response.json())
            assert obligation.outcome == "done"
        else:
            assert response.status_code == 403, (holder, duty)
            assert response.json()["error"]["code"] == "forbidden"
            assert "records its own duties only" in response.json()["error"]["message"]
            assert obligation.outcome == ""
            assert AuditEntry.objects.filter(additional_data__outcome=REFUSED).count() == refused_before + 1


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    yield Clock(monkeypatch)


def test_the_duty_team_told_of_a_duty_out_of_hours_may_record_it_while_it_is_theirs(
    service: Service, clock: Clock
) -> None:
    """Wakefield s.9: out of hours the emergency duty team acts for the allocated team. The duty it
    is told of is its to act on, and so to record, until the office opens (``acting_on``)."""
    officer = duty_team(service)
    episode = report_saturday_night(service, clock)
    police = Obligation.objects.get(episode=episode, kind="notify", recipient="police")
    assert Message.objects.filter(recipient=officer, obligation=police).exists()
    assert closes_duty(officer, police)
    page = signed_in(officer).get(f"/episodes/{episode.pk}/").content.decode()
    assert f'href="/obligations/{police.pk}/close/"' in page
    # The office is open again: the allocated team has it back, and the duty team no longer may.
    clock.set(london(MONDAY, 9, 1))
    assert not closes_duty(officer, police)
    assert signed_in(officer).get(f"/obligations/{police.pk}/close/").status_code == 404
