"""The access matrix: every URL pattern of the project, opened by a person of every role and
relationship, gives what the table says: the page, the host view, a 404, or the sign-in page.

The URL patterns are walked from Django's resolver, so a new page (or API endpoint under
/api/) with no row in ROUTES fails ``test_every_url_pattern_has_a_row_in_the_matrix``.

HOW TO ADD A ROW. Key it by the URL name (``namespace:name`` inside a namespace, e.g.
``api:child-detail``), or by the route text for an unnamed pattern. Give:

- ``args``: how to fill the URL's arguments from the ``World`` below (the one child, its
  episode, interview, meeting, outstanding obligation), e.g. ``child_pk``;
- ``allowed``: the set of PEOPLE keys who get the page (status ``ok``, 200 unless the view
  redirects on success); everyone else signed in gets ``denied`` (404 by default: a record
  one may not see must look like one that does not exist, and leaves an audit row);
- ``host``: who gets the host authority's restricted view instead;
- ``away``: for a section of the service (the board, My work, Children, Overdue, Reports), whose
  roles cannot use it: they are sent to their start page (302) with the refusal as an error;
- ``public=True`` for pages open before signing in; ``skip="why"`` for a pattern that is not
  a page to open with GET (say why).

THE PARTNER API (``api:*``). The API ignores sessions: every person signed in to the pages gets
401 there (``api=True``), and the schema and its docs are open to all (``public=True``). Who may
use an API route is a token holder, an organisation (TOKEN_HOLDERS: the force told of the
episode, the responsible authority, the provider of the home the child is placed in, the host
authority, and a near miss of each): ``tokens`` lists those who get ``ok``; every other holder
gets 404 and an audit row (``forbidden``: those who see the record but may not make this change
get 403 and an audit row; a batch import answers every holder, storing only the rows its
relationships allow: ``stores``; a refused row leaves an audit row). ``method``/``body`` say how to call it (a write is called with a
valid body; the test's transaction is rolled back after).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from PIL import Image

from homeward.access.audit import REFUSED
from homeward.accounts.models import AuditEntry, Organisation, OrganisationKind, Role, User
from homeward.api.models import SCOPES, ApiToken
from homeward.casework.commissions import allocate_commission, commission_interview
from homeward.casework.episodes import record_found, report_episode
from homeward.casework.find_me import save_find_me_plan
from homeward.casework.panels import Adult, Place, record_panel
from homeward.casework.placements import start_placement
from homeward.casework.records import add_record
from homeward.casework.warning_notices import record_notice
from homeward.children.models import Child, EmergencyAccess, FindMePlan, WarningNotice
from homeward.episodes.models import Episode, Event, ProfileShare
from homeward.interviews.models import Commission, ReturnInterview
from homeward.meetings.models import (
    Action,
    Arrangement,
    Briefing,
    BriefingAttendee,
    BriefingItem,
    Invitation,
    Meeting,
    Panel,
    PanelAction,
    PanelKind,
    PlaceKind,
)
from homeward.notes.models import Note
from homeward.notifications.models import Kind, Message
from homeward.obligations.models import Allocation, Chase, Obligation, ProtocolAdoption
from homeward.plans.models import PlanVersion
from homeward.records.models import DutyRecord
from tests.factories import (
    AuthorityFactory,
    ChildFactory,
    EstablishmentFactory,
    TeamFactory,
    UserFactory,
    sign_in,
)

# Everyone the matrix signs in as: a relationship to the one child, or a near miss.
PEOPLE = [
    "allocated_sw",  # the child's own social worker
    "team_sw",  # a social worker in the child's team
    "other_team_sw",  # a social worker of the same authority, another team
    "team_manager",  # manages the child's team
    "other_team_manager",  # manages another team of the same authority
    "coordinator",
    "mash",
    "senior",
    "iro",  # reviews this child
    "other_iro",
    "rhi",  # return home interview worker of the authority
    "carer",  # works in the home the child is placed in
    "other_carer",
    "police",  # liaison officer of the force told of the episode
    "other_police",
    "duty_worker",  # emergency duty team, told out of hours of the episode's open duty
    "other_duty_worker",  # the same team, told of it in an out-of-hours period now over
    "host_coordinator",  # coordinator of the authority the child is placed in
    "host_social_worker",  # a social worker there: no host relationship
    "host_rhi",  # a return interview worker there, given the interview Herefordshire asked it to hold
    "other_coordinator",  # coordinator of an unrelated authority
    "analyst",
    "administrator",  # a Django superuser on the staff: still no relationship
]
SIGNED_IN = frozenset(PEOPLE)
CASE = frozenset({"allocated_sw", "team_sw", "team_manager", "coordinator", "mash", "senior"})
VIEW_CHILD = CASE | {"iro", "rhi", "carer"}
EPISODE = VIEW_CHILD | {"police"}
# Opens the one episode it was told to act on, and what it needs of the child to act.
TOLD_TO_ACT = EPISODE | {"duty_worker"}
CHANGE_EPISODE = CASE | {"carer", "police"}
INTERVIEWS = CASE | {"iro", "rhi"}
RECORD_INTERVIEW = CASE | {"rhi"}
# Case notes: whoever works on the episode, and the return interview workers following the child up.
ADD_NOTE = CHANGE_EPISODE | {"rhi"}
# Who allocates a child's duties to named people: the coordinator, and the team's manager.
ALLOCATE = frozenset({"coordinator", "team_manager"})
ALLOCATORS = frozenset(
    {"coordinator", "team_manager", "other_team_manager", "host_coordinator", "other_coordinator"}
)
AUDIT = frozenset({"coordinator", "senior", "team_manager"})
# Who chases the person a duty falls to: those who oversee the work (access.relationships.chasable).
CHASE = frozenset({"coordinator", "senior", "team_manager"})
# The world's obligation is the social worker's (tell the IRO): closed by the social workers who
# hold the case, the team's manager, a senior manager and the coordinator (access.relationships).
# And the duty worker told of it out of hours, while that is theirs to act on (acting_on).
CLOSE_SOCIAL_WORKERS_DUTY = frozenset(
    {"allocated_sw", "team_sw", "team_manager", "coordinator", "senior", "duty_worker"}
)
OVERSIGHT = frozenset({"coordinator", "senior"})
# The staff of the child's own authority (who may open its record in an emergency, stating why).
AUTHORITY_STAFF_HERE = CASE | {
    "other_team_sw",
    "other_team_manager",
    "iro",
    "other_iro",
    "rhi",
    "duty_worker",
    "other_duty_worker",
}
LOCAL_CASE_STAFF = frozenset(
    {
        "allocated_sw",
        "team_sw",
        "other_team_sw",
        "team_manager",
        "other_team_manager",
        "coordinator",
        "mash",
        "senior",
        "duty_worker",
        "other_duty_worker",
        "host_coordinator",
        "host_social_worker",
        "other_coordinator",
    }
)


# The sections of the service, each for the roles whose work it is (the others are sent away to
# their start page, told why; access.relationships "sections"): no board or work list for an
# analyst or administrator, no children's pages for the police, reports for the authority's staff.
WORKERS = SIGNED_IN - {"analyst", "administrator"}
CHILD_LISTERS = LOCAL_CASE_STAFF | {"iro", "other_iro", "rhi", "host_rhi", "carer", "other_carer"}
READERS = LOCAL_CASE_STAFF | {"iro", "other_iro", "rhi", "host_rhi", "analyst"}
# Who runs briefings: a local authority's coordinator and managers (any authority's, for its own),
# and those who run this one (the child's authority's).
BRIEFING_RUNNERS = frozenset(
    {"coordinator", "team_manager", "other_team_manager", "senior", "host_coordinator", "other_coordinator"}
)
RUNS_THIS_BRIEFING = frozenset({"coordinator", "team_manager", "other_team_manager", "senior"})
# The host authority asked to hold the episode's return home interview (casework.commissions): its
# coordinator (the host view already) and the return interview worker it was given to.
HOST = frozenset({"host_coordinator", "host_rhi"})


def photo() -> bytes:
    """The child's photograph: a small, real PNG."""
    out = BytesIO()
    Image.new("RGB", (4, 5), (90, 60, 30)).save(out, format="PNG")
    return out.getvalue()


@dataclass
class World:
    child: Child
    episode: Episode
    interview: ReturnInterview
    meeting: Meeting
    obligation: Obligation
    message: Message
    people: dict[str, User]
    emergency: EmergencyAccess
    arrangement: Arrangement
    action: Action
    record: DutyRecord
    briefing: Briefing
    briefing_item: BriefingItem
    commission: Commission
    host_interview: ReturnInterview
    # A Child Abduction Warning Notice naming the child, served by West Mercia (001 s.14.22).
    notice: WarningNotice | None = None
    # A MACE panel about the child and a restricted second child (allocated to team_sw), with a
    # place, an adult and an action given to the return interview worker.
    panel: Panel | None = None
    panel_action: PanelAction | None = None


@dataclass(frozen=True)
class Route:
    args: Callable[[World], dict[str, Any]] = lambda w: {}
    allowed: frozenset[str] = frozenset()
    host: frozenset[str] = frozenset()
    ok: int = 200
    denied: int = 404
    # A section of the service these people's roles cannot use: 302 to their start page.
    away: frozenset[str] = frozenset()
    # For lists: who sees the child's name on the page.
    shows: frozenset[str] | None = None
    public: bool = False
    skip: str = ""
    # The partner API: token holders, not people (see the module docstring).
    api: bool = False
    tokens: frozenset[str] = frozenset()
    method: str = "get"
    body: Callable[[World], dict[str, Any]] | None = None
    # A batch: every holder gets 200; these have the child's row stored, the rest have it refused.
    stores: frozenset[str] | None = None
    # Holders who may see the record but not make this change: 403, and an audit row.
    forbidden: frozenset[str] = frozenset()


# Warning notices: every authority's coordinator records its own; the force that served one reads it.
COORDINATORS = frozenset({"coordinator", "host_coordinator", "other_coordinator"})
NOTICE_LISTERS = COORDINATORS | {"police"}


# Panels (access.relationships.PANEL_ROLES): any local authority's coordinator and managers run
# their own (the list and the form); the world's panel is read by Herefordshire's, by the social
# worker of either child on it (allocated_sw has only the one child, team_sw the restricted
# second), and by nobody else: not the police, another authority's coordinator, the MASH.
PANEL_RUNNERS = frozenset(
    {"coordinator", "team_manager", "other_team_manager", "senior", "host_coordinator", "other_coordinator"}
)
PANEL_READERS = frozenset(
    {"coordinator", "team_manager", "other_team_manager", "senior", "allocated_sw", "team_sw"}
)
# Who is shown the restricted second child by name: those named on that child's record.
SEES_SECOND_CHILD = frozenset({"coordinator", "team_sw"})


def panel_pk(w: World) -> dict[str, Any]:
    assert w.panel is not None
    return {"pk": w.panel.pk}


def panel_action_pk(w: World) -> dict[str, Any]:
    assert w.panel_action is not None
    return {"pk": w.panel_action.pk}


def notice_pk(w: World) -> dict[str, Any]:
    assert w.notice is not None
    return {"pk": w.notice.pk}


def child_pk(w: World) -> dict[str, Any]:
    return {"pk": w.child.pk}


def episode_pk(w: World) -> dict[str, Any]:
    return {"pk": w.episode.pk}


# Partner systems holding API tokens: organisations related to the child, and a near miss of each.
TOKEN_HOLDERS = {
    "police": "West Mercia Police",  # the force told of the episodes (covers where the child lives)
    "other_police": "Dyfed-Powys Police",
    "authority": "Herefordshire Council",  # responsible for the child
    "host_authority": "Shropshire Council",  # the child is placed in its area: no host view by API
    "other_authority": "Powys County Council",
    "provider": "Brightpath Homes",  # runs the home the child is placed in
    "other_provider": "Elm Tree Care",
}
PARTNERS = frozenset({"police", "authority", "provider"})


def open_episode(w: World) -> dict[str, Any]:
    episode = Episode.objects.filter(child=w.child, found_at__isnull=True).get()
    return {"pk": episode.pk}


def change(w: World, **fields: Any) -> dict[str, Any]:
    episode = Episode.objects.filter(child=w.child, found_at__isnull=True).get()
    return {"expected_version": episode.version, "at": timezone.now().isoformat(), **fields}


def no_open_episode(w: World) -> None:
    """End the child's open episode (in the test's own transaction): a child has one open at a time,
    so a new report is accepted only once it has ended."""
    episode = Episode.objects.filter(child=w.child, found_at__isnull=True).get()
    record_found(episode, at=timezone.now() - timedelta(minutes=5), by=None)


def report(w: World) -> dict[str, Any]:
    no_open_episode(w)
    now = timezone.now()
    return {"child": w.child.reference, "category": "missing", "reported_at": now.isoformat()}


def batch(w: World) -> dict[str, Any]:
    no_open_episode(w)
    reported = timezone.now().isoformat()
    return {"csv": f"reference,child,category,reported_at\nM-1,{w.child.reference},away,{reported}\n"}


ROUTES: dict[str, Route] = {
    # Signing in: open before signing in.
    "login": Route(public=True, allowed=SIGNED_IN),
    "sign_in_code": Route(public=True, allowed=SIGNED_IN, ok=302),
    "sign_in_set_up": Route(public=True, allowed=SIGNED_IN, ok=302),
    # The load balancer's health check: open to anyone, says nothing about anyone.
    "healthz": Route(public=True, allowed=SIGNED_IN),
    "logout": Route(skip="POST only (GET is 405); signing out is tested in test_sign_in"),
    # Lists: the sections' people, showing only what their relationships allow.
    "home": Route(allowed=WORKERS, away=SIGNED_IN - WORKERS, shows=EPISODE | {"host_coordinator"}),
    # The board's rows, which the open board fetches to keep itself up to date: as the board.
    "board_rows": Route(allowed=WORKERS, away=SIGNED_IN - WORKERS, shows=EPISODE | {"host_coordinator"}),
    "my_work": Route(allowed=WORKERS, away=SIGNED_IN - WORKERS),
    "overdue": Route(allowed=LOCAL_CASE_STAFF, away=SIGNED_IN - LOCAL_CASE_STAFF),
    # The header's search: open to everyone signed in; it finds only what each may see.
    "search": Route(allowed=SIGNED_IN),
    "children": Route(allowed=CHILD_LISTERS, away=SIGNED_IN - CHILD_LISTERS, shows=VIEW_CHILD),
    # Any local authority's case-holding staff may record a new child; others are sent back.
    "child_new": Route(allowed=LOCAL_CASE_STAFF, denied=302),
    # A child's record.
    "child": Route(child_pk, allowed=VIEW_CHILD),
    "child_edit": Route(child_pk, allowed=CASE),
    # The photograph: whoever may open the child's page, nobody else (no public file address).
    "child_photo": Route(child_pk, allowed=VIEW_CHILD),
    "placement_new": Route(child_pk, allowed=CASE),
    # The Find Me plan and Philomena profile: the case holders and the carers of the child's home.
    "find_me_plan": Route(child_pk, allowed=CASE | {"carer"}),
    # The child's plans, kept in versions: whoever keeps the Find Me plan (issue 17).
    "plan": Route(lambda w: {"pk": w.child.pk, "kind": "safety"}, allowed=CASE | {"carer"}),
    "plan_edit": Route(lambda w: {"pk": w.child.pk, "kind": "safety"}, allowed=CASE | {"carer"}),
    # The Find Me plan's first version (the world's plan, saved through the write layer).
    "plan_version": Route(
        lambda w: {"pk": w.child.pk, "kind": "find_me", "number": 1}, allowed=CASE | {"carer"}
    ),
    "risk_assessment_new": Route(child_pk, allowed=CASE),
    "director_review": Route(child_pk, allowed=CASE, ok=302),
    # The child is missing now: "Report missing" shows the open episode instead (302 to it).
    "report_episode": Route(child_pk, allowed=CASE | {"carer"}, ok=302),
    "child_audit": Route(child_pk, allowed=AUDIT),
    "child_subject_access": Route(child_pk, allowed=OVERSIGHT),
    "child_restrict": Route(child_pk, allowed=OVERSIGHT),
    # Emergency access: the child's own authority's staff may ask (stating why); nobody else
    # (another authority, a partner, an analyst, an administrator) learns the child exists.
    "child_emergency_access": Route(child_pk, allowed=AUTHORITY_STAFF_HERE),
    # The privacy lead's review (a permission: "senior" here, and another authority's coordinator,
    # who sees the list of their own authority's uses but not this child's).
    "emergency_access_review": Route(
        allowed=frozenset({"senior", "other_coordinator"}), shows=frozenset({"senior"})
    ),
    "emergency_access_sign_off": Route(lambda w: {"pk": w.emergency.pk}, allowed=frozenset({"senior"})),
    # An episode.
    "episode": Route(episode_pk, allowed=TOLD_TO_ACT, host=HOST),
    "episode_answers": Route(episode_pk, allowed=CHANGE_EPISODE),
    # The questions after the report, a group a page: whoever may change the episode's details.
    "episode_questions": Route(lambda w: {**episode_pk(w), "slug": "risks"}, allowed=CHANGE_EPISODE),
    "reclassify": Route(episode_pk, allowed=CHANGE_EPISODE),
    "grade_risk": Route(episode_pk, allowed=CHANGE_EPISODE),
    "police_informed": Route(episode_pk, allowed=CHANGE_EPISODE),
    "found": Route(episode_pk, allowed=CHANGE_EPISODE),
    "media_interest": Route(episode_pk, allowed=CHANGE_EPISODE),
    # A report made in error: withdrawn by its reporter (none here) or a manager of the case.
    "withdraw_episode": Route(episode_pk, allowed=frozenset({"team_manager", "coordinator", "senior"})),
    # The MASH and the coordinator confirm a force's own report; this one needs none: back to it.
    "confirm_police_report": Route(episode_pk, allowed=frozenset({"coordinator", "mash"}), ok=302),
    "close_obligation": Route(lambda w: {"pk": w.obligation.pk}, allowed=CLOSE_SOCIAL_WORKERS_DUTY),
    # A duty's way to the plan that meets it: whoever may close the duty (a duty no plan meets:
    # 302 to recording its outcome).
    "duty_plan": Route(lambda w: {"pk": w.obligation.pk}, allowed=CLOSE_SOCIAL_WORKERS_DUTY, ok=302),
    "note_new": Route(episode_pk, allowed=ADD_NOTE),
    # The child's Philomena profile and photograph on the episode: whoever opens the episode (the
    # force told of it, the duty team told to act), not the host authority, not another force
    # until the coordinator shares it (tests/web/test_profile.py), nor another authority.
    "episode_profile": Route(episode_pk, allowed=TOLD_TO_ACT),
    "episode_photo": Route(episode_pk, allowed=TOLD_TO_ACT),
    "share_profile": Route(episode_pk, allowed=frozenset({"coordinator"})),
    # Where the child was last seen (a report's "Don't know" confirmed, or a sighting in another
    # force's area, which shares the profile): the coordinator, as for sharing; no force, no carer.
    "last_seen_force": Route(episode_pk, allowed=frozenset({"coordinator"})),
    # Duty records: made by whoever works on the episode (as case notes), or whoever may close
    # the duty a record meets; read by whoever opens the episode.
    "record_new": Route(lambda w: {"pk": w.episode.pk, "kind": "return_plan"}, allowed=ADD_NOTE),
    # (A kind recorded only against its duty, the IRO's review: test_the_iro_review_form below.)
    "record": Route(lambda w: {"pk": w.record.pk}, allowed=TOLD_TO_ACT),
    "allocate_obligation": Route(lambda w: {"pk": w.obligation.pk}, allowed=ALLOCATE),
    # Chasing the person the world's duty falls to (the allocated social worker).
    "chase_obligation": Route(lambda w: {"pk": w.obligation.pk}, allowed=CHASE),
    # Why a duty is due: whoever may open its episode (the host authority's restricted view of
    # the episode does not reach its duties).
    "why_obligation": Route(lambda w: {"pk": w.obligation.pk}, allowed=TOLD_TO_ACT),
    # The queue of unallocated work: for whoever allocates (a coordinator, a team manager),
    # listing only what they allocate; everyone else is sent to where they start.
    "unallocated_work": Route(allowed=ALLOCATORS, away=SIGNED_IN - ALLOCATORS, shows=ALLOCATE),
    # A return home interview asked of the host authority: asked by whoever of the responsible
    # authority may close the interview duty (here already asked: back to the episode); the host's
    # coordinator gives it to a worker; that worker (or the coordinator) records it. A third
    # authority, the host's other staff and the responsible authority's other staff get 404.
    "ask_host_interview": Route(
        lambda w: {"pk": w.commission.obligation_id},
        allowed=frozenset({"coordinator", "senior", "rhi"}),
        ok=302,
    ),
    "allocate_host_interview": Route(
        lambda w: {"pk": w.commission.pk}, allowed=frozenset({"host_coordinator"})
    ),
    # (Its interview is begun already here: to its change page. The interview itself: below.)
    "host_interview_new": Route(lambda w: {"pk": w.commission.pk}, allowed=HOST, ok=302),
    # Return home interviews and meetings.
    "return_interview_new": Route(episode_pk, allowed=RECORD_INTERVIEW),
    "return_interview": Route(lambda w: {"pk": w.interview.pk}, allowed=INTERVIEWS),
    "return_interview_edit": Route(lambda w: {"pk": w.interview.pk}, allowed=RECORD_INTERVIEW),
    # Signed off by the person authorising it (Wakefield s.5): a manager of the child's case.
    "return_interview_sign_off": Route(
        lambda w: {"pk": w.interview.pk}, allowed=frozenset({"team_manager", "coordinator", "senior"})
    ),
    "meeting_new": Route(child_pk, allowed=CASE),
    "meeting": Route(lambda w: {"pk": w.meeting.pk}, allowed=INTERVIEWS),
    # Arranging a meeting, holding it or deciding not to: whoever holds the case. The arranged
    # meeting opens to the meeting's readers and to whoever is invited (the police officer here,
    # who sees no meetings otherwise: when, where and who, not the agenda).
    "meeting_arrange": Route(child_pk, allowed=CASE),
    "arrangement": Route(lambda w: {"pk": w.arrangement.pk}, allowed=INTERVIEWS | {"police"}),
    "arrangement_hold": Route(lambda w: {"pk": w.arrangement.pk}, allowed=CASE),
    "arrangement_not_held": Route(lambda w: {"pk": w.arrangement.pk}, allowed=CASE),
    # A meeting's action: whoever holds the case, and the person it was given to (the carer).
    "action": Route(lambda w: {"pk": w.action.pk}, allowed=CASE | {"carer"}),
    # The daily missing briefing and weekly oversight with the police (002 s.4; 000): started and
    # recorded by a local authority's coordinator and managers; read by them and by whoever is
    # recorded as at it (the police officer here). The list names no child; on the briefing, a
    # child shows only to someone who may see that child (not the other team's manager). What
    # was agreed for the child: whoever runs the briefing and holds the child's case.
    "briefings": Route(
        allowed=BRIEFING_RUNNERS | {"police"},
        away=SIGNED_IN - BRIEFING_RUNNERS - {"police"},
        shows=frozenset(),
    ),
    "briefing_new": Route(allowed=BRIEFING_RUNNERS, away=SIGNED_IN - BRIEFING_RUNNERS),
    "briefing": Route(
        lambda w: {"pk": w.briefing.pk},
        allowed=RUNS_THIS_BRIEFING | {"police"},
        shows=frozenset({"coordinator", "team_manager", "senior", "police"}),
    ),
    "briefing_attendance": Route(lambda w: {"pk": w.briefing.pk}, allowed=RUNS_THIS_BRIEFING),
    "briefing_finish": Route(lambda w: {"pk": w.briefing.pk}, allowed=RUNS_THIS_BRIEFING),
    "briefing_item": Route(
        lambda w: {"pk": w.briefing_item.pk}, allowed=frozenset({"coordinator", "team_manager", "senior"})
    ),
    # Warning notices (001 s.14.21-14.22; access.relationships.records_warning_notices): recorded
    # by a coordinator (any authority's, for its own children), read by the child's authority's
    # coordinator and the force that served it; another authority and another force get the 404.
    "warning_notices": Route(allowed=NOTICE_LISTERS, away=SIGNED_IN - NOTICE_LISTERS),
    "warning_notice_new": Route(allowed=COORDINATORS, denied=302),
    "warning_notice": Route(notice_pk, allowed=frozenset({"coordinator", "police"})),
    "warning_notice_withdraw": Route(notice_pk, allowed=frozenset({"coordinator"})),
    "panels": Route(
        allowed=PANEL_RUNNERS | {"allocated_sw", "team_sw"}, away=SIGNED_IN - PANEL_RUNNERS - PANEL_READERS
    ),
    "panel_new": Route(allowed=PANEL_RUNNERS, denied=302),
    # The panel: the child by name to its readers who may see them (not the other team's manager).
    "panel": Route(panel_pk, allowed=PANEL_READERS, shows=PANEL_READERS - {"other_team_manager"}),
    # A panel's action: the person it was given to (the return interview worker, who does not read
    # the panel), and Herefordshire's coordinator and managers.
    "panel_action": Route(
        panel_action_pk,
        allowed=frozenset({"coordinator", "team_manager", "other_team_manager", "senior", "rhi"}),
    ),
    # Correcting what was agreed for a child at a briefing: whoever may record it; the world's
    # item has nothing recorded yet, so they are sent back to the briefing, told so.
    "briefing_item_correct": Route(
        lambda w: {"pk": w.briefing_item.pk},
        allowed=frozenset({"coordinator", "team_manager", "senior"}),
        ok=302,
    ),
    # Reports: the authority's staff, counting only whom their relationships allow (analysts: their
    # authority, de-identified); the 903 return is row-level, so not for analysts (404).
    "reports": Route(allowed=READERS, away=SIGNED_IN - READERS),
    "oversight_report": Route(allowed=READERS, away=SIGNED_IN - READERS),
    "ssda903": Route(allowed=READERS - {"analyst"}, away=SIGNED_IN - READERS),
    "annex_a": Route(allowed=READERS, away=SIGNED_IN - READERS),
    # Places and people named in return interviews: a report, so its readers; each counts only the
    # interviews they may read (analysts: numbered), tested in test_interview_findings.
    "interview_names": Route(allowed=READERS, away=SIGNED_IN - READERS),
    "ssd_missing": Route(allowed=READERS - {"analyst"}, away=SIGNED_IN - READERS),
    # What the 903 would reject: the coordinator's and senior managers' (of any authority, each
    # seeing their own children); the matrix child's record breaks no rule, so no name shows.
    "data_quality": Route(
        allowed=frozenset({"coordinator", "senior", "host_coordinator", "other_coordinator"}),
        shows=frozenset(),
    ),
    # What a draft protocol would do: the coordinator's and senior managers' of a local authority,
    # each for their own authority (nobody else: 404, audited).
    "what_if": Route(allowed=frozenset({"coordinator", "senior", "host_coordinator", "other_coordinator"})),
    # The authority's protocol versions and adopting one: its coordinator and senior managers.
    "protocol": Route(allowed=frozenset({"coordinator", "senior", "host_coordinator", "other_coordinator"})),
    # The briefing pack is also the police's (it is linked from their board).
    "briefing_pack": Route(allowed=SIGNED_IN),
    # The Find Me plan is shared with the police of the episode (002 s.10).
    # And with the duty team told to act on an episode (Wakefield s.9 "EDT if out of hours").
    "find_me_plan_pdf": Route(child_pk, allowed=TOLD_TO_ACT),
    # Each person's inbox: their own messages only; a message is its recipient's alone.
    "inbox": Route(allowed=SIGNED_IN),
    "message": Route(lambda w: {"pk": w.message.pk}, allowed=frozenset({"coordinator"})),
    "inbox_read": Route(skip="POST only (GET is 405); marking read is tested in tests/notifications"),
    # The partner API: organisations' tokens (test_the_api_matrix); sessions get 401 there.
    "api:episode-list": Route(api=True, tokens=PARTNERS, ok=201, method="post", body=lambda w: report(w)),
    "api:episode-import": Route(
        api=True,
        tokens=frozenset(TOKEN_HOLDERS),
        stores=PARTNERS,
        method="post",
        body=batch,
    ),
    "api:episode-detail": Route(episode_pk, api=True, tokens=PARTNERS),
    # The profile and photograph: the force told of the episode (and the authority and provider
    # who keep it); another force only once shared with (tests/api/test_profile.py).
    "api:episode-profile": Route(episode_pk, api=True, tokens=PARTNERS),
    "api:episode-grade-risk": Route(
        open_episode, api=True, tokens=PARTNERS, method="post", body=lambda w: change(w, level="high")
    ),
    "api:episode-police-informed": Route(
        open_episode, api=True, tokens=PARTNERS, method="post", body=lambda w: change(w, reference="22-1")
    ),
    "api:episode-found": Route(
        open_episode,
        api=True,
        tokens=PARTNERS,
        method="post",
        body=lambda w: change(w, where="Home", found_by="Returned", safe_and_well_done=True),
    ),
    "api:episode-reclassify": Route(
        open_episode,
        api=True,
        tokens=PARTNERS,
        method="post",
        body=lambda w: change(w, category="absent", reason="Whereabouts known"),
    ),
    "api:episode-notes": Route(
        open_episode,
        api=True,
        tokens=PARTNERS,
        ok=201,
        method="post",
        body=lambda w: {"kind": "call", "at": timezone.now().isoformat(), "text": "Called the school"},
    ),
    # The police's safe and well check; any partner of the episode may send one (meeting a duty
    # needs the duty to be its own: tests/api/test_records.py).
    "api:episode-safe-and-well-checks": Route(
        open_episode,
        api=True,
        tokens=PARTNERS,
        ok=201,
        method="post",
        body=lambda w: {
            "at": timezone.now().isoformat(),
            "done_by": "PC 1",
            "face_to_face": True,
            "where_been": "A friend's",
            "with_whom": "A friend",
            "disclosed": False,
            "harmed": False,
            "cse_considered": True,
            "referred": False,
        },
    ),
    "api:child-detail": Route(lambda w: {"reference": w.child.reference}, api=True, tokens=PARTNERS),
    "api:missing": Route(api=True, tokens=frozenset(TOKEN_HOLDERS), shows=PARTNERS),
    # The social worker's duty: the authority's system (as its coordinator) closes it; the force's
    # and the provider's see it on the episode but record their own duties only.
    "api:obligation-complete": Route(
        lambda w: {"pk": w.obligation.pk},
        api=True,
        tokens=frozenset({"authority"}),
        forbidden=frozenset({"police", "provider"}),
        method="post",
        body=lambda w: {"outcome": "done", "at": timezone.now().isoformat()},
    ),
    "api:schema": Route(api=True, public=True, tokens=frozenset(TOKEN_HOLDERS)),
    "api:docs": Route(api=True, public=True, tokens=frozenset(TOKEN_HOLDERS)),
    # Django's admin: its own staff permissions; checked on its index below.
    "admin:*": Route(skip="the admin site: staff only, checked by test_the_admin_is_for_staff_only"),
}


def walk(patterns: list[URLPattern | URLResolver], namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, inner)
        else:
            yield f"{namespace}{pattern.name or pattern.pattern}"


def row_for(key: str) -> str | None:
    if key in ROUTES:
        return key
    namespace = key.split(":", 1)[0] + ":*" if ":" in key else None
    return namespace if namespace in ROUTES else None


def test_every_page_that_writes_is_in_the_matrix() -> None:
    assert set(WRITES) <= set(ROUTES)


def test_every_url_pattern_has_a_row_in_the_matrix() -> None:
    keys = list(walk(get_resolver().url_patterns))
    missing = [key for key in keys if row_for(key) is None]
    assert not missing, f"URL patterns with no row in ROUTES (see the module docstring): {missing}"
    assert len(keys) > 30


@pytest.fixture(scope="module")
def world(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """One child of Herefordshire, placed in a home in Shropshire's area, with a photograph, an
    episode the police were told of, an interview, a meeting and an obligation still to do; and
    everyone."""
    from django.db import transaction

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def build_world() -> World:
    force = Organisation.objects.create(name="West Mercia Police", kind=OrganisationKind.POLICE_FORCE)
    other_force = Organisation.objects.create(name="Dyfed-Powys Police", kind=OrganisationKind.POLICE_FORCE)
    authority = AuthorityFactory(name="Herefordshire Council", police_force=force)
    host = AuthorityFactory(name="Shropshire Council", police_force=force)
    unrelated = AuthorityFactory(name="Powys County Council", police_force=other_force)
    team, other_team = TeamFactory(organisation=authority), TeamFactory(organisation=authority)
    home, other_home = EstablishmentFactory(area=host), EstablishmentFactory(area=authority)
    people: dict[str, User] = {}

    def person(key: str, role: Role, org: Organisation | None = authority, **extra: Any) -> User:
        people[key] = UserFactory(username=key, role=role, organisation=org, **extra)
        return people[key]

    person("allocated_sw", Role.SOCIAL_WORKER, team=other_team)
    person("team_sw", Role.SOCIAL_WORKER, team=team)
    person("other_team_sw", Role.SOCIAL_WORKER, team=other_team)
    team.manager = person("team_manager", Role.TEAM_MANAGER)
    team.save()
    other_team.manager = person("other_team_manager", Role.TEAM_MANAGER)
    other_team.save()
    person("coordinator", Role.MISSING_COORDINATOR)
    person("mash", Role.MASH_OFFICER)
    person("senior", Role.SENIOR_MANAGER)
    person("iro", Role.IRO)
    person("other_iro", Role.IRO)
    person("rhi", Role.RETURN_INTERVIEW_WORKER)
    provider = Organisation.objects.create(name="Brightpath Homes", kind=OrganisationKind.CARE_PROVIDER)
    Organisation.objects.create(name="Elm Tree Care", kind=OrganisationKind.CARE_PROVIDER)
    home.provider = other_home.provider = provider
    home.save()
    other_home.save()
    person("carer", Role.CARER, provider, establishment=home)
    person("other_carer", Role.CARER, provider, establishment=other_home)
    person("police", Role.POLICE_LIAISON, force)
    person("other_police", Role.POLICE_LIAISON, other_force)
    duty_team = TeamFactory(organisation=authority, name="Emergency Duty Team")
    person("duty_worker", Role.SOCIAL_WORKER, team=duty_team)
    person("other_duty_worker", Role.SOCIAL_WORKER, team=duty_team)
    person("host_coordinator", Role.MISSING_COORDINATOR, host)
    person("host_social_worker", Role.SOCIAL_WORKER, host)
    person("host_rhi", Role.RETURN_INTERVIEW_WORKER, host)
    person("other_coordinator", Role.MISSING_COORDINATOR, unrelated)
    person("analyst", Role.ANALYST)
    person("administrator", Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    assert set(people) == set(PEOPLE)

    child = ChildFactory(
        responsible_authority=authority,
        team=team,
        allocated_worker=people["allocated_sw"],
        iro=people["iro"],
        first_name="Matrixa",
        last_name="Testchild",
    )
    child.photo.save("matrixa.png", ContentFile(photo()), save=True)
    save_find_me_plan(
        FindMePlan(child=child, description="Tall, red coat", likely_places="The bus station"), by=None
    )
    now = timezone.now().replace(second=0, microsecond=0)
    start_placement(child, establishment=home, at=now - timedelta(days=30), by=None)
    episode = report_episode(
        child,
        category="missing",
        reported_at=now - timedelta(hours=30),
        last_seen_at=now - timedelta(hours=31),
        police_informed=True,
        by=None,
    )
    record_found(episode, at=now - timedelta(hours=3), by=None)
    # A second, still open: the board shows children missing now.
    report_episode(
        child,
        category="missing",
        reported_at=now - timedelta(hours=1),
        last_seen_at=None,
        police_informed=True,
        by=None,
    )
    interview = ReturnInterview.objects.create(episode=episode, offered_at=now - timedelta(hours=2))
    meeting = Meeting.objects.create(
        child=child,
        episode=episode,
        kind="strategy",
        held_at=now - timedelta(hours=20),
        attendees="Social worker, police",
        decisions="Find Me plan shared",
    )
    obligation = Obligation.objects.outstanding().filter(episode=episode).first()
    assert obligation is not None
    arrangement = Arrangement.objects.create(
        child=child, episode=episode, kind="strategy", starts_at=now + timedelta(hours=4), place="Room 4"
    )
    Invitation.objects.create(arrangement=arrangement, person=people["police"], name="PC Matrix", police=True)
    action = Action.objects.create(
        meeting=meeting, description="Check the home's sign-out book", assignee=people["carer"]
    )
    # A message in the coordinator's inbox about the open work: theirs alone.
    message = Message.objects.create(
        recipient=people["coordinator"],
        kind=Kind.TEAM_MANAGER,
        obligation=obligation,
        subject="Overdue: C1",
        body="Overdue work for a child you oversee.",
        link=f"/episodes/{episode.pk}/",
        message_id="<matrix-1@homeward.invalid>",
        created_at=now,
        next_attempt_at=now,
    )
    # Out of hours the duty team is told too, until the office opens (one such period is over).
    for key, until in (
        ("duty_worker", now + timedelta(hours=8)),
        ("other_duty_worker", now - timedelta(hours=1)),
    ):
        Message.objects.create(
            recipient=people[key],
            kind=Kind.OUT_OF_HOURS,
            obligation=obligation,
            subject=f"Out of hours: {obligation.title} - child {child.reference}",
            body="Out of hours work for the duty team.",
            link=f"/episodes/{episode.pk}/",
            message_id=f"<matrix-{key}@homeward.invalid>",
            created_at=now - timedelta(hours=2),
            acts_until=until,
            next_attempt_at=now,
        )
    # An emergency access, over now, for the privacy lead to review; and the privacy leads.
    emergency = EmergencyAccess.objects.create(
        child=child,
        user=people["other_team_sw"],
        reason="Out of hours: the police called about this child",
        opened_at=now - timedelta(days=1),
        expires_at=now - timedelta(hours=20),
    )
    review = Permission.objects.get(codename="review_emergencyaccess")
    for key in ("senior", "other_coordinator"):
        people[key].user_permissions.add(review)
    # A duty record (a return plan: it meets no duty, so what is open stays as it is).
    record = add_record(
        episode,
        kind="return_plan",
        at=now - timedelta(hours=2),
        answers={
            "planned_by": "Social worker and carer",
            "chat_offered": "yes",
            "to_placement": "yes",
            "placement_safe": "yes",
            "transport": "Collected by the carer",
            "recovery_order": "not_needed",
        },
        by=None,
    )
    # Yesterday's briefing, still under way (today's is still to start): the coordinator and the
    # force's officer at it, the child on its agenda, missing now.
    briefing = Briefing.objects.create(
        authority=authority, kind="briefing", started_at=now - timedelta(days=1), chair="The coordinator"
    )
    BriefingAttendee.objects.create(briefing=briefing, person=people["coordinator"], name="Coordinator")
    BriefingAttendee.objects.create(briefing=briefing, person=people["police"], name="PC Matrix", police=True)
    briefing_item = BriefingItem.objects.create(
        briefing=briefing,
        child=child,
        episode=Episode.objects.get(child=child, found_at__isnull=True),
        reason="missing",
    )
    # Herefordshire asked Shropshire to hold the return home interview; Shropshire's coordinator
    # gave it to its worker. And an interview Shropshire recorded on the other episode (its duty
    # already met), which Herefordshire reads.
    commission = commission_interview(
        Obligation.objects.get(episode=episode, kind="return_interview"), by=people["coordinator"]
    )
    allocate_commission(commission, to=people["host_rhi"], by=people["host_coordinator"])
    host_interview = ReturnInterview.objects.create(
        episode=episode, offered_at=now - timedelta(hours=1), commission=commission
    )
    notice = record_notice(
        kind="child_abduction",
        children=[child],
        adult={"adult_name": "Dean Matrix", "adult_age": 34},
        statement_by="Team manager, Herefordshire",
        statement="Dean Matrix is to have no contact with Matrixa Testchild.",
        served_by_name="PC Matrix",
        served_by_force=force,
        served_at=now - timedelta(days=2),
        expires_on=(now + timedelta(days=180)).date(),
        by=people["coordinator"],
    )
    # A MACE panel (Essex 004 s.7) about the child and a restricted second child of team_sw's.
    second = ChildFactory(
        responsible_authority=authority,
        team=team,
        allocated_worker=people["team_sw"],
        first_name="Secunda",
        last_name="Restrictedchild",
        sealed=True,
    )
    second.sealed_to.set([people["team_sw"], people["coordinator"]])
    panel = record_panel(
        Panel(
            authority=authority,
            kind=PanelKind.MACE,
            held_at=now - timedelta(days=3),
            chair="Head of Service",
            attendees="Police, Health",
            discussed="Both children seen at the flat",
            disruption="Patrols of the bus station",
        ),
        children=[child, second],
        places=[Place(PlaceKind.HOTSPOT, description="Bus station")],
        adults=[Adult(name="Adult Matrix", link="Gives both lifts")],
        actions=[
            PanelAction(
                description="Speak to the children about the lifts",
                assignee=people["rhi"],
                due_on=(now + timedelta(days=7)).date(),
            )
        ],
        by=people["coordinator"],
    )
    return World(
        child,
        episode,
        interview,
        meeting,
        obligation,
        message,
        people,
        emergency,
        arrangement,
        action,
        record,
        briefing,
        briefing_item,
        commission,
        host_interview,
        notice,
        panel,
        panel.actions.get(),
    )


def cases() -> Iterator[tuple[str, str]]:
    for key, route in ROUTES.items():
        if not route.skip:
            for who in PEOPLE:
                yield key, who


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "who"), list(cases()))
def test_the_matrix(world: World, key: str, who: str) -> None:
    route = ROUTES[key]
    url = reverse(key, kwargs=route.args(world))
    client = sign_in(Client(), world.people[who])
    refused_before = AuditEntry.objects.filter(additional_data__outcome=REFUSED).count()
    response = client.get(url)
    body = response.content.decode(errors="replace") if response.status_code == 200 else ""
    if route.api:
        # A session opens nothing in the partner API but its schema and docs.
        assert response.status_code == (200 if route.public else 401), f"{who} on {url}"
        return
    if who in route.allowed:
        assert response.status_code == route.ok, f"{who} should get {url}"
        if route.ok == 302:
            assert not response["Location"].startswith("/sign-in/?"), f"{who} was sent to sign in"
        if route.shows is not None:
            assert (world.child.last_name in body) == (who in route.shows), f"{who} on {url}"
    elif who in route.host:
        assert response.status_code == 200
        assert "You see this as the host authority" in body
        assert "What we know" not in body
    elif who in route.away:
        assert response.status_code == 302, f"{who} should be sent away from {url}"
        assert not response["Location"].startswith("/sign-in/"), f"{who} was sent to sign in"
    else:
        assert response.status_code == route.denied, f"{who} should not get {url}"
        if route.denied == 404:
            # The refused attempt is on the audit trail.
            assert AuditEntry.objects.filter(additional_data__outcome=REFUSED).count() == refused_before + 1


@pytest.mark.django_db
@pytest.mark.parametrize("key", [key for key, route in ROUTES.items() if not route.skip])
def test_signed_out_every_page_but_signing_in_sends_you_to_sign_in(world: World, key: str) -> None:
    route = ROUTES[key]
    response = Client().get(reverse(key, kwargs=route.args(world)))
    if route.api:
        assert response.status_code == (200 if route.public else 401)
        assert response.status_code == 200 or response.json()["error"]["code"] == "unauthenticated"
        return
    if key in ("login", "healthz"):
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/?next=")


@pytest.mark.django_db
def test_the_admin_is_for_staff_only(world: World) -> None:
    for who in PEOPLE:
        response = sign_in(Client(), world.people[who]).get("/admin/")
        if who == "administrator":
            assert response.status_code == 200
        else:
            assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), who


# Pages that change the record when posted to.
WRITES = [
    "protocol",
    "child_edit",
    "placement_new",
    "find_me_plan",
    "plan_edit",
    "risk_assessment_new",
    "director_review",
    "report_episode",
    "child_restrict",
    "child_emergency_access",
    "emergency_access_sign_off",
    "episode_answers",
    "episode_questions",
    "reclassify",
    "grade_risk",
    "police_informed",
    "found",
    "media_interest",
    "confirm_police_report",
    "withdraw_episode",
    "close_obligation",
    "note_new",
    "share_profile",
    "last_seen_force",
    "record_new",
    "allocate_obligation",
    "chase_obligation",
    "ask_host_interview",
    "allocate_host_interview",
    "host_interview_new",
    "return_interview_new",
    "return_interview_edit",
    "return_interview_sign_off",
    "meeting_new",
    "meeting_arrange",
    "arrangement_hold",
    "arrangement_not_held",
    "action",
    # (Starting a briefing is a section's page, refused back to the start page:
    # tests/web/test_briefings.py checks a refused start saves nothing.)
    "briefing_attendance",
    "briefing_finish",
    "briefing_item",
    "warning_notice_withdraw",
    "briefing_item_correct",
    "panel_action",
]


def fingerprint(world: World) -> tuple[Any, ...]:
    child = Child.objects.get(pk=world.child.pk)
    return (
        child.version,
        child.sealed,
        Episode.objects.filter(child=child).count(),
        Event.objects.filter(child=child).count(),
        list(Episode.objects.filter(child=child).values_list("version", flat=True)),
        ReturnInterview.objects.filter(episode__child=child).count(),
        Meeting.objects.filter(child=child).count(),
        Arrangement.objects.filter(child=child).count(),
        list(Arrangement.objects.filter(child=child).values_list("not_held_reason", "meeting")),
        list(Action.objects.filter(meeting__child=child).values_list("state", flat=True)),
        Briefing.objects.count(),
        list(Briefing.objects.values_list("finished_at", flat=True)),
        BriefingAttendee.objects.count(),
        list(BriefingItem.objects.filter(child=child).values_list("meeting", "agreed_by")),
        Note.objects.filter(child=child).count(),
        DutyRecord.objects.filter(child=child).count(),
        Allocation.objects.filter(child=child).count(),
        Chase.objects.filter(child=child).count(),
        Message.objects.filter(kind=Kind.CHASED).count(),
        ProfileShare.objects.filter(episode__child=child).count(),
        list(Commission.objects.filter(episode__child=child).values_list("pk", "allocated_to")),
        EmergencyAccess.objects.filter(child=child).count(),
        list(EmergencyAccess.objects.filter(child=child).values_list("reviewed_at", flat=True)),
        list(FindMePlan.objects.filter(child=child).values_list("version", flat=True)),
        PlanVersion.objects.filter(plan__child=child).count(),
        ProtocolAdoption.objects.filter(authority=child.responsible_authority).count(),
        list(WarningNotice.objects.filter(children=child).values_list("withdrawn_at", flat=True)),
        Panel.objects.count(),
        list(PanelAction.objects.values_list("state", flat=True)),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("key", WRITES)
def test_no_one_without_the_relationship_can_change_the_record_by_posting(world: World, key: str) -> None:
    route = ROUTES[key]
    url = reverse(key, kwargs=route.args(world))
    before = fingerprint(world)
    # Everything a well-meaning form would send: the attempt must fail on who, not on what.
    data = {
        "category": "missing",
        "level": "high",
        "reason": "test",
        "at": "2026-01-01T10:00",
        "sealed": "on",
        "kind": "call",
        "text": "test",
    }
    for who in sorted(SIGNED_IN - route.allowed - route.host):
        response = sign_in(Client(), world.people[who]).post(url, data)
        assert response.status_code == 404, f"{who} posting to {url}"
    assert fingerprint(world) == before


# The IRO's review (a duty record recorded only against the duty it meets: West Mercia 6.20, WM4,
# which the found episode of the world's looked-after child raises for the child's IRO): whoever may
# close that duty, the child's IRO, the coordinator and a senior manager; not the case holders who
# record the episode's other work (record_new above), nor another IRO.
RECORD_IRO_REVIEW = frozenset({"iro", "coordinator", "senior"})


@pytest.mark.django_db
@pytest.mark.parametrize("who", PEOPLE)
def test_the_iro_review_form_is_for_whoever_may_close_the_review_duty(world: World, who: str) -> None:
    duty = Obligation.objects.get(episode=world.episode, kind="review_meeting", outcome="")
    url = reverse("record_new", kwargs={"pk": world.episode.pk, "kind": "iro_review"}) + f"?duty={duty.pk}"
    client = sign_in(Client(), world.people[who])
    refused_before = AuditEntry.objects.filter(additional_data__outcome=REFUSED).count()
    response = client.get(url)
    if who in RECORD_IRO_REVIEW:
        assert response.status_code == 200, f"{who} should get {url}"
        return
    assert response.status_code == 404, f"{who} should not get {url}"
    assert AuditEntry.objects.filter(additional_data__outcome=REFUSED).count() == refused_before + 1
    before = fingerprint(world)
    data = {"at": "2026-01-01T10:00", "meets": str(duty.pk), "review": "lac_review"}
    response = client.post(url, {**data, "decision": "not_reconvened", "reason": "test"})
    assert response.status_code == 404, f"{who} posting to {url}"
    assert fingerprint(world) == before


def api_cases() -> Iterator[tuple[str, str]]:
    for key, route in ROUTES.items():
        if route.api and not route.skip:
            for holder in TOKEN_HOLDERS:
                yield key, holder


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "holder"), list(api_cases()))
def test_the_api_matrix(world: World, key: str, holder: str) -> None:
    """A partner system's token gets what its organisation's relationship to the child allows."""
    route = ROUTES[key]
    url = reverse(key, kwargs=route.args(world))
    organisation = Organisation.objects.get(name=TOKEN_HOLDERS[holder])
    token = ApiToken.issue(organisation, f"{holder} system", list(SCOPES))[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    refused_before = AuditEntry.objects.filter(additional_data__outcome=REFUSED).count()
    if route.method == "post":
        assert route.body is not None
        response = client.post(url, route.body(world), content_type="application/json")
    else:
        response = client.get(url)
    if holder in route.tokens:
        assert response.status_code == route.ok, f"{holder} should get {url}: {response.content[:300]!r}"
        if route.shows is not None:
            assert (world.child.last_name in response.content.decode()) == (holder in route.shows), holder
        if route.stores is not None:
            stored = response.json()["stored"]
            assert len(stored) == (1 if holder in route.stores else 0), holder
            refused = AuditEntry.objects.filter(additional_data__outcome=REFUSED).count()
            assert refused == refused_before + (0 if holder in route.stores else 1), holder
    elif holder in route.forbidden:
        assert response.status_code == 403, f"{holder} should be refused {url}"
        assert response.json()["error"]["code"] == "forbidden"
        assert AuditEntry.objects.filter(additional_data__outcome=REFUSED).count() == refused_before + 1
    else:
        assert response.status_code == 404, f"{holder} should not get {url}"
        assert response.json()["error"]["code"] == "not_found"
        assert AuditEntry.objects.filter(additional_data__outcome=REFUSED).count() == refused_before + 1


# The interview the host authority recorded at the responsible authority's request: read by the
# responsible authority's readers and by the host asked (its coordinator and the worker given it);
# changed by those who may change an interview and by the host asked, until signed off. Nobody else.
@pytest.mark.django_db
@pytest.mark.parametrize("who", PEOPLE)
def test_the_interview_the_host_recorded_is_read_by_both_authorities_and_no_one_else(
    world: World, who: str
) -> None:
    client = sign_in(Client(), world.people[who])
    for url, allowed in (
        (reverse("return_interview", kwargs={"pk": world.host_interview.pk}), INTERVIEWS | HOST),
        (reverse("return_interview_edit", kwargs={"pk": world.host_interview.pk}), RECORD_INTERVIEW | HOST),
    ):
        refused_before = AuditEntry.objects.filter(additional_data__outcome=REFUSED).count()
        response = client.get(url)
        if who in allowed:
            assert response.status_code == 200, f"{who} should get {url}"
        else:
            assert response.status_code == 404, f"{who} should not get {url}"
            assert AuditEntry.objects.filter(additional_data__outcome=REFUSED).count() == refused_before + 1


# A child placed out of area, last seen in another force's area (001 s.5-6): the force told is
# that force, not the force of the home. Near misses: the home's force, another authority's
# coordinator and its token, and the same episode once the child's record is restricted.
@pytest.mark.django_db
def test_the_force_where_the_child_was_last_seen_is_told_and_no_other(settings: Any, tmp_path: Any) -> None:
    from homeward.casework.restrictions import restrict_record

    settings.MEDIA_ROOT = tmp_path / "media"

    home_force = Organisation.objects.create(name="Home Area Police", kind=OrganisationKind.POLICE_FORCE)
    seen_force = Organisation.objects.create(name="Last Seen Area Police", kind=OrganisationKind.POLICE_FORCE)
    third_force = Organisation.objects.create(name="Third Area Police", kind=OrganisationKind.POLICE_FORCE)
    authority = AuthorityFactory(name="Placing Council", police_force=home_force)
    unrelated = AuthorityFactory(name="Unrelated Council", police_force=seen_force)
    child = ChildFactory(responsible_authority=authority)
    child.photo.save("seen.png", ContentFile(photo()), save=True)
    start_placement(
        child,
        establishment=EstablishmentFactory(area=authority),
        at=timezone.now() - timedelta(days=3),
        by=None,
    )
    save_find_me_plan(FindMePlan(child=child, description="Tall, red coat"), by=None)
    episode = report_episode(
        child,
        category="missing",
        reported_at=timezone.now() - timedelta(minutes=10),
        last_seen_at=None,
        police_informed=True,
        by=None,
        last_seen_force=seen_force,
    )
    people = {
        "seen_police": UserFactory(role=Role.POLICE_LIAISON, organisation=seen_force),
        "home_police": UserFactory(role=Role.POLICE_LIAISON, organisation=home_force),
        "third_police": UserFactory(role=Role.POLICE_LIAISON, organisation=third_force),
        "coordinator": UserFactory(role=Role.MISSING_COORDINATOR, organisation=authority),
        "other_coordinator": UserFactory(role=Role.MISSING_COORDINATOR, organisation=unrelated),
    }
    tokens = {
        "seen_force": ApiToken.issue(seen_force, "Dyfed-Powys RMS", list(SCOPES))[1],
        "home_force": ApiToken.issue(home_force, "Niche RMS", list(SCOPES))[1],
        "third_force": ApiToken.issue(third_force, "Gwent RMS", list(SCOPES))[1],
        "other_authority": ApiToken.issue(unrelated, "Powys Liquidlogic", list(SCOPES))[1],
    }
    pages = {
        "episode": {"seen_police", "coordinator"},
        "episode_profile": {"seen_police", "coordinator"},
        "episode_photo": {"seen_police", "coordinator"},
        "last_seen_force": {"coordinator"},
    }
    apis = {"api:episode-detail": {"seen_force"}, "api:episode-profile": {"seen_force"}}

    def check(restricted: bool) -> None:
        for name, allowed in pages.items():
            url = reverse(name, kwargs={"pk": episode.pk})
            for who, user in people.items():
                refused_before = AuditEntry.objects.filter(additional_data__outcome=REFUSED).count()
                status = sign_in(Client(), user).get(url).status_code
                if who in allowed and not restricted:
                    assert status == 200, f"{who} should get {url}"
                else:
                    assert status == 404, f"{who} should not get {url}"
                    assert (
                        AuditEntry.objects.filter(additional_data__outcome=REFUSED).count()
                        == refused_before + 1
                    )
        for name, holders in apis.items():
            url = reverse(name, kwargs={"pk": episode.pk})
            for holder, token in tokens.items():
                status = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {token}").status_code
                expected = 200 if holder in holders and not restricted else 404
                assert status == expected, f"{holder} on {url}"

    check(restricted=False)
    # Every disclosure to the force told is on the trail with it as the recipient.
    recipients = {
        (entry.additional_data or {}).get("recipient_force")
        for entry in AuditEntry.objects.filter(object_pk=str(episode.pk))
        if "recipient_force" in (entry.additional_data or {})
    }
    assert recipients == {"Last Seen Area Police"}
    restrict_record(child, sealed=True, named=[people["coordinator"]], by=people["coordinator"])
    # Restricted: no force and no token (the coordinator named on it aside, not checked again).
    people.pop("coordinator")
    check(restricted=True)


@pytest.mark.django_db
@pytest.mark.parametrize("who", sorted(PANEL_READERS))
def test_the_panel_names_the_restricted_second_child_only_to_those_named_on_that_record(
    world: World, who: str
) -> None:
    body = sign_in(Client(), world.people[who]).get(reverse("panel", kwargs=panel_pk(world))).content.decode()
    assert ("Restrictedchild" in body) == (who in SEES_SECOND_CHILD), who
    if who not in SEES_SECOND_CHILD:
        assert "whose record you cannot see" in body
        # The notes may name the other child: withheld from a reader who may not see them all.
        assert "Both children seen at the flat" not in body and "Gives both lifts" not in body
    assert "Patrols of the bus station" in body


@pytest.mark.django_db
@pytest.mark.parametrize("who", sorted(VIEW_CHILD))
def test_the_childs_page_shows_the_panel_only_to_its_readers(world: World, who: str) -> None:
    body = sign_in(Client(), world.people[who]).get(reverse("child", kwargs=child_pk(world))).content.decode()
    assert (reverse("panel", kwargs=panel_pk(world)) in body) == (who in PANEL_READERS), who
