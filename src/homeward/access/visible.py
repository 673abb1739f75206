"""The records a person may see, as querysets: the same relationships as the object permissions.

``visible_children`` and ``visible_episodes`` are what list pages (and the API)
filter by; ``user.has_perm(...)`` with the permissions of
``homeward.access.relationships`` is what a page about one record checks.
Both are built from the same filters, so they agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from homeward.access import memo
from homeward.access import relationships as rel
from homeward.accounts.models import User
from homeward.children.models import Child
from homeward.episodes.models import Episode
from homeward.meetings.models import Briefing, BriefingItem, Panel, PanelChild
from homeward.obligations.models import Obligation


def visible_children(user: User | AnonymousUser) -> QuerySet[Child]:
    """The children whose page this person may open (a restricted record only for those named on it)."""
    children = Child.objects.select_related("responsible_authority", "allocated_worker", "team")
    if rel.person(user) is None:
        return children.none()
    return children.filter(_keys(rel.CHILD_RELATIONSHIPS, user))


def _keys(relations: tuple[Any, ...], user: User | AnonymousUser, field: str = "pk") -> Q:
    """``field`` among the keys of the children any of these relationships gives this person (less
    restricted records they are not named on), the keys as a UNION of one read per relationship
    they have.

    The same children as ``filter(any_of(...))``: but "allocated to me OR my team's OR in
    <subquery> ..." in one WHERE can use no index, and had PostgreSQL read every child in the
    country for each page, where each relationship alone is an index read of a few thousand at most.

    The UNION is built and compiled once a request (``access.memo``): a board embedded it in
    three queries and My work in five, each time building its nine reads again (a third of the
    page's time, issue 20). Its SQL is remembered, not its rows: it runs with each query.
    """
    who = rel.person(user)
    if who is None:
        return rel.NOTHING

    def build() -> Q:
        limit = rel.named_on_restricted_record(who)
        related = (relation(who) for relation in relations)
        parts = [
            Child.objects.filter(q).filter(limit).order_by().values("pk") for q in related if q != rel.NOTHING
        ]
        if not parts:
            return rel.NOTHING
        first, *rest = parts
        return memo.within(field, first.union(*rest) if rest else first)

    return memo.once(("keys", relations, field, memo.shape(who)), build)


def case_children(user: User | AnonymousUser) -> QuerySet[Child]:
    """The children whose case this person holds for the responsible authority (may change the record)."""
    if rel.person(user) is None:
        return Child.objects.none()
    return Child.objects.filter(_keys(rel.CASE_RELATIONSHIPS, user))


def allocating_children(user: User | AnonymousUser) -> QuerySet[Child]:
    """The children whose duties this person allocates (a coordinator's authority, a team manager's teams)."""
    if rel.person(user) is None:
        return Child.objects.none()
    return Child.objects.filter(rel.allocates_work(user)).filter(rel.named_on_restricted_record(user))


@rel.built_once
def _unrestricted_episodes(user: User | AnonymousUser) -> Q:
    """Episodes of unsealed children, or of sealed ones this person is named on.

    Tested on the episode's own child, row by row: ``child__in=<every such child>`` would
    have the database list every unrestricted child in the country for each page.
    """
    who = rel.person(user)
    if who is None:
        return rel.NOTHING
    named = Child.sealed_to.through.objects.filter(child_id=OuterRef("child_id"), user_id=who.pk)
    # "Not a restricted child", from the few restricted ones: ``child__sealed=False`` joined every
    # child in the country to the episodes (a hash of 330,000 rows for each child's page).
    restricted = Child.objects.filter(sealed=True).order_by().values("pk")
    return ~memo.within("child", restricted) | Q(Exists(named))


def visible_episodes(user: User | AnonymousUser) -> QuerySet[Episode]:
    """Episodes this person may open in full: those of visible children, those told to their force,
    and those with an obligation that is theirs to act on (``relationships.told_to_act``)."""
    episodes = Episode.objects.select_related("child", "child__responsible_authority")
    if rel.person(user) is None:
        return episodes.none()
    return episodes.filter(_episodes_seen(user))


@rel.built_once
def _episodes_seen(user: User | AnonymousUser) -> Q:
    """``visible_episodes`` as a filter, built once a request (``access.memo``)."""
    mine = _keys(rel.CHILD_RELATIONSHIPS, user, "child")
    told = rel.notified_force(user) | rel.told_to_act(user)
    return mine | (told & _unrestricted_episodes(user))


def hosted_episodes(user: User | AnonymousUser) -> QuerySet[Episode]:
    """Episodes of other authorities' children placed in this person's area: the host's view only."""
    episodes = Episode.objects.select_related("child", "child__responsible_authority")
    if rel.person(user) is None:
        return episodes.none()
    return episodes.filter(rel.host_area(user), _unrestricted_episodes(user))


def commissioned_episodes(user: User | AnonymousUser) -> QuerySet[Episode]:
    """Episodes whose return home interview was asked of this person's authority: the host's view only."""
    episodes = Episode.objects.select_related("child", "child__responsible_authority")
    if rel.person(user) is None:
        return episodes.none()
    return episodes.filter(rel.commissioned_host(user), _unrestricted_episodes(user))


# Duties met by holding a meeting (meetings.models.OBLIGATION_KIND): their rows offer "Arrange it".
MEETING_DUTIES = ("strategy_meeting", "intervention_meeting", "review_meeting")


def arrangeable_ids(user: User | AnonymousUser, obligations: Iterable[Obligation]) -> set[int]:
    """Which of these duties ask for a meeting this person may arrange (``meetings.add_meeting``:
    they hold the child's case), in one query however many rows a page lists."""
    pks = [o.pk for o in obligations if not o.outcome and o.kind in MEETING_DUTIES]
    if not pks:
        return set()
    return set(
        Obligation.objects.filter(pk__in=pks, child__in=case_children(user)).values_list("pk", flat=True)
    )


def reviewable_ids(user: User | AnonymousUser, obligations: Iterable[Obligation]) -> set[int]:
    """Which of these duties ask for an organisational review of a home (WM11) this person may
    record (``meetings.add_panel``, for a child of their own authority), in one query."""
    who = rel.person(user)
    authority = rel.authority_of(who) if who is not None else None
    pks = [o.pk for o in obligations if not o.outcome and o.kind == "organisational_review"]
    if not pks or who is None or authority is None or not who.has_perm("meetings.add_panel"):
        return set()
    return set(
        Obligation.objects.filter(
            pk__in=pks, child__responsible_authority_id=authority, establishment__isnull=False
        ).values_list("pk", flat=True)
    )


def closable_ids(user: User | AnonymousUser, obligations: Iterable[Obligation]) -> set[int]:
    """Which of these obligations this person may close (``relationships.closable``), in one query:
    a page offers "Record outcome" only on those, however many rows it lists."""
    pks = [obligation.pk for obligation in obligations if not obligation.outcome]
    if not pks:
        return set()
    return set(Obligation.objects.filter(rel.closable(user), pk__in=pks).values_list("pk", flat=True))


def chasable_ids(user: User | AnonymousUser, obligations: Iterable[Obligation]) -> set[int]:
    """Which of these obligations this person may chase (``relationships.chasable``), in one query:
    a worklist offers "Chase" only on those open now and falling to someone else (one falling to
    nobody offers "Allocate" instead)."""
    who = rel.person(user)
    now = timezone.now()
    pks = [
        o.pk
        for o in obligations
        if not o.outcome
        and o.assignee_id is not None
        and o.opens_at <= now
        and who
        and o.assignee_id != who.pk
    ]
    if not pks:
        return set()
    return set(Obligation.objects.filter(rel.chasable(user), pk__in=pks).values_list("pk", flat=True))


def case_ids(user: User | AnonymousUser, children: Iterable[int]) -> set[int]:
    """Which of these children's cases this person holds (``holds_case``: ``children.change_child``,
    ``meetings.add_meeting``), in one query: a worklist offers those forms only on them."""
    return set(case_children(user).filter(pk__in=set(children)).values_list("pk", flat=True))


def reportable_ids(user: User | AnonymousUser, children: Iterable[int]) -> set[int]:
    """Which of these children this person may report missing (``episodes.report_episode``: the
    case holders and the carers of the home the child is placed in), in one query."""
    if rel.person(user) is None:
        return set()
    reporting = (*rel.CASE_RELATIONSHIPS, rel.placed_with_carer)
    return set(
        Child.objects.filter(rel.any_of(reporting, user))
        .filter(rel.named_on_restricted_record(user), pk__in=set(children))
        .values_list("pk", flat=True)
    )


def interview_ids(user: User | AnonymousUser, children: Iterable[int]) -> set[int]:
    """Which of these children's return home interviews this person may record
    (``interviews.change_returninterview``), in one query."""
    if rel.person(user) is None:
        return set()
    return set(
        Child.objects.filter(pk__in=set(children))
        .filter(rel.any_of(rel.CASE_RELATIONSHIPS, user) | rel.return_interviews(user))
        .filter(rel.named_on_restricted_record(user))
        .values_list("pk", flat=True)
    )


def interview_children(user: User | AnonymousUser) -> QuerySet[Child]:
    """The children whose return home interviews this person may read
    (``interviews.view_returninterview``): the case holders, the reviewing officer and the
    authority's return interview workers, a restricted record only for those named on it."""
    if rel.person(user) is None:
        return Child.objects.none()
    relations = (*rel.CASE_RELATIONSHIPS, rel.reviewing_officer, rel.return_interviews)
    return Child.objects.filter(rel.any_of(relations, user)).filter(rel.named_on_restricted_record(user))


def note_ids(user: User | AnonymousUser, episodes: Iterable[int]) -> set[int]:
    """Which of these episodes this person may add a case note to (``notes.add_note``: who changes
    the episode, or the return interview workers), in one query."""
    if rel.person(user) is None:
        return set()
    return set(
        Episode.objects.filter(pk__in=set(episodes)).filter(_takes_notes(user)).values_list("pk", flat=True)
    )


@rel.built_once
def _takes_notes(user: User | AnonymousUser) -> Q:
    """``note_ids`` as a filter over episodes, its subqueries compiled once a request (``access.memo``:
    My work asks it of each of its lists)."""
    by_child = Child.objects.filter(
        rel.any_of((*rel.CASE_RELATIONSHIPS, rel.placed_with_carer, rel.return_interviews), user)
    ).values("pk")
    named = Child.objects.filter(rel.named_on_restricted_record(user)).values("pk")
    return (memo.within("child", by_child) | rel.notified_force(user)) & memo.within("child", named)


def visible_briefings(user: User | AnonymousUser) -> QuerySet[Briefing]:
    """The briefings this person may open: their authority's, if they run briefings there, and
    any they were recorded as at (``relationships.runs_this_briefing | attended_briefing``)."""
    who = rel.person(user)
    if who is None:
        return Briefing.objects.none()
    at = Q(attendees__person=who)
    authority = rel.authority_of(who)
    if who.role in rel.BRIEFING_ROLES and authority is not None:
        at |= Q(authority_id=authority)
    return Briefing.objects.filter(pk__in=Briefing.objects.filter(at).values("pk"))


def briefing_items(user: User | AnonymousUser, briefing: Briefing) -> QuerySet[BriefingItem]:
    """The children on a briefing this person may see: a child whose record they may open, or
    whose episode on the agenda they may open (the police officer told of it). The others are
    left out altogether, not shown by name."""
    mine = _keys(rel.CHILD_RELATIONSHIPS, user, "child") | Q(episode__in=visible_episodes(user).values("pk"))
    return briefing.items.filter(mine).select_related(
        "child", "episode", "meeting", "child__allocated_worker", "child__team"
    )


def visible_panels(user: User | AnonymousUser) -> QuerySet[Panel]:
    """The panels this person may open (``relationships.PANEL_ROLES``): their authority's, if they
    are its coordinator or a manager; any they were recorded as at; and, for a social worker, a
    panel that discussed a child allocated to them."""
    who = rel.person(user)
    if who is None:
        return Panel.objects.none()
    return Panel.objects.filter(pk__in=Panel.objects.filter(rel.panels_read_by(who)).values("pk"))


def panel_children(user: User | AnonymousUser, panel: Panel) -> QuerySet[PanelChild]:
    """The children on a panel this person may see; the others are counted, never named."""
    return panel.children.filter(child__in=visible_children(user).values("pk")).select_related("child")


def panels_about(user: User | AnonymousUser, child: Child) -> QuerySet[Panel]:
    """The panels that discussed ``child`` that this person may open (for the child's page,
    shown only to someone who may see the child)."""
    return visible_panels(user).filter(children__child=child)
