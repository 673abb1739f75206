"""Who may see and do what with a child's record: by professional relationship, not by role alone.

Each relationship is written once, as a filter (``Q``) over children or
episodes for one person, and used two ways: as a django-rules predicate on one
record (``user.has_perm("children.view_child", child)``) and, through
``homeward.access.visible``, as the list of records a person may see. So the
pages that list children and the pages that open one cannot disagree.

The relationships (README "Who sees what"):

- allocated worker: the child's own social worker;
- team caseload: a social worker sees the children of their team;
- managed team: a team manager sees the children of the teams they manage;
- whole authority: the Missing Children Coordinator, MASH officers and senior
  managers see every child their authority is responsible for;
- reviewing officer: an IRO sees the children they review;
- return interviews: a return home interview worker sees the authority's
  children who have been missing;
- placed with carer: a carer sees the children placed now in their home;
- notified force: a police liaison officer sees the episodes their force was told of;
- shared with force: a police liaison officer of a force the coordinator shared an episode's
  profile with (002 s.10) sees that profile (and photograph), not the episode;
- host area: the coordinator, MASH officers and senior managers of the authority
  a child was placed in sees that child's episodes there, in the host's view only;
- commissioned host: the host authority asked to hold an episode's return home interview (its
  coordinator, who gives it to a worker, and its return interview team) sees that episode in the
  host's view, with the interview it was asked for; the worker given it (or the coordinator)
  records it;
- told to act: whoever a message asks to act on an obligation (the emergency duty
  team out of hours, a manager an overdue duty is escalated to) and the person it falls
  to may open what it is about while it is theirs: the obligation is open and, for the
  duty team, the office has not opened again. An episode's obligation opens that episode
  (with the child's essentials on its page); a child's own obligation, the child's page;
- emergency access: a member of the authority's staff who stated why they must act on a child
  outside their relationships sees the child's record for a set time, every view flagged on
  the audit trail and each use reviewed by the privacy lead;
- named on a restricted record: a sealed child is seen only by the people named
  on it (and only while one of the relationships above also holds).

An analyst and an administrator have no relationship to any child: analysts see
de-identified aggregates, administrators manage accounts.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, cast

import rules.permissions
import rules.predicates
from django.contrib.auth.models import AnonymousUser, Permission
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from homeward.access import memo
from homeward.accounts.models import Organisation, OrganisationKind, Role, User
from homeward.children.models import Child, EmergencyAccess, Placement, WarningNotice
from homeward.episodes.models import Episode, ProfileShare
from homeward.interviews.models import Commission, ReturnInterview
from homeward.meetings.models import (
    Action,
    Arrangement,
    Briefing,
    BriefingItem,
    Invitation,
    Meeting,
    Panel,
    PanelAction,
)
from homeward.notifications.models import Message
from homeward.obligations.models import Obligation, ObligationQuerySet
from homeward.records.models import DutyRecord

# django-rules is untyped: name its two entry points once, with types.
predicate: Callable[..., Any] = rules.predicates.predicate
set_perm: Callable[[str, Any], None] = rules.permissions.set_perm

NOTHING = Q(pk__in=[])

AUTHORITY_WIDE_ROLES = (Role.MISSING_COORDINATOR, Role.MASH_OFFICER, Role.SENIOR_MANAGER)
# Who oversees the record itself (and so may read its audit trail).
OVERSIGHT_ROLES = (Role.MISSING_COORDINATOR, Role.SENIOR_MANAGER)
# The people of a host authority who receive and act on notifications of placed children.
HOST_ROLES = (Role.MISSING_COORDINATOR, Role.MASH_OFFICER, Role.SENIOR_MANAGER)


def person(user: User | AnonymousUser | None) -> User | None:
    """The signed-in, active person, or None (who then has no relationship to anything)."""
    if isinstance(user, User) and user.is_authenticated and user.is_active:
        return user
    return None


def _authority(user: User) -> int | None:
    """Asked about a dozen times a request (each relationship and section asks it), remembered
    for the request (``access.memo``): another instance of the same person is read once."""

    def look_up() -> int | None:
        org = user.organisation
        if org is None or org.kind != OrganisationKind.LOCAL_AUTHORITY:
            return None
        return org.pk

    return memo.once(("authority", memo.shape(user)), look_up)


F = TypeVar("F", bound=Callable[..., Q])


def built_once(build: F) -> F:
    """A relationship's filter for one person, built once in a request (``access.memo``): the same
    filter was built again for each query and each check of a page (issue 20). Asked of another
    moment (``now``) it is built afresh."""

    @functools.wraps(build)
    def remembered(user: User | AnonymousUser | None, *args: Any, **kwargs: Any) -> Q:
        who = person(user)
        if who is None or args or kwargs or not memo.active():
            return build(user, *args, **kwargs)
        return memo.once((build, memo.shape(who)), lambda: build(who))

    return cast(F, remembered)


def authority_of(user: User) -> int | None:
    """The local authority a person works for (None for a partner: a force, a care provider)."""
    return _authority(user)


# --- relationships to a child (filters over Child) ------------------------------------------


def allocated_worker(user: User | AnonymousUser | None) -> Q:
    who = person(user)
    return Q(allocated_worker=who) if who else NOTHING


@built_once
def team_caseload(user: User | AnonymousUser | None) -> Q:
    who = person(user)
    if who is None or who.role != Role.SOCIAL_WORKER or who.team_id is None:
        return NOTHING
    return Q(team_id=who.team_id, responsible_authority_id=_authority(who))


@built_once
def managed_team(user: User | AnonymousUser | None) -> Q:
    who = person(user)
    if who is None or who.role != Role.TEAM_MANAGER:
        return NOTHING
    own = Q(team_id=who.team_id) if who.team_id else NOTHING
    return (Q(team__manager=who) | own) & Q(responsible_authority_id=_authority(who))


@built_once
def whole_authority(user: User | AnonymousUser | None) -> Q:
    who = person(user)
    if who is None or who.role not in AUTHORITY_WIDE_ROLES or _authority(who) is None:
        return NOTHING
    return Q(responsible_authority_id=_authority(who))


@built_once
def reviewing_officer(user: User | AnonymousUser | None) -> Q:
    who = person(user)
    return Q(iro=who) if who and who.role == Role.IRO else NOTHING


@built_once
def return_interviews(user: User | AnonymousUser | None) -> Q:
    who = person(user)
    if who is None or who.role != Role.RETURN_INTERVIEW_WORKER or _authority(who) is None:
        return NOTHING
    been_missing = Exists(Episode.objects.filter(child=OuterRef("pk")))
    return Q(been_missing, responsible_authority_id=_authority(who))


@built_once
def placed_with_carer(user: User | AnonymousUser | None) -> Q:
    who = person(user)
    if who is None or who.role != Role.CARER or who.establishment_id is None:
        return NOTHING
    placed_now = Placement.objects.filter(
        child=OuterRef("pk"), establishment_id=who.establishment_id, ended_on__isnull=True
    )
    return Q(Exists(placed_now))


def _acting_on(who: User, now: datetime | None) -> tuple[ObligationQuerySet, ObligationQuerySet]:
    """The obligations that are this person's to act on at ``now``, in two halves: open and falling
    to them, and open and the subject of a message to them that is still theirs (out of hours,
    until the office opens again: ``Message.acts_until``)."""
    now = now or timezone.now()
    messages = Message.objects.filter(recipient=who, obligation__isnull=False).filter(
        Q(acts_until__isnull=True) | Q(acts_until__gt=now)
    )
    outstanding = Obligation.objects.outstanding(now)
    return outstanding.filter(assignee=who), outstanding.filter(pk__in=messages.values("obligation_id"))


def _acting_on_any(who: User, now: datetime | None, *, episode: bool | None) -> Q:
    """Rows keyed by an obligation this person acts on (``episode=None``), by its episode
    (``True``) or by its child, for an obligation of the child's own (``False``).

    The halves are a UNION: "assigned to me OR named in my messages" in one WHERE had PostgreSQL
    read every outstanding obligation in the country for each board (about 190 ms of the board's
    258 ms slowest query on the large bench), where each half alone is an index read.
    """
    column = "pk" if episode is None else "episode_id" if episode else "child_id"
    assigned, told = _acting_on(who, now)
    if episode is not None:
        assigned, told = (
            assigned.filter(episode__isnull=not episode),
            told.filter(episode__isnull=not episode),
        )
    return memo.within("pk", assigned.order_by().values(column).union(told.order_by().values(column)))


@built_once
def told_to_act_on_child(user: User | AnonymousUser | None, now: datetime | None = None) -> Q:
    """Children with an obligation of their own (not an episode's) that is this person's to act on."""
    who = person(user)
    if who is None:
        return NOTHING
    return _acting_on_any(who, now, episode=False)


@built_once
def emergency_access(user: User | AnonymousUser | None, now: datetime | None = None) -> Q:
    """Children this person opened in an emergency, stating why, while that lasts (README
    "Emergency access"; every view under it is flagged on the audit trail)."""
    who = person(user)
    if who is None:
        return NOTHING
    current = EmergencyAccess.objects.filter(user=who, expires_at__gt=now or timezone.now())
    return Q(pk__in=current.values("child_id"))


@built_once
def may_open_in_emergency(user: User | AnonymousUser | None) -> Q:
    """Whose record this person may open in an emergency: the unrestricted children of their own
    local authority, for its own staff (the emergency duty team, a duty social worker)."""
    who = person(user)
    if who is None or who.role not in AUTHORITY_STAFF or _authority(who) is None:
        return NOTHING
    return Q(responsible_authority_id=_authority(who), sealed=False)


@built_once
def named_on_restricted_record(user: User | AnonymousUser | None) -> Q:
    """Not a relationship but a limit: an unsealed child, or a sealed one this person is named on."""
    who = person(user)
    if who is None:
        return NOTHING
    named = Child.sealed_to.through.objects.filter(child_id=OuterRef("pk"), user_id=who.pk)
    return Q(sealed=False) | Q(Exists(named))


@built_once
def allocates_work(user: User | AnonymousUser | None) -> Q:
    """Whose duties this person allocates to named people: the Missing Children Coordinator their
    authority's children's (002 s.3: the coordinator ensures "the Return Home Interview task can
    be allocated"), a team manager their teams' children's."""
    who = person(user)
    if who is None:
        return NOTHING
    if who.role == Role.MISSING_COORDINATOR:
        return whole_authority(user)
    if who.role == Role.TEAM_MANAGER:
        return managed_team(user)
    return NOTHING


# Who may open a child's page at all.
CHILD_RELATIONSHIPS = (
    allocated_worker,
    team_caseload,
    managed_team,
    whole_authority,
    reviewing_officer,
    return_interviews,
    placed_with_carer,
    told_to_act_on_child,
    emergency_access,
)
# Who holds the responsible authority's case and so may change the child's record.
CASE_RELATIONSHIPS = (allocated_worker, team_caseload, managed_team, whole_authority)


def any_of(relations: tuple[Any, ...], user: User | AnonymousUser | None) -> Q:
    combined = NOTHING
    for relation in relations:
        combined |= relation(user)
    return combined


# --- relationships to an episode (filters over Episode) -------------------------------------


@built_once
def notified_force(user: User | AnonymousUser | None) -> Q:
    who = person(user)
    if who is None or who.role != Role.POLICE_LIAISON or who.organisation is None:
        return NOTHING
    if who.organisation.kind != OrganisationKind.POLICE_FORCE:
        return NOTHING
    # A force's own report of a child it had not been told of is told to it once the MASH
    # confirms it (README "Partner API"); until then only its reporting system sees the episode.
    # A report withdrawn as made in error (the wrong child, say) tells the force nothing.
    return Q(
        police_informed=True,
        police_force_id=who.organisation_id,
        awaiting_confirmation=False,
        withdrawn_at__isnull=True,
    )


@built_once
def shared_with_force(user: User | AnonymousUser | None) -> Q:
    """Episodes whose child's profile the coordinator shared with this police liaison officer's
    force (002 s.10: the area the child is believed to be in): the profile only, not the episode."""
    who = person(user)
    if who is None or who.role != Role.POLICE_LIAISON or who.organisation is None:
        return NOTHING
    if who.organisation.kind != OrganisationKind.POLICE_FORCE:
        return NOTHING
    shared = ProfileShare.objects.filter(force_id=who.organisation_id).values("episode_id")
    return Q(pk__in=shared, withdrawn_at__isnull=True)


def own_unconfirmed_report(who: User) -> Q:
    """Episodes this person's force reported itself and the MASH has not confirmed: no duty on them
    widens what the force sees (its liaison officers act on them once confirmed)."""
    if who.organisation is None or who.organisation.kind != OrganisationKind.POLICE_FORCE:
        return NOTHING
    return Q(awaiting_confirmation=True, police_force_id=who.organisation_id)


@built_once
def told_to_act(user: User | AnonymousUser | None, now: datetime | None = None) -> Q:
    """Episodes with an obligation that is this person's to act on (see ``_acting_on``)."""
    who = person(user)
    if who is None:
        return NOTHING
    told = _acting_on_any(who, now, episode=True)
    own = own_unconfirmed_report(who)
    return told if own == NOTHING else told & ~own


@built_once
def host_area(user: User | AnonymousUser | None) -> Q:
    """Episodes that began while the child was placed in this person's authority's area (not its own child)."""
    who = person(user)
    if who is None or who.role not in HOST_ROLES or _authority(who) is None:
        return NOTHING
    placed_there = Placement.objects.filter(
        child=OuterRef("child"),
        establishment__area_id=_authority(who),
        started_at__lte=OuterRef("reported_at"),
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=OuterRef("reported_at")))
    return Q(Exists(placed_there), withdrawn_at__isnull=True) & ~Q(
        child__responsible_authority_id=_authority(who)
    )


# Who of a host authority acts on a return home interview asked of it.
COMMISSIONED_ROLES = (*HOST_ROLES, Role.RETURN_INTERVIEW_WORKER)


@built_once
def commissioned_host(user: User | AnonymousUser | None) -> Q:
    """Episodes whose return home interview the responsible authority asked this person's
    authority to hold (casework.commissions): the host's view only, like ``host_area``."""
    who = person(user)
    if who is None or who.role not in COMMISSIONED_ROLES or _authority(who) is None:
        return NOTHING
    asked = Commission.objects.filter(episode=OuterRef("pk"), host_authority_id=_authority(who))
    return Q(Exists(asked), withdrawn_at__isnull=True)


# --- predicates on one record ---------------------------------------------------------------


# A page that only reads asks the same question of the same record many times while it renders
# (the child's page asked seventeen, one query each). Nothing it does can change the answer, so a
# request that only reads remembers them; a request that writes never does, and nothing is
# remembered from one request to the next.
_remembered: ContextVar[dict[tuple[Any, ...], bool] | None] = ContextVar(
    "homeward_access_remembered", default=None
)


@contextmanager
def remembering_answers() -> Iterator[None]:
    """Within the block, the same relationship asked of the same record is queried once."""
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def _holds(model: type[models.Model], pk: Any, relation: Q, asked: tuple[Any, ...] = ()) -> bool:
    """Whether ``relation`` holds for one record. ``asked`` names the question (the relationship
    and the person) so a read-only request can remember it: a relation is not a key itself, as
    its subqueries compare by identity."""
    if pk is None or relation == NOTHING:
        return False
    remembered = _remembered.get() if asked else None
    key = (model, pk, *asked)
    if remembered is not None and key in remembered:
        return remembered[key]
    answer = model._default_manager.filter(relation, pk=pk).exists()
    if remembered is not None:
        remembered[key] = answer
    return answer


def child_of(obj: Any) -> Child | None:
    """The child a record is about: a child, an episode, an interview, a meeting, an obligation or
    a duty record."""
    if isinstance(obj, Child):
        return obj
    if isinstance(obj, (Episode, Meeting, Obligation, Arrangement, DutyRecord)):
        return obj.child
    if isinstance(obj, (ReturnInterview, Commission)):
        return obj.episode.child
    if isinstance(obj, Action):
        return obj.meeting.child
    if isinstance(obj, Invitation):
        return obj.arrangement.child
    if isinstance(obj, BriefingItem):
        return obj.child
    return None


def on_child(relation: Any) -> Any:
    """A predicate that holds when ``relation`` links the person to the record's child."""

    def check(user: User, obj: Any) -> bool:
        child = child_of(obj)
        asked = (relation.__name__, getattr(user, "pk", None))
        return child is not None and _holds(Child, child.pk, relation(user), asked)

    check.__name__ = relation.__name__
    return predicate(check, name=f"is_{relation.__name__}")


def on_episode(relation: Any) -> Any:
    def check(user: User, obj: Any) -> bool:
        episode = obj if isinstance(obj, Episode) else getattr(obj, "episode", None)
        asked = (relation.__name__, getattr(user, "pk", None))
        return isinstance(episode, Episode) and _holds(Episode, episode.pk, relation(user), asked)

    check.__name__ = relation.__name__
    return predicate(check, name=f"is_{relation.__name__}")


is_allocated_worker = on_child(allocated_worker)
is_team_caseload = on_child(team_caseload)
is_managed_team = on_child(managed_team)
is_whole_authority = on_child(whole_authority)
is_reviewing_officer = on_child(reviewing_officer)
is_return_interviews = on_child(return_interviews)
is_placed_with_carer = on_child(placed_with_carer)
is_told_to_act_on_child = on_child(told_to_act_on_child)
is_named_on_restricted_record = on_child(named_on_restricted_record)
is_emergency_access = on_child(emergency_access)
is_open_in_emergency = on_child(may_open_in_emergency)
is_allocating = on_child(allocates_work)
is_notified_force = on_episode(notified_force)
is_told_to_act = on_episode(told_to_act)
is_host_area = on_episode(host_area)
is_shared_with_force = on_episode(shared_with_force)
is_commissioned_host = on_episode(commissioned_host)


CASE_ROLES = (Role.SOCIAL_WORKER, Role.TEAM_MANAGER, *AUTHORITY_WIDE_ROLES)


@predicate
def works_in_social_care(user: User) -> bool:
    """Records new children: the case-holding staff of a local authority."""
    who = person(user)
    return bool(who and who.role in CASE_ROLES and _authority(who) is not None)


# --- the sections of the service a role can use ------------------------------------------------
#
# The navigation offers, and each section admits, only the people whose work it is: a carer or a
# police liaison officer has no team's overdue work to manage and no authority's reports to read;
# the police open episodes, not children's pages; an analyst reads reports and has no duties.

WORKING_ROLES = tuple(role for role in Role if role not in (Role.ANALYST, Role.ADMINISTRATOR))
# Whoever a child's page can open to by a relationship (CHILD_RELATIONSHIPS).
CHILD_LIST_ROLES = (*CASE_ROLES, Role.IRO, Role.RETURN_INTERVIEW_WORKER, Role.CARER)
REPORT_ROLES = (*CASE_ROLES, Role.IRO, Role.RETURN_INTERVIEW_WORKER, Role.ANALYST)


@predicate
def has_casework(user: User) -> bool:
    """The missing board and My work: everyone to whom duties fall (not analysts, not administrators)."""
    who = person(user)
    return bool(who and who.role in WORKING_ROLES)


@predicate
def allocates(user: User) -> bool:
    """The queue of unallocated work: those who allocate duties to named people (allocates_work)."""
    who = person(user)
    return bool(who and who.role in (Role.MISSING_COORDINATOR, Role.TEAM_MANAGER))


@predicate
def lists_children(user: User) -> bool:
    who = person(user)
    return bool(who and who.role in CHILD_LIST_ROLES)


@predicate
def reads_reports(user: User) -> bool:
    """A local authority's staff (analysts de-identified: ``access.reports``)."""
    who = person(user)
    return bool(who and who.role in REPORT_ROLES and _authority(who) is not None)


@predicate
def oversees_record(user: User, obj: Any) -> bool:
    who = person(user)
    return bool(who and who.role in OVERSIGHT_ROLES) and is_whole_authority(user, obj)


# --- who closes a duty ------------------------------------------------------------------------
#
# A duty is closed by the person it falls to, their managers and the Missing Children
# Coordinator; a partner records its own duties only. By role (the relationship to the child is
# checked as well, below):
#
# - the Missing Children Coordinator: any duty of the authority's children (they oversee every
#   episode, and record a partner's answer when a partner gives it to them: 001 s.8.7);
# - a senior manager: any duty falling to the authority's own staff (they manage them all);
# - a team manager: the duties of their team (falling to a social worker or a team manager);
# - anyone else of the authority (social worker, MASH officer, return interview worker, IRO):
#   the duties falling to their own role;
# - a partner (a carer, a police liaison officer; a care provider's or a force's API token):
#   the duties falling to their own role, or, for the police, those whose recipient is the police.
#
# ``falls_to`` is the role the protocol gives the work (``obligations.assignment``).

AUTHORITY_STAFF = (
    Role.SOCIAL_WORKER,
    Role.TEAM_MANAGER,
    Role.MISSING_COORDINATOR,
    Role.MASH_OFFICER,
    Role.RETURN_INTERVIEW_WORKER,
    Role.IRO,
    Role.SENIOR_MANAGER,
)
TEAM_ROLES = (Role.SOCIAL_WORKER, Role.TEAM_MANAGER)
PARTNER_ROLES = (Role.CARER, Role.POLICE_LIAISON)
# Duties addressed to an agency that agency may record itself (the police know they were told).
RECIPIENT_AGENCY: dict[str, tuple[str, ...]] = {Role.POLICE_LIAISON: ("police", "force_strategic_lead")}
# A partner system's token closes duties as its organisation's people would.
ORGANISATION_ROLE: dict[str, str] = {
    OrganisationKind.LOCAL_AUTHORITY: Role.MISSING_COORDINATOR,
    OrganisationKind.CARE_PROVIDER: Role.CARER,
    OrganisationKind.POLICE_FORCE: Role.POLICE_LIAISON,
}


@dataclass(frozen=True)
class Duties:
    """The duties a role closes: those falling to ``roles`` (None: any), or addressed to ``recipients``."""

    roles: tuple[str, ...] | None
    recipients: tuple[str, ...] = ()

    def include(self, obligation: Obligation) -> bool:
        return (
            self.roles is None or obligation.falls_to in self.roles or obligation.recipient in self.recipients
        )

    def filter(self) -> Q:
        if self.roles is None:
            return Q()
        return Q(falls_to__in=self.roles) | Q(recipient__in=self.recipients)


def duties_of(role: str) -> Duties:
    """The rule by role (the one table; the relationship to the child is checked apart)."""
    if role == Role.MISSING_COORDINATOR:
        return Duties(None)
    if role == Role.SENIOR_MANAGER:
        return Duties(AUTHORITY_STAFF)
    if role == Role.TEAM_MANAGER:
        return Duties(TEAM_ROLES)
    if role in AUTHORITY_STAFF or role in PARTNER_ROLES:
        return Duties((role,), RECIPIENT_AGENCY.get(role, ()))
    return Duties(())


def organisation_closes(organisation: Organisation, obligation: Obligation) -> bool:
    """A partner system's token: its organisation's role (the API scopes the relationship itself,
    ``access.partners.obligations_for``)."""
    role = ORGANISATION_ROLE.get(organisation.kind)
    return role is not None and duties_of(role).include(obligation)


@built_once
def closable(user: User | AnonymousUser | None) -> Q:
    """The duties this person may close, as a filter over obligations: their role's duties, on a
    child (or, for the police, an episode) they are related to in their own role; and any duty
    that is theirs to act on (``_acting_on``: assigned to them, or told to them out of hours or as
    the manager of whom it fell to), for as long as it is; never on a record restricted from them.
    Each relationship is tested on the obligation's own child or episode, row by row."""
    who = person(user)
    if who is None:
        return NOTHING
    duties = duties_of(who.role)
    if who.role == Role.POLICE_LIAISON:
        related = Exists(Episode.objects.filter(notified_force(who), pk=OuterRef("episode_id")))
    else:
        relations = (
            (placed_with_carer,)
            if who.role == Role.CARER
            else (*CASE_RELATIONSHIPS, return_interviews, reviewing_officer)
        )
        related = Exists(Child.objects.filter(any_of(relations, who), pk=OuterRef("child_id")))
    by_role = NOTHING if duties.roles == () else duties.filter() & Q(related)
    told = _acting_on_any(who, None, episode=None)
    if own_unconfirmed_report(who) != NOTHING:
        # A force's own report not yet confirmed by the MASH gives it nothing to act on.
        told &= ~Q(episode__awaiting_confirmation=True, episode__police_force_id=who.organisation_id)
    named = Child.sealed_to.through.objects.filter(child_id=OuterRef("child_id"), user_id=who.pk)
    return (by_role | told) & (Q(child__sealed=False) | Q(Exists(named)))


@built_once
def partner_work(user: User | AnonymousUser | None) -> Q:
    """A partner's own work (carers, police liaison officers): the duties falling to their role on
    the children placed with them or the episodes their force was told of, whichever of them the
    protocol's duty was assigned to (a force's safe and well check is the force's to chase: 001
    s.8.7). Nothing for the authority's staff, whose work is what is assigned to them and their team."""
    who = person(user)
    if who is None or who.role not in PARTNER_ROLES:
        return NOTHING
    return closable(who)


@predicate
def reported_it(user: User, episode: Any) -> bool:
    who = person(user)
    return bool(who and isinstance(episode, Episode) and episode.reported_by_id == who.pk)


@predicate
def is_invited(user: User, obj: Any) -> bool:
    """Invited to an arranged meeting: they may open it (when, where, who else), not its agenda."""
    who = person(user)
    return bool(who and isinstance(obj, Arrangement) and obj.invitations.filter(person_id=who.pk).exists())


@predicate
def owns_action(user: User, obj: Any) -> bool:
    """The person in Homeward a meeting's action was given to."""
    who = person(user)
    return bool(who and isinstance(obj, Action) and obj.assignee_id == who.pk)


@predicate
def manages_case(user: User, obj: Any) -> bool:
    """A manager of the child's case: the team manager of the child's team, the coordinator or a
    senior manager of the responsible authority."""
    who = person(user)
    if who is None:
        return False
    if who.role == Role.TEAM_MANAGER:
        return bool(is_managed_team(user, obj))
    return who.role in OVERSIGHT_ROLES and bool(is_whole_authority(user, obj))


def _commission_of(obj: Any) -> Commission | None:
    if isinstance(obj, Commission):
        return obj
    if isinstance(obj, ReturnInterview) and obj.commission_id is not None:
        return obj.commission
    return None


@predicate
def may_commission(user: User, obligation: Any) -> bool:
    """Asks the host authority to hold a return home interview: whoever of the responsible
    authority may close the interview duty, holding the case or as its return interview team (the
    duty stays theirs: the host's interview meets it)."""
    return (
        isinstance(obligation, Obligation)
        and obligation.kind == "return_interview"
        and not obligation.outcome
        and bool(holds_case(user, obligation) or is_return_interviews(user, obligation))
        and closes_duty(user, obligation)
    )


@predicate
def of_commissioned_host(user: User, obj: Any) -> bool:
    """Of the host authority a commission (or the interview recorded for it) was asked of."""
    who = person(user)
    commission = _commission_of(obj)
    return bool(
        who is not None
        and commission is not None
        and who.role in COMMISSIONED_ROLES
        and _authority(who) == commission.host_authority_id
    )


@predicate
def allocates_for_host(user: User, obj: Any) -> bool:
    """The host's coordinator gives the interview asked of it to one of its workers."""
    who = person(user)
    return bool(who and who.role == Role.MISSING_COORDINATOR) and bool(of_commissioned_host(user, obj))


@predicate
def holds_commission(user: User, obj: Any) -> bool:
    """Records the commissioned interview: the worker it was given to, or the host's coordinator."""
    who = person(user)
    commission = _commission_of(obj)
    if who is None or commission is None or not of_commissioned_host(user, obj):
        return False
    return who.role == Role.MISSING_COORDINATOR or commission.allocated_to_id == who.pk


CONFIRMING_ROLES = (Role.MASH_OFFICER, Role.MISSING_COORDINATOR)

# --- the daily missing briefing and weekly oversight with the police ---------------------------
#
# 002 s.4: the Missing Coordinator runs the briefing with the MASH and the police, inviting the
# team managers; Greenwich (000) has its coordinator "and other leaders" meet the police weekly.
# The coordinator and the authority's managers start and record them; anyone recorded as at one
# (the police officer, a MASH officer, a social worker invited) may read it. Each child on it
# shows only to someone who may see that child (``access.visible``), never to a reader by virtue
# of the briefing alone.
BRIEFING_ROLES = (Role.MISSING_COORDINATOR, Role.TEAM_MANAGER, Role.SENIOR_MANAGER)


@predicate
def runs_briefings(user: User) -> bool:
    who = person(user)
    return bool(who and who.role in BRIEFING_ROLES and _authority(who) is not None)


@predicate
def runs_this_briefing(user: User, obj: Any) -> bool:
    """A coordinator or manager of the authority whose briefing it is."""
    who = person(user)
    return bool(
        who
        and who.role in BRIEFING_ROLES
        and isinstance(obj, Briefing)
        and _authority(who) is not None
        and obj.authority_id == _authority(who)
    )


@predicate
def attended_briefing(user: User, obj: Any) -> bool:
    """Recorded on the briefing as a person in Homeward at it (present or sent apologies)."""
    who = person(user)
    return bool(who and isinstance(obj, Briefing) and obj.attendees.filter(person_id=who.pk).exists())


@predicate
def runs_items_briefing(user: User, obj: Any) -> bool:
    return isinstance(obj, BriefingItem) and bool(runs_this_briefing(user, obj.briefing))


@predicate
def sees_briefings(user: User) -> bool:
    """The list of briefings: whoever runs them, and whoever has been at one."""
    who = person(user)
    return bool(who and (runs_briefings(who) or who.briefings_attended.exists()))


# Panels about places and people (MACE, pre-MACE, organisational reviews; 000, 004 s.7, 001
# s.14.24-14.26). The coordinator and the authority's managers record and read them: the panel
# names adults and places across many children, so it is not open to the whole authority. A
# social worker reads a panel that discussed a child allocated to them (the plan to disrupt is
# part of their work). Carers and the police are not readers by role: a police officer or anyone
# else recorded as at the panel may read it. Each child on it shows only to someone who may see
# that child (``access.visible.panel_children``).
PANEL_ROLES = (Role.MISSING_COORDINATOR, Role.TEAM_MANAGER, Role.SENIOR_MANAGER)


@predicate
def runs_panels(user: User) -> bool:
    who = person(user)
    return bool(who and who.role in PANEL_ROLES and _authority(who) is not None)


def panels_read_by(who: User) -> Q:
    """The panels this person may open: their authority's, if they are its coordinator or a
    manager; any they were recorded as at; and, for a social worker, one that discussed a child
    allocated to them."""
    at = Q(people__person=who)
    authority = _authority(who)
    if who.role in PANEL_ROLES and authority is not None:
        at |= Q(authority_id=authority)
    if who.role == Role.SOCIAL_WORKER:
        at |= Q(children__child__allocated_worker=who)
    return at


@predicate
def reads_panel(user: User, obj: Any) -> bool:
    who = person(user)
    return bool(
        who and isinstance(obj, Panel) and Panel.objects.filter(panels_read_by(who), pk=obj.pk).exists()
    )


@predicate
def changes_panel_action(user: User, obj: Any) -> bool:
    """A panel's action: the person it was given to, and the coordinator or a manager of the
    panel's authority (who runs its panels)."""
    who = person(user)
    if not who or not isinstance(obj, PanelAction):
        return False
    if obj.assignee_id == who.pk:
        return True
    return who.role in PANEL_ROLES and _authority(who) == obj.panel.authority_id


@predicate
def is_coordinator(user: User) -> bool:
    who = person(user)
    return bool(who and who.role == Role.MISSING_COORDINATOR)


PRIVACY_LEAD_PERMISSION = "review_emergencyaccess"


@predicate
def is_privacy_lead(user: User) -> bool:
    """The authority's privacy lead: a member of its staff given the permission (by name, or
    through a group) to review emergency access; never by being a superuser."""
    who = person(user)
    if who is None or who.role not in AUTHORITY_STAFF or _authority(who) is None:
        return False
    granted = Permission.objects.filter(codename=PRIVACY_LEAD_PERMISSION, content_type__app_label="children")
    # Asked by the navigation of each page: once a request (access.memo).
    return memo.once(
        ("privacy_lead", memo.shape(who)), lambda: granted.filter(Q(user=who) | Q(group__user=who)).exists()
    )


def privacy_leads(authority_id: int) -> models.QuerySet[User]:
    """The privacy leads of an authority (told of each emergency access to review)."""
    granted = Permission.objects.filter(codename=PRIVACY_LEAD_PERMISSION, content_type__app_label="children")
    return (
        User.objects.filter(organisation_id=authority_id, is_active=True, role__in=AUTHORITY_STAFF)
        .filter(Q(user_permissions__in=granted) | Q(groups__permissions__in=granted))
        .distinct()
    )


@predicate
def reviews_emergency_use(user: User, access: Any) -> bool:
    who = person(user)
    return (
        isinstance(access, EmergencyAccess)
        and who is not None
        and bool(is_privacy_lead(who))
        and access.child.responsible_authority_id == _authority(who)
    )


@predicate
def confirms_police_reports(user: User) -> bool:
    """The MASH officers and the coordinator receive the police's notifications (002 s.3)."""
    who = person(user)
    return bool(who and who.role in CONFIRMING_ROLES)


@built_once
def chasable(user: User | AnonymousUser | None) -> Q:
    """The open duties this person may chase, as a filter over obligations: those who oversee the
    work and allocate it (``allocates_work``: the coordinator across the authority, a team manager
    their teams' children) and a senior manager across the authority; a team manager also the
    duties of a team they manage (the duty's own team); never on a record restricted from them.
    Whether a duty is in a state to chase (open, falling to someone else) is the write layer's
    refusal to give (``casework.chase``), so a duty closed meanwhile says so rather than 404."""
    who = person(user)
    if who is None:
        return NOTHING
    if who.role == Role.SENIOR_MANAGER:
        over = Exists(Child.objects.filter(whole_authority(who), pk=OuterRef("child_id")))
    elif who.role in (Role.MISSING_COORDINATOR, Role.TEAM_MANAGER):
        over = Exists(Child.objects.filter(allocates_work(who), pk=OuterRef("child_id")))
    else:
        return NOTHING
    own_team = Q(team__manager=who) if who.role == Role.TEAM_MANAGER else NOTHING
    named = Child.sealed_to.through.objects.filter(child_id=OuterRef("child_id"), user_id=who.pk)
    return (Q(over) | own_team) & (Q(child__sealed=False) | Q(Exists(named)))


def chases_duty(user: User, obligation: Any) -> bool:
    """The person may chase this duty: the one filter (``chasable``) that lists' buttons use too."""
    who = person(user)
    if who is None or not isinstance(obligation, Obligation):
        return False
    return _holds(Obligation, obligation.pk, chasable(who))


def closes_duty(user: User, obligation: Any) -> bool:
    """The person may close this duty: the one filter (``closable``) that lists' links use too."""
    who = person(user)
    if who is None or not isinstance(obligation, Obligation):
        return False
    return _holds(Obligation, obligation.pk, closable(who))


# Harbouring and Child Abduction Warning Notices (West Mercia 001 s.13.4-13.7, 14.21-14.23).
# 14.21-14.22 make them the work of two parties: Children's Services (the local authority manager's
# witness statement) and the police (who show it to the adult and serve the notice). So a notice
# is recorded and withdrawn by the Missing Children Coordinator of the authority whose children
# it names, and read by that coordinator and by the police liaison officers of the force that
# served it (they act on a breach: arrest under s.2 Child Abduction Act 1984). Another authority
# or another force has no part in it and gets the 404. Carers are not a party in the seed and
# are not shown the notice (the adult's identity and the statement are police and council
# material); the people who work the child's case see the section on the child's page.


@predicate
def records_warning_notices(user: User) -> bool:
    who = person(user)
    return bool(who and who.role == Role.MISSING_COORDINATOR and _authority(who) is not None)


@predicate
def coordinates_notice(user: User, obj: Any) -> bool:
    who = person(user)
    return bool(
        who
        and isinstance(obj, WarningNotice)
        and who.role == Role.MISSING_COORDINATOR
        and _authority(who) is not None
        and obj.authority_id == _authority(who)
    )


@predicate
def served_notice(user: User, obj: Any) -> bool:
    who = person(user)
    org = who.organisation if who else None
    return bool(
        who
        and isinstance(obj, WarningNotice)
        and who.role == Role.POLICE_LIAISON
        and org is not None
        and org.kind == OrganisationKind.POLICE_FORCE
        and obj.served_by_force_id == org.pk
    )


def warning_notices_of(user: User | AnonymousUser | None) -> Q:
    """The notices a person may read, as a filter over WarningNotice (as the predicates above)."""
    who = person(user)
    if who is None:
        return NOTHING
    if who.role == Role.MISSING_COORDINATOR and _authority(who) is not None:
        return Q(authority_id=_authority(who))
    org = who.organisation
    if who.role == Role.POLICE_LIAISON and org is not None and org.kind == OrganisationKind.POLICE_FORCE:
        return Q(served_by_force_id=org.pk)
    return NOTHING


@predicate
def not_a_carer(user: User) -> bool:
    who = person(user)
    return bool(who and who.role != Role.CARER)


sees_child = (
    is_allocated_worker
    | is_team_caseload
    | is_managed_team
    | is_whole_authority
    | is_reviewing_officer
    | is_return_interviews
    | is_placed_with_carer
    | is_told_to_act_on_child
    | is_emergency_access
) & is_named_on_restricted_record
holds_case = (
    is_allocated_worker | is_team_caseload | is_managed_team | is_whole_authority
) & is_named_on_restricted_record
changes_episode = (holds_case | is_placed_with_carer | is_notified_force) & is_named_on_restricted_record

PERMISSIONS = {
    # Sections (the navigation and the pages agree: web.context, web.views).
    "episodes.view_board": has_casework,
    "obligations.view_my_work": has_casework,
    "children.list_children": lists_children,
    # Overdue work across teams: the authority's case-holding staff and their managers.
    "obligations.view_overdue": works_in_social_care,
    "obligations.view_unallocated": allocates,
    "reports.view_reports": reads_reports,
    # Records.
    "children.add_child": works_in_social_care,
    "children.view_child": sees_child,
    "children.change_child": holds_case,
    # The Find Me plan and Philomena profile: the case holders, and the carers of the child's home
    # (the care provider keeps Part 1 current: Philomena Protocol; 001 Appendix, the photograph).
    "children.change_find_me_plan": (holds_case | is_placed_with_carer) & is_named_on_restricted_record,
    # The child's plans (safety, prevention, the care plan's missing section), kept in versions:
    # whoever keeps the Find Me plan reads and writes them (004 s.2.3: the social worker plans
    # with the placement; 001 6.5: the care provider's actions are in the care plan).
    "plans.view_plan": (holds_case | is_placed_with_carer) & is_named_on_restricted_record,
    "plans.change_plan": (holds_case | is_placed_with_carer) & is_named_on_restricted_record,
    "children.view_audit": (oversees_record | is_managed_team) & is_named_on_restricted_record,
    "children.export_child": oversees_record & is_named_on_restricted_record,
    "children.restrict_child": oversees_record & is_named_on_restricted_record,
    # Emergency access: the authority's own staff, on its unrestricted children; the privacy lead
    # reviews each use (README "Emergency access").
    "children.open_in_emergency": is_open_in_emergency,
    "children.review_emergency_access": is_privacy_lead,
    "children.sign_off_emergency_access": reviews_emergency_use,
    "episodes.report_episode": (holds_case | is_placed_with_carer) & is_named_on_restricted_record,
    "episodes.view_episode": sees_child
    | ((is_notified_force | is_told_to_act) & is_named_on_restricted_record),
    "episodes.view_episode_as_host": (is_host_area | is_commissioned_host) & is_named_on_restricted_record,
    # The child's Philomena profile (Find Me plan and photograph) as the episode's page shows it:
    # whoever opens the episode, and a force the coordinator shared it with (002 s.10).
    "episodes.view_profile": sees_child
    | ((is_notified_force | is_told_to_act | is_shared_with_force) & is_named_on_restricted_record),
    # The police's intelligence summary of the episode's return interviews (issue 18): places,
    # people and signs of exploitation, not the child's account; for the forces that see the
    # profile (the interview's own readers read the whole interview instead).
    "episodes.view_interview_intelligence": (is_notified_force | is_told_to_act | is_shared_with_force)
    & is_named_on_restricted_record,
    "episodes.share_profile": is_coordinator & is_whole_authority & is_named_on_restricted_record,
    # The last-seen force after a report's "Don't know", or a new sighting in another force's
    # area (which shares the profile with that force): the coordinator, as for sharing.
    "episodes.confirm_last_seen_force": is_coordinator & is_whole_authority & is_named_on_restricted_record,
    "episodes.change_episode": changes_episode,
    # A report made in error: withdrawn by whoever made it (while they still may change it) or a manager.
    "episodes.withdraw_episode": ((reported_it & changes_episode) | manages_case)
    & is_named_on_restricted_record,
    "episodes.confirm_police_report": confirms_police_reports
    & is_whole_authority
    & is_named_on_restricted_record,
    # The host authority reads the interview it recorded at the responsible authority's request.
    "interviews.view_returninterview": (
        holds_case | is_reviewing_officer | is_return_interviews | of_commissioned_host
    )
    & is_named_on_restricted_record,
    "interviews.change_returninterview": (holds_case | is_return_interviews | holds_commission)
    & is_named_on_restricted_record,
    # A return home interview asked of the host authority (casework.commissions).
    "interviews.commission_interview": may_commission & is_named_on_restricted_record,
    "interviews.view_commission": (holds_case | is_return_interviews | of_commissioned_host)
    & is_named_on_restricted_record,
    "interviews.allocate_commission": allocates_for_host & is_named_on_restricted_record,
    "interviews.record_commissioned_interview": holds_commission & is_named_on_restricted_record,
    # 002 s.5: the person authorising the record signs it off: a manager of the child's case.
    "interviews.sign_off_returninterview": manages_case & is_named_on_restricted_record,
    "meetings.view_meeting": (holds_case | is_reviewing_officer | is_return_interviews)
    & is_named_on_restricted_record,
    "meetings.add_meeting": holds_case,
    # An arranged meeting: its readers (with the agenda) and the people invited to it (without).
    "meetings.view_arrangement": (holds_case | is_reviewing_officer | is_return_interviews | is_invited)
    & is_named_on_restricted_record,
    "meetings.view_agenda": (holds_case | is_reviewing_officer | is_return_interviews)
    & is_named_on_restricted_record,
    # A meeting's action: whoever holds the case, and the person it was given to.
    "meetings.change_action": (holds_case | owns_action) & is_named_on_restricted_record,
    # The daily missing briefing and weekly oversight with the police (see BRIEFING_ROLES).
    "meetings.list_briefings": sees_briefings,
    "meetings.add_briefing": runs_briefings,
    "meetings.view_briefing": runs_this_briefing | attended_briefing,
    "meetings.change_briefing": runs_this_briefing,
    # What was agreed for one child at it: whoever runs the briefing and holds that child's case.
    "meetings.change_briefingitem": runs_items_briefing & holds_case,
    # Panels about places and people (see PANEL_ROLES).
    "meetings.add_panel": runs_panels,
    "meetings.view_panel": reads_panel,
    "meetings.change_panelaction": changes_panel_action,
    "obligations.close_obligation": closes_duty,
    # Why a duty is due: whoever may see what it is about (its episode, or for a child's own duty
    # the child), by the same relationships as those pages.
    "obligations.view_obligation": sees_child
    | ((is_notified_force | is_told_to_act) & is_named_on_restricted_record),
    # Case notes (on an episode): whoever works on the episode, and the return interview
    # workers who follow the child up (002 s.10: activity to find the child on case notes).
    "notes.add_note": (changes_episode | is_return_interviews) & is_named_on_restricted_record,
    # Duty records (on an episode): whoever works on it (the police their safe and well check,
    # the carer the return plan they make with the social worker: SET 2.7), as for case notes.
    # Meeting a duty also needs closing it (obligations.close_obligation); a record opens with
    # its episode (episodes.view_episode).
    "records.add_dutyrecord": (changes_episode | is_return_interviews) & is_named_on_restricted_record,
    # Allocating a child's duty (on the child or the obligation) to a named person.
    "obligations.allocate_obligation": is_allocating & is_named_on_restricted_record,
    # Chasing the person an open duty falls to: those who oversee that work (chasable).
    "obligations.chase_obligation": chases_duty,
    # Warning notices (see records_warning_notices above for who and why).
    "children.add_warningnotice": records_warning_notices,
    "children.view_warningnotice": coordinates_notice | served_notice,
    "children.change_warningnotice": coordinates_notice,
    # The "Warning notices" section of a child's page: whoever may open the page, but a carer.
    "children.view_warning_notices_of_child": sees_child & not_a_carer,
}

for name, predicate in PERMISSIONS.items():
    set_perm(name, predicate)
