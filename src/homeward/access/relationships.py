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
- host area: the coordinator, MASH officers and senior managers of the authority
  a child was placed in sees that child's episodes there, in the host's view only;
- named on a restricted record: a sealed child is seen only by the people named
  on it (and only while one of the relationships above also holds).

An analyst and an administrator have no relationship to any child: analysts see
de-identified aggregates, administrators manage accounts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import rules.permissions
import rules.predicates
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Exists, OuterRef, Q

from homeward.accounts.models import OrganisationKind, Role, User
from homeward.children.models import Child, Placement
from homeward.episodes.models import Episode
from homeward.interviews.models import ReturnInterview
from homeward.meetings.models import Meeting
from homeward.obligations.models import Obligation

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
    org = user.organisation
    if org is None or org.kind != OrganisationKind.LOCAL_AUTHORITY:
        return None
    return org.pk


# --- relationships to a child (filters over Child) ------------------------------------------


def allocated_worker(user: User | AnonymousUser | None) -> Q:
    who = person(user)
    return Q(allocated_worker=who) if who else NOTHING


def team_caseload(user: User | AnonymousUser | None) -> Q:
    who = person(user)
    if who is None or who.role != Role.SOCIAL_WORKER or who.team_id is None:
        return NOTHING
    return Q(team_id=who.team_id, responsible_authority_id=_authority(who))


def managed_team(user: User | AnonymousUser | None) -> Q:
    who = person(user)
    if who is None or who.role != Role.TEAM_MANAGER:
        return NOTHING
    own = Q(team_id=who.team_id) if who.team_id else NOTHING
    return (Q(team__manager=who) | own) & Q(responsible_authority_id=_authority(who))


def whole_authority(user: User | AnonymousUser | None) -> Q:
    who = person(user)
    if who is None or who.role not in AUTHORITY_WIDE_ROLES or _authority(who) is None:
        return NOTHING
    return Q(responsible_authority_id=_authority(who))


def reviewing_officer(user: User | AnonymousUser | None) -> Q:
    who = person(user)
    return Q(iro=who) if who and who.role == Role.IRO else NOTHING


def return_interviews(user: User | AnonymousUser | None) -> Q:
    who = person(user)
    if who is None or who.role != Role.RETURN_INTERVIEW_WORKER or _authority(who) is None:
        return NOTHING
    been_missing = Exists(Episode.objects.filter(child=OuterRef("pk")))
    return Q(been_missing, responsible_authority_id=_authority(who))


def placed_with_carer(user: User | AnonymousUser | None) -> Q:
    who = person(user)
    if who is None or who.role != Role.CARER or who.establishment_id is None:
        return NOTHING
    placed_now = Placement.objects.filter(
        child=OuterRef("pk"), establishment_id=who.establishment_id, ended_on__isnull=True
    )
    return Q(Exists(placed_now))


def named_on_restricted_record(user: User | AnonymousUser | None) -> Q:
    """Not a relationship but a limit: an unsealed child, or a sealed one this person is named on."""
    who = person(user)
    if who is None:
        return NOTHING
    named = Child.sealed_to.through.objects.filter(child_id=OuterRef("pk"), user_id=who.pk)
    return Q(sealed=False) | Q(Exists(named))


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
)
# Who holds the responsible authority's case and so may change the child's record.
CASE_RELATIONSHIPS = (allocated_worker, team_caseload, managed_team, whole_authority)


def any_of(relations: tuple[Any, ...], user: User | AnonymousUser | None) -> Q:
    combined = NOTHING
    for relation in relations:
        combined |= relation(user)
    return combined


# --- relationships to an episode (filters over Episode) -------------------------------------


def notified_force(user: User | AnonymousUser | None) -> Q:
    who = person(user)
    if who is None or who.role != Role.POLICE_LIAISON or who.organisation is None:
        return NOTHING
    if who.organisation.kind != OrganisationKind.POLICE_FORCE:
        return NOTHING
    return Q(police_informed=True, police_force_id=who.organisation_id)


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
    return Q(Exists(placed_there)) & ~Q(child__responsible_authority_id=_authority(who))


# --- predicates on one record ---------------------------------------------------------------


def _holds(model: type[models.Model], pk: Any, relation: Q) -> bool:
    if pk is None or relation == NOTHING:
        return False
    return model._default_manager.filter(relation, pk=pk).exists()


def child_of(obj: Any) -> Child | None:
    """The child a record is about: a child, an episode, an interview, a meeting or an obligation."""
    if isinstance(obj, Child):
        return obj
    if isinstance(obj, (Episode, Meeting, Obligation)):
        return obj.child
    if isinstance(obj, ReturnInterview):
        return obj.episode.child
    return None


def on_child(relation: Any) -> Any:
    """A predicate that holds when ``relation`` links the person to the record's child."""

    def check(user: User, obj: Any) -> bool:
        child = child_of(obj)
        return child is not None and _holds(Child, child.pk, relation(user))

    check.__name__ = relation.__name__
    return predicate(check, name=f"is_{relation.__name__}")


def on_episode(relation: Any) -> Any:
    def check(user: User, obj: Any) -> bool:
        episode = obj if isinstance(obj, Episode) else getattr(obj, "episode", None)
        return isinstance(episode, Episode) and _holds(Episode, episode.pk, relation(user))

    check.__name__ = relation.__name__
    return predicate(check, name=f"is_{relation.__name__}")


is_allocated_worker = on_child(allocated_worker)
is_team_caseload = on_child(team_caseload)
is_managed_team = on_child(managed_team)
is_whole_authority = on_child(whole_authority)
is_reviewing_officer = on_child(reviewing_officer)
is_return_interviews = on_child(return_interviews)
is_placed_with_carer = on_child(placed_with_carer)
is_named_on_restricted_record = on_child(named_on_restricted_record)
is_allocating = on_child(allocates_work)
is_notified_force = on_episode(notified_force)
is_host_area = on_episode(host_area)


CASE_ROLES = (Role.SOCIAL_WORKER, Role.TEAM_MANAGER, *AUTHORITY_WIDE_ROLES)


@predicate
def works_in_social_care(user: User) -> bool:
    """Records new children: the case-holding staff of a local authority."""
    who = person(user)
    return bool(who and who.role in CASE_ROLES and _authority(who) is not None)


@predicate
def oversees_record(user: User, obj: Any) -> bool:
    who = person(user)
    return bool(who and who.role in OVERSIGHT_ROLES) and is_whole_authority(user, obj)


@predicate
def closes_with_episode(user: User, obligation: Any) -> bool:
    return isinstance(obligation, Obligation) and obligation.episode_id is not None


sees_child = (
    is_allocated_worker
    | is_team_caseload
    | is_managed_team
    | is_whole_authority
    | is_reviewing_officer
    | is_return_interviews
    | is_placed_with_carer
) & is_named_on_restricted_record
holds_case = (
    is_allocated_worker | is_team_caseload | is_managed_team | is_whole_authority
) & is_named_on_restricted_record
changes_episode = (holds_case | is_placed_with_carer | is_notified_force) & is_named_on_restricted_record

PERMISSIONS = {
    "children.add_child": works_in_social_care,
    "children.view_child": sees_child,
    "children.change_child": holds_case,
    "children.view_audit": (oversees_record | is_managed_team) & is_named_on_restricted_record,
    "children.export_child": oversees_record & is_named_on_restricted_record,
    "children.restrict_child": oversees_record & is_named_on_restricted_record,
    "episodes.report_episode": (holds_case | is_placed_with_carer) & is_named_on_restricted_record,
    "episodes.view_episode": sees_child | (is_notified_force & is_named_on_restricted_record),
    "episodes.view_episode_as_host": is_host_area & is_named_on_restricted_record,
    "episodes.change_episode": changes_episode,
    "interviews.view_returninterview": (holds_case | is_reviewing_officer | is_return_interviews)
    & is_named_on_restricted_record,
    "interviews.change_returninterview": (holds_case | is_return_interviews) & is_named_on_restricted_record,
    "meetings.view_meeting": (holds_case | is_reviewing_officer | is_return_interviews)
    & is_named_on_restricted_record,
    "meetings.add_meeting": holds_case,
    "obligations.close_obligation": (closes_with_episode & changes_episode)
    | (~closes_with_episode & holds_case),
    # Case notes (on an episode): whoever works on the episode, and the return interview
    # workers who follow the child up (002 s.10: activity to find the child on case notes).
    "notes.add_note": (changes_episode | is_return_interviews) & is_named_on_restricted_record,
    # Allocating a child's duty (on the child or the obligation) to a named person.
    "obligations.allocate_obligation": is_allocating & is_named_on_restricted_record,
}

for name, predicate in PERMISSIONS.items():
    set_perm(name, predicate)
