"""Who is told what: messages queued for obligations that open, go overdue, and the daily digest.

Every function here only writes ``Message`` rows (in the caller's
transaction); the worker (``homeward notify``) e-mails them. Unique
constraints make each function safe to run again: a message already queued
is not queued twice, whoever tries first.

What a message says about the child depends on the recipient: a person who
may see the child's record (``visible_children``) gets the name in the body;
anyone else gets the reference only. Subjects never carry a name.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from homeward.access.visible import visible_children, visible_episodes
from homeward.accounts.models import OrganisationKind, Role, User
from homeward.children.models import Child, EmergencyAccess, WarningNotice
from homeward.children.notices import Match
from homeward.episodes.models import Category, Episode, Event, RiskLevel
from homeward.interviews.models import Commission
from homeward.meetings.models import Action, ActionState, Arrangement, Invitation, PanelAction
from homeward.notifications import timing
from homeward.notifications.models import Kind, Message, OutOfHours
from homeward.obligations.evaluation import authority_pack, pack_of, packs_by_version
from homeward.obligations.models import Allocation, Chase, Obligation, ObligationQuerySet
from homeward.obligations.spans import span
from homeward.protocols.pack import Pack


def _when(instant: datetime) -> str:
    return timezone.localtime(instant).strftime("%H:%M on %a %d %b %Y")


def record_url(obligation: Obligation) -> str:
    return record_url_of(obligation.child_id, obligation.episode_id)


def record_url_of(child_id: int, episode_id: int | None) -> str:
    path = reverse("episode", args=[episode_id]) if episode_id else reverse("child", args=[child_id])
    return f"{settings.HOMEWARD_BASE_URL}{path}"


def inbox_url() -> str:
    return f"{settings.HOMEWARD_BASE_URL}{reverse('inbox')}"


class Visibility:
    """Which children each recipient may know by name, read once per recipient.

    ``among``: the only children the caller will ask about (a write's few): each recipient's
    answer is then read for those alone, not for every child they see (a coordinator sees the
    whole authority: thousands of ids read to answer for one child). A child outside them is
    asked on its own.
    """

    def __init__(self, among: Iterable[int] | None = None) -> None:
        self._among = None if among is None else frozenset(among)
        self._seen: dict[int, set[int]] = {}
        self._outside: dict[tuple[int, int], bool] = {}

    def knows(self, user: User, child: Child) -> bool:
        if _named_on_record(user, child):
            return True
        child_id = child.pk
        if self._among is not None and child_id not in self._among:
            if (user.pk, child_id) not in self._outside:
                self._outside[(user.pk, child_id)] = visible_children(user).filter(pk=child_id).exists()
            return self._outside[(user.pk, child_id)]
        if user.pk not in self._seen:
            children = visible_children(user)
            if self._among is not None:
                children = children.filter(pk__in=self._among)
            self._seen[user.pk] = set(children.values_list("pk", flat=True))
        return child_id in self._seen[user.pk]


def _named_on_record(user: User, child: Child) -> bool:
    """Whether the child's own row shows this person may open an unrestricted record: they are its
    allocated worker, its IRO, or a manager of its team in its authority (three of
    ``access.relationships.CHILD_RELATIONSHIPS``, read from fields already loaded). False means
    "ask the database", never "may not": the write path's recipients are mostly these people."""
    if child.sealed or not user.is_active:
        return False
    if child.allocated_worker_id == user.pk:
        return True
    if user.role == Role.IRO and child.iro_id == user.pk:
        return True
    return (
        user.role == Role.TEAM_MANAGER
        and child.team_id is not None
        and child.team_id == user.team_id
        and user.organisation_id == child.responsible_authority_id
        and child.responsible_authority.kind == OrganisationKind.LOCAL_AUTHORITY
    )


def who(child: Child, named: bool, opens: bool = False) -> str:
    if named:
        return f"Child: {child.name} ({child.reference})"
    if opens:
        # Told to act without the child's record (the duty team out of hours): the link opens
        # what they need while the work is theirs (access.relationships.told_to_act), and the
        # e-mail itself does not carry the name.
        return f"Child reference: {child.reference} (not named here: the record below says who)"
    # Not in the child's network: the reference lets them find out through their
    # own records or the team, without this message telling them who it is.
    return f"Child reference: {child.reference} (not named: you have no access to this child's record)"


def opens_record(obligation: Obligation, recipient: User) -> bool:
    """Whether a message about this open work lets the recipient open the record: always, unless
    the record is restricted and they are not named on it, or it is their own force's report the
    MASH has not yet confirmed (access.relationships.told_to_act)."""
    child, episode = obligation.child, obligation.episode
    if (
        episode is not None
        and episode.awaiting_confirmation
        and recipient.organisation_id == episode.police_force_id
    ):
        return False
    return not child.sealed or child.sealed_to.filter(pk=recipient.pk).exists()


SUBJECTS = {
    Kind.OPENED: "{what} - child {ref}{due}",
    Kind.OUT_OF_HOURS: "Out of hours: {what} - child {ref}{due}",
    Kind.TEAM_MANAGER: "Overdue: {what} - child {ref}{due}",
    Kind.SERVICE_MANAGER: "Still overdue: {what} - child {ref}{due}",
}

OPENINGS = {
    Kind.OPENED: "This is now yours to do.",
    Kind.OUT_OF_HOURS: (
        "This opened outside office hours, so it comes to the emergency duty team "
        "until the allocated team is back."
    ),
    Kind.TEAM_MANAGER: "This is past its due time and still open; it falls to someone in your team.",
    Kind.SERVICE_MANAGER: (
        "This is still open well past its due time and has already gone to the team manager."
    ),
}


def compose(
    obligation: Obligation,
    kind: str,
    recipient: User,
    visibility: Visibility,
    now: datetime,
    *,
    acts_until: datetime | None = None,
) -> Message:
    child = obligation.child
    due = f", due by {_when(obligation.due_at)}" if obligation.due_at else ""
    subject = SUBJECTS[Kind(kind)].format(what=obligation.title, ref=child.reference, due=due)
    lines = [
        OPENINGS[Kind(kind)],
        "",
        f"Required ({obligation.requirement}): {obligation.title}",
        who(child, visibility.knows(recipient, child), opens_record(obligation, recipient)),
        f"Due by: {_when(obligation.due_at)}"
        if obligation.due_at
        else "Due: now (the protocol sets no later time)",
    ]
    if obligation.assignee is None:
        role = Role(obligation.falls_to).label if obligation.falls_to in Role.values else obligation.falls_to
        lines.append(f"Falls to: nobody yet; no {role.lower() or 'one'} here is set up for this child")
    elif obligation.assignee != recipient:
        lines.append(f"Falls to: {obligation.assignee}")
    lines += [f"Protocol: {obligation.cites}", "", f"Open the record: {record_url(obligation)}"]
    link = record_url(obligation)
    return _message(
        recipient, kind, subject, "\n".join(lines), link, now, obligation=obligation, acts_until=acts_until
    )


def _message(
    recipient: User,
    kind: str,
    subject: str,
    body: str,
    link: str,
    now: datetime,
    *,
    obligation: Obligation | None = None,
    day: date | None = None,
    acts_until: datetime | None = None,
    allocation: Allocation | None = None,
    event: Event | None = None,
    invitation: Invitation | None = None,
    action: Action | None = None,
    panel_action: PanelAction | None = None,
    chase: Chase | None = None,
    warning_notice: WarningNotice | None = None,
) -> Message:
    domain = settings.HOMEWARD_EMAIL_DOMAIN
    return Message(
        recipient=recipient,
        kind=kind,
        obligation=obligation,
        day=day,
        allocation=allocation,
        event=event,
        invitation=invitation,
        action=action,
        panel_action=panel_action,
        chase=chase,
        warning_notice=warning_notice,
        subject=subject[:300],
        body=body,
        link=link,
        message_id=f"<{uuid.uuid4().hex}@{domain}>",
        created_at=now,
        acts_until=acts_until,
        next_attempt_at=now,
    )


def _queue(messages: list[Message]) -> int:
    if not messages:
        return 0
    # ignore_conflicts: a message another path queued first stays as it is. Each message's id is
    # new (a uuid), so those stored with these ids are the ones queued now: counted by the unique
    # index, not by counting the whole table before and after (a scan that grows with it).
    Message.objects.bulk_create(messages, ignore_conflicts=True)
    return Message.objects.filter(message_id__in=[m.message_id for m in messages]).count()


def _working_hours(arrangement: OutOfHours | None) -> timing.WorkingHours:
    if arrangement is None:
        return timing.WorkingHours()
    return timing.WorkingHours(arrangement.working_day_starts, arrangement.working_day_ends)


def _duty_team(
    child: Child, opens_at: datetime, cache: dict[int, OutOfHours | None]
) -> tuple[list[User], datetime | None]:
    """The emergency duty team's members, if the obligation opened outside the authority's hours,
    and when the office opens again (the duty team's part ends then: the allocated team is back)."""
    authority_id = child.responsible_authority_id
    if authority_id not in cache:
        cache[authority_id] = (
            OutOfHours.objects.filter(organisation_id=authority_id)
            .select_related("emergency_duty_team")
            .first()
        )
    arrangement = cache[authority_id]
    if arrangement is None or arrangement.emergency_duty_team is None:
        return [], None
    hours = _working_hours(arrangement)
    if hours.covers(opens_at):
        return [], None
    members = list(arrangement.emergency_duty_team.members.filter(is_active=True).order_by("id"))
    return members, timing.office_reopens(opens_at, hours)


def _unannounced(obligations: ObligationQuerySet, now: datetime) -> ObligationQuerySet:
    return (
        obligations.outstanding(now)
        .filter(Q(assignee__isnull=False) | Q(team__manager__isnull=False))
        .exclude(Exists(Message.objects.filter(obligation=OuterRef("pk"), kind=Kind.OPENED)))
        .select_related("child__responsible_authority", "episode", "assignee", "team__manager")
    )


def first_told(obligation: Obligation) -> User | None:
    """The person it falls to; failing that (nobody holds the role here) the team manager."""
    if obligation.assignee is not None:
        return obligation.assignee
    return obligation.team.manager if obligation.team is not None else None


def announce(obligations: Iterable[Obligation], now: datetime, visibility: Visibility | None = None) -> int:
    """Tell the person each open obligation falls to, and out of hours the duty team too."""
    visibility = visibility or Visibility()
    arrangements: dict[int, OutOfHours | None] = {}
    messages: list[Message] = []
    for obligation in obligations:
        recipient = first_told(obligation)
        assert recipient is not None
        messages.append(compose(obligation, Kind.OPENED, recipient, visibility, now))
        members, until = _duty_team(obligation.child, obligation.opens_at, arrangements)
        for member in members:
            if member != recipient:
                messages.append(
                    compose(obligation, Kind.OUT_OF_HOURS, member, visibility, now, acts_until=until)
                )
    return _queue(messages)


def announce_for(children: Iterable[Child], now: datetime, visibility: Visibility | None = None) -> int:
    """From the write path: what has opened for these children and nobody has been told of.

    ``visibility``: shared with the write's other messages (``tell_childs_people``), so each
    recipient's access is read once per write."""
    children = list(children)
    visibility = visibility or Visibility(c.pk for c in children)
    return announce(_unannounced(Obligation.objects.filter(child__in=children), now), now, visibility)


def announce_opened(now: datetime) -> int:
    """From the worker: obligations stored ahead that have opened since.

    Only those that opened within the look-back window: after a long outage the
    digest lists the rest, rather than a flood of "now open" for old duties.
    """
    since = now - timedelta(hours=settings.HOMEWARD_NOTIFY_LOOKBACK_HOURS)
    return announce(_unannounced(Obligation.objects.filter(opens_at__gte=since), now), now)


def _name(person: User) -> str:
    return person.get_full_name() or person.username


def announce_allocation(allocation: Allocation, now: datetime) -> int:
    """A duty allocated or reassigned: the person it now falls to is told, and the person it was
    taken from (once each per allocation, whoever tries first)."""
    obligation = allocation.obligation
    assert obligation is not None
    child = obligation.child
    visibility = Visibility()
    due = f", due by {_when(obligation.due_at)}" if obligation.due_at else ""
    by = _name(allocation.by) if allocation.by else "Someone"
    reason = [f"Why: {allocation.reason}"] if allocation.reason else []
    facts = [
        f"Required ({obligation.requirement}): {obligation.title}",
        f"Due by: {_when(obligation.due_at)}"
        if obligation.due_at
        else "Due: now (the protocol sets no later time)",
        f"Protocol: {obligation.cites}",
    ]
    link = record_url(obligation)
    messages = [
        _message(
            allocation.to,
            Kind.ALLOCATED,
            f"Allocated to you: {obligation.title} - child {child.reference}{due}",
            "\n".join(
                [
                    f"{by} has allocated this to you; it is now yours to do.",
                    *reason,
                    "",
                    facts[0],
                    who(child, visibility.knows(allocation.to, child)),
                    *facts[1:],
                    "",
                    f"Open the record: {link}",
                ]
            ),
            link,
            now,
            allocation=allocation,
        )
    ]
    previous = allocation.previous
    if previous is not None and previous != allocation.to and previous.is_active:
        messages.append(
            _message(
                previous,
                Kind.REALLOCATED,
                f"Reassigned: {obligation.title} - child {child.reference}",
                "\n".join(
                    [
                        f"{by} has reassigned this to {_name(allocation.to)}; it is no longer yours to do.",
                        *reason,
                        "",
                        facts[0],
                        who(child, visibility.knows(previous, child)),
                        facts[2],
                        "",
                        f"Open the record: {link}",
                    ]
                ),
                link,
                now,
                allocation=allocation,
            )
        )
    return _queue(messages)


def _late(due_at: datetime, now: datetime) -> str:
    """How long past its due time, as the worklists say it ('2d 4h', '3h 20m')."""
    return span(int((now - due_at).total_seconds() // 60))


def announce_chase(chase: Chase, now: datetime) -> int:
    """A manager chased the person a duty falls to: that person is told who chased, when, and why."""
    obligation = chase.obligation
    assert obligation is not None
    child = obligation.child
    due = ""
    if obligation.due_at:
        due = f", due by {_when(obligation.due_at)}"
        if obligation.due_at < now:
            due += f" (overdue by {_late(obligation.due_at, now)})"
    by = _name(chase.by) if chase.by else "Someone"
    link = record_url(obligation)
    lines = [
        f"{by} chased this at {_when(chase.at)}: it is yours to do and still open.",
        *([f"Their note: {chase.note}"] if chase.note else []),
        "",
        f"Required ({obligation.requirement}): {obligation.title}",
        who(child, Visibility().knows(chase.to, child), opens_record(obligation, chase.to)),
        f"Due by: {_when(obligation.due_at)}"
        if obligation.due_at
        else "Due: now (the protocol sets no later time)",
        f"Protocol: {obligation.cites}",
        "",
        f"Open the record: {link}",
    ]
    subject = f"Chased: {obligation.title} - child {child.reference}{due}"
    return _queue([_message(chase.to, Kind.CHASED, subject, "\n".join(lines), link, now, chase=chase)])


# What happened, in a subject's words, for the events the child's people are told of.
NEWS = {
    "reported": "Reported {category}",
    "reclassified": "Reclassified as {category}",
    "risk_graded": "Risk graded {level}",
    "found": "Found",
}
# Why each is told. 002 s.3: "an electronic notification of the missing episode will be sent to that
# worker"; 004 Appendix 4: recording a runaway child "generates an alert to the ACW" (allocated case
# worker), whatever the category; 001 s.6 Stage 1: "notify the child or young person's social worker
# or the accountable team manager"; 001 s.6.20: the IRO "must be informed of the missing episode
# ... and when found"; 004 s.2.5.4 and s.2.8: the host authority, if the child is placed outside.
WHY = {
    "worker": "You are {name}'s allocated social worker (Wakefield 002 s.3; SET guidance Appendix 4).",
    "manager": "You manage the social worker or team holding {name}'s case (West Mercia 001 s.6, Stage 1).",
    "iro": "You are {name}'s Independent Reviewing Officer (West Mercia 001 s.6.20; SET guidance s.2.5.4, 2.8).",
    "host": "{name} is placed in your authority's area (SET guidance s.2.5.4, 2.8: the host authority).",
}


def _label_of(choices: type[models.TextChoices], value: object) -> str:
    return str(choices(value).label).lower() if value in choices.values else str(value or "")


def childs_people(child: Child, at: datetime) -> dict[User, str]:
    """The child's own people, whether or not any duty falls to them, and why each is told: the
    allocated social worker and their team manager (and the manager of the child's team), the IRO
    of a looked-after child, and the coordinator of the authority the child is placed in if that
    is not the responsible authority."""
    people: dict[User, str] = {}

    def add(person: User | None, why: str) -> None:
        if person is not None and person.is_active and person not in people:
            people[person] = why

    worker = child.allocated_worker
    add(worker, "worker")
    add(worker.team.manager if worker is not None and worker.team is not None else None, "manager")
    add(child.team.manager if child.team is not None else None, "manager")
    if child.looked_after:
        add(child.iro, "iro")
    placement = (
        child.placements.filter(started_at__lte=at)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=at))
        .select_related("establishment__area")
        .order_by("-started_at")
        .first()
    )
    area = placement.establishment.area if placement is not None else None
    if (
        area is not None
        and area.pk != child.responsible_authority_id
        and area.kind == OrganisationKind.LOCAL_AUTHORITY
    ):
        for coordinator in User.objects.filter(
            role=Role.MISSING_COORDINATOR, organisation=area, is_active=True
        ).order_by("id"):
            add(coordinator, "host")
    return people


def tell_childs_people(event: Event, now: datetime, visibility: Visibility | None = None) -> int:
    """Tell the child's own people what happened to their episode: reported, graded, reclassified
    or found (once each per event, whoever tries first). The person who recorded it is not told."""
    if event.type not in NEWS or event.episode is None:
        return 0
    child, episode = event.child, event.episode
    data = event.data
    what = NEWS[event.type].format(
        category=_label_of(Category, data.get("category")), level=_label_of(RiskLevel, data.get("level"))
    )
    link = f"{settings.HOMEWARD_BASE_URL}{reverse('episode', args=[episode.pk])}"
    visibility = visibility or Visibility([child.pk])
    messages = []
    for person, why in childs_people(child, episode.reported_at).items():
        if person == event.recorded_by:
            continue
        named = visibility.knows(person, child)
        lines = [
            f"{what} at {_when(event.at)} (episode {episode.reference}).",
            who(child, named),
            "",
            WHY[why].format(name=child.first_name if named else f"child {child.reference}"),
            "This is for your information: work that falls to you comes in a message of its own.",
            "",
            f"Open the episode: {link}",
        ]
        messages.append(
            _message(
                person,
                Kind.CHILD_NEWS,
                f"{what} - child {child.reference}",
                "\n".join(lines),
                link,
                now,
                event=event,
            )
        )
    return _queue(messages)


def _manager_of(obligation: Obligation) -> User | None:
    team = obligation.assignee.team if obligation.assignee and obligation.assignee.team else obligation.team
    return team.manager if team is not None else None


def _service_manager_of(obligation: Obligation) -> User | None:
    team = obligation.assignee.team if obligation.assignee and obligation.assignee.team else obligation.team
    return team.service_manager if team is not None else None


def escalate(now: datetime) -> int:
    """Overdue and still open: to the team manager, then (a pack-set period on) the service manager."""
    overdue = (
        Obligation.objects.overdue(now)
        .exclude(Exists(Message.objects.filter(obligation=OuterRef("pk"), kind=Kind.SERVICE_MANAGER)))
        .select_related(
            "child__responsible_authority",
            "episode",
            "assignee__team__manager",
            "team__manager",
            "team__service_manager",
        )
    )
    candidates = list(overdue)
    # Composing is the dear part: skip steps already taken (a team without a
    # service manager stays a candidate on every pass).
    taken = set(
        Message.objects.filter(
            obligation__in=candidates, kind__in=[Kind.TEAM_MANAGER, Kind.SERVICE_MANAGER]
        ).values_list("obligation_id", "kind")
    )
    visibility = Visibility()
    messages: list[Message] = []
    # Escalated as the pack and version that raised it says (an adoption since does not change it).
    packs: dict[int, dict[tuple[str, str], Pack]] = {}
    for obligation in candidates:
        assert obligation.due_at is not None
        authority = obligation.child.responsible_authority
        if authority.pk not in packs:
            packs[authority.pk] = packs_by_version(authority)
        raised_by = packs[authority.pk].get((obligation.protocol, obligation.version)) or pack_of(
            obligation.child
        )
        step = timing.escalation_step(obligation.due_at, raised_by.escalation, now)
        if step >= timing.TEAM_MANAGER and (obligation.pk, Kind.TEAM_MANAGER) not in taken:
            manager = _manager_of(obligation)
            if manager is not None and manager.is_active:
                messages.append(compose(obligation, Kind.TEAM_MANAGER, manager, visibility, now))
        if step >= timing.SERVICE_MANAGER and (obligation.pk, Kind.SERVICE_MANAGER) not in taken:
            service_manager = _service_manager_of(obligation)
            if service_manager is not None and service_manager.is_active:
                messages.append(compose(obligation, Kind.SERVICE_MANAGER, service_manager, visibility, now))
    return _queue(messages)


def _digest_time() -> time:
    hours, minutes = settings.HOMEWARD_DIGEST_AT.split(":")
    return time(int(hours), int(minutes))


def send_digests(now: datetime) -> int:
    """Once a day per person: their obligations overdue and due today."""
    day = timing.digest_day(now, _digest_time())
    if day is None:
        return 0
    end_of_day = timezone.make_aware(datetime.combine(day + timedelta(days=1), time(0, 0)))
    outstanding = (
        Obligation.objects.outstanding(now)
        .filter(assignee__isnull=False, assignee__is_active=True, due_at__lt=end_of_day)
        .exclude(Exists(Message.objects.filter(recipient=OuterRef("assignee"), kind=Kind.DIGEST, day=day)))
        .select_related("child", "assignee")
        .order_by("assignee_id", "due_at", "id")
    )
    by_person: dict[int, list[Obligation]] = {}
    for obligation in outstanding:
        assert obligation.assignee_id is not None
        by_person.setdefault(obligation.assignee_id, []).append(obligation)
    visibility = Visibility()
    messages = []
    for items in by_person.values():
        person = items[0].assignee
        assert person is not None
        messages.append(digest(person, items, now, visibility, day))
    return _queue(messages)


def digest(
    person: User, items: list[Obligation], now: datetime, visibility: Visibility, day: date
) -> Message:
    sections: dict[str, list[str]] = {"overdue": [], "due today": []}
    for obligation in items:
        heading = timing.digest_heading(obligation.due_at, now)
        if heading is None:
            continue
        child = obligation.child
        name = child.name if visibility.knows(person, child) else "not named"
        assert obligation.due_at is not None
        sections[heading].append(
            f"- {obligation.title}, child {child.reference} ({name}), due by {_when(obligation.due_at)}: "
            f"{record_url(obligation)}"
        )
    overdue, today = len(sections["overdue"]), len(sections["due today"])
    subject = f"Your work for {day:%a %d %b %Y}: {overdue} overdue, {today} due today"
    lines = ["What is overdue and due today in Homeward.", ""]
    for heading, entries in sections.items():
        if entries:
            lines += [f"{heading.capitalize()} ({len(entries)}):", *entries, ""]
    lines.append(f"Your inbox: {inbox_url()}")
    return _message(person, Kind.DIGEST, subject, "\n".join(lines), inbox_url(), now, day=day)


def _unnamed(body: str, child: Child) -> str:
    ref = re.escape(child.reference)
    # A message about one duty: its "Child: <name> (C12)" line (compose, who()).
    body = re.sub(rf"^Child: .*\({ref}\)$", who(child, False), body, flags=re.MULTILINE)
    # A digest: "..., child C12 (<name>), due by ..." (digest()).
    return re.sub(rf"(, child {ref}) \(.*?\)(, due by )", r"\1 (not named)\2", body)


def withhold_name(child: Child) -> int:
    """Take the child's name out of every message to someone who may no longer open the record.

    Called when a record is restricted, in the same transaction: the people it now refuses get
    404 on it, and their inbox must not keep telling them who the child is (as retention removes
    names, access/retention.py). Nothing is put back when the restriction is lifted.
    """
    links = [
        record_url_of(child.pk, None),
        *(record_url_of(child.pk, pk) for pk in child.episodes.values_list("pk", flat=True)),
    ]
    about = Message.objects.filter(
        Q(obligation__child=child)
        | Q(link__in=links)
        | Q(kind=Kind.DIGEST, body__contains=f", child {child.reference} (")
    ).select_related("recipient")
    keeps: dict[int, bool] = {}
    changed = []
    for message in about:
        person = message.recipient
        if person.pk not in keeps:
            keeps[person.pk] = (
                visible_children(person).filter(pk=child.pk).exists()
                or visible_episodes(person).filter(child=child).exists()
            )
        if keeps[person.pk]:
            continue
        body = _unnamed(message.body, child)
        if body != message.body:
            message.body = body
            changed.append(message)
    Message.objects.bulk_update(changed, ["body"])
    return len(changed)


def refresh(now: datetime) -> dict[str, int]:
    """One pass of everything that depends on the clock, not on a change to a record."""
    return {
        "announced": announce_opened(now),
        "escalated": escalate(now),
        "digests": send_digests(now),
        "actions_chased": chase_actions(now) + chase_panel_actions(now),
    }


def announce_emergency_access(use: EmergencyAccess, leads: Iterable[User], now: datetime) -> int:
    """An emergency access opened: the authority's privacy leads are told there is a use to review
    (by the child's reference only: neither the child's name nor the reason is in a message)."""
    link = f"{settings.HOMEWARD_BASE_URL}{reverse('emergency_access_sign_off', args=[use.pk])}"
    by = _name(use.user)
    messages = [
        _message(
            lead,
            Kind.EMERGENCY_ACCESS,
            f"Emergency access to review: child {use.child.reference}",
            "\n".join(
                [
                    f"{by} opened the record of child {use.child.reference} in an emergency at {_when(use.opened_at)}, "
                    f"until {_when(use.expires_at)}, stating why.",
                    "",
                    f"Review it: {link}",
                ]
            ),
            link,
            now,
        )
        for lead in leads
        if lead.pk != use.user_id
    ]
    return _queue(messages)


# --- meetings: invitations and actions -----------------------------------------------------


def arrangement_url(arrangement: Arrangement) -> str:
    return f"{settings.HOMEWARD_BASE_URL}{reverse('arrangement', args=[arrangement.pk])}"


def action_url(action: Action) -> str:
    return f"{settings.HOMEWARD_BASE_URL}{reverse('action', args=[action.pk])}"


def tell_invited(arrangement: Arrangement, now: datetime) -> int:
    """Each person in Homeward invited to an arranged meeting is told when, where and how to join
    (once each, whoever tries first). The one who arranged it is not told."""
    child = arrangement.child
    visibility = Visibility()
    link = arrangement_url(arrangement)
    messages = []
    for invitation in arrangement.invitations.select_related("person").filter(person__is_active=True):
        person = invitation.person
        assert person is not None
        if person == arrangement.arranged_by:
            continue
        what = arrangement.get_kind_display()
        lines = [
            f"You are invited to a {what.lower()} at {_when(arrangement.starts_at)}.",
            who(child, visibility.knows(person, child)),
            f"Where: {arrangement.place}" if arrangement.place else "Where: by call (details below)",
        ]
        if arrangement.call_details:
            lines.append(f"Call details: {arrangement.call_details}")
        if invitation.why:
            lines.append(f"Why you: {invitation.why}")
        lines += ["", f"The meeting and its agenda: {link}"]
        messages.append(
            _message(
                person,
                Kind.INVITED,
                f"Invited: {what} - child {child.reference}, {_when(arrangement.starts_at)}",
                "\n".join(lines),
                link,
                now,
                invitation=invitation,
            )
        )
    return _queue(messages)


def _action_message(
    action: Action, kind: str, recipient: User, visibility: Visibility, now: datetime
) -> Message:
    child = action.meeting.child
    due = f"by {action.due_on:%a %d %b %Y}" if action.due_on else "with no date set"
    opening = {
        Kind.ACTION: "A meeting gave you this action.",
        Kind.ACTION_OVERDUE: "Your action from a meeting is past its date and still open.",
        Kind.ACTION_ESCALATED: "An action from a meeting is past its date and still open; it falls to your team.",
    }[Kind(kind)]
    lines = [
        opening,
        "",
        f"Action: {action.description}",
        who(child, visibility.knows(recipient, child)),
        f"Due: {due}",
        f"From: {action.meeting.get_kind_display()} on {_when(action.meeting.held_at)}",
    ]
    if action.assignee is not None and action.assignee != recipient:
        lines.append(f"Falls to: {action.who}")
    link = action_url(action)
    lines += ["", f"Open the action: {link}"]
    subject = {
        Kind.ACTION: "Action for you",
        Kind.ACTION_OVERDUE: "Overdue action",
        Kind.ACTION_ESCALATED: "Overdue action in your team",
    }[Kind(kind)]
    return _message(
        recipient,
        kind,
        f"{subject} - child {child.reference}, {due}",
        "\n".join(lines),
        link,
        now,
        action=action,
    )


def tell_action_owners(actions: Iterable[Action], now: datetime) -> int:
    visibility = Visibility()
    messages = [
        _action_message(action, Kind.ACTION, action.assignee, visibility, now)
        for action in actions
        if action.assignee is not None and action.assignee.is_active
    ]
    return _queue(messages)


def _action_due_at(action: Action) -> datetime:
    """An action is due by the end of its day (Europe/London)."""
    assert action.due_on is not None
    return _day_end(action.due_on)


def _day_end(day: date | None) -> datetime:
    assert day is not None
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time(0, 0)))


def chase_actions(now: datetime) -> int:
    """Open actions past their date: the owner is chased, then (as the child's pack escalates a
    duty) the owner's team manager, or the child's team's manager, is told."""
    today = timezone.localtime(now).date()
    late = (
        Action.objects.filter(state=ActionState.OPEN, assignee__isnull=False, due_on__lt=today)
        .exclude(Exists(Message.objects.filter(action=OuterRef("pk"), kind=Kind.ACTION_ESCALATED)))
        .select_related("meeting__child__team__manager", "assignee__team__manager")
    )
    candidates = list(late)
    taken = set(Message.objects.filter(action__in=candidates).values_list("action_id", "kind"))
    visibility = Visibility()
    messages: list[Message] = []
    for action in candidates:
        assert action.assignee is not None
        if (action.pk, Kind.ACTION_OVERDUE) not in taken and action.assignee.is_active:
            messages.append(_action_message(action, Kind.ACTION_OVERDUE, action.assignee, visibility, now))
        step = timing.escalation_step(_action_due_at(action), pack_of(action.meeting.child).escalation, now)
        if step >= timing.TEAM_MANAGER and (action.pk, Kind.ACTION_ESCALATED) not in taken:
            team = action.assignee.team or action.meeting.child.team
            manager = team.manager if team is not None else None
            if manager is not None and manager.is_active and manager != action.assignee:
                messages.append(_action_message(action, Kind.ACTION_ESCALATED, manager, visibility, now))
    return _queue(messages)


# --- panels' actions (MACE, pre-MACE, organisational reviews) --------------------------------


def panel_action_url(action: PanelAction) -> str:
    return f"{settings.HOMEWARD_BASE_URL}{reverse('panel_action', args=[action.pk])}"


def _panel_action_message(action: PanelAction, kind: str, recipient: User, now: datetime) -> Message:
    # A panel is about several children: the message names none of them (the recipient may not
    # see them all), only the panel and the action.
    panel = action.panel
    due = f"by {action.due_on:%a %d %b %Y}" if action.due_on else "with no date set"
    opening = {
        Kind.ACTION: "A panel gave you this action.",
        Kind.ACTION_OVERDUE: "Your action from a panel is past its date and still open.",
        Kind.ACTION_ESCALATED: "An action from a panel is past its date and still open; it falls to your team.",
    }[Kind(kind)]
    lines = [
        opening,
        "",
        f"Action: {action.description}",
        f"Due: {due}",
        f"From: {panel.get_kind_display()} on {_when(panel.held_at)}",
    ]
    if action.assignee is not None and action.assignee != recipient:
        lines.append(f"Falls to: {action.who}")
    link = panel_action_url(action)
    lines += ["", f"Open the action: {link}"]
    subject = {
        Kind.ACTION: "Action for you",
        Kind.ACTION_OVERDUE: "Overdue action",
        Kind.ACTION_ESCALATED: "Overdue action in your team",
    }[Kind(kind)]
    return _message(
        recipient,
        kind,
        f"{subject} - {panel.get_kind_display()} of {panel.held_at:%d %b %Y}, {due}",
        "\n".join(lines),
        link,
        now,
        panel_action=action,
    )


def tell_panel_action_owners(actions: Iterable[PanelAction], now: datetime) -> int:
    return _queue(
        [
            _panel_action_message(action, Kind.ACTION, action.assignee, now)
            for action in actions
            if action.assignee is not None and action.assignee.is_active
        ]
    )


def chase_panel_actions(now: datetime) -> int:
    """Open panel actions past their date: the owner is chased, then (after the authority's
    pack's escalation to the team manager) the owner's team manager is told, as for a meeting's."""
    today = timezone.localtime(now).date()
    late = (
        PanelAction.objects.filter(state=ActionState.OPEN, assignee__isnull=False, due_on__lt=today)
        .exclude(Exists(Message.objects.filter(panel_action=OuterRef("pk"), kind=Kind.ACTION_ESCALATED)))
        .select_related("panel__authority", "assignee__team__manager")
    )
    candidates = list(late)
    taken = set(Message.objects.filter(panel_action__in=candidates).values_list("panel_action_id", "kind"))
    messages: list[Message] = []
    for action in candidates:
        assert action.assignee is not None
        if (action.pk, Kind.ACTION_OVERDUE) not in taken and action.assignee.is_active:
            messages.append(_panel_action_message(action, Kind.ACTION_OVERDUE, action.assignee, now))
        escalation = authority_pack(action.panel.authority).escalation
        step = timing.escalation_step(_day_end(action.due_on), escalation, now)
        if step >= timing.TEAM_MANAGER and (action.pk, Kind.ACTION_ESCALATED) not in taken:
            team = action.assignee.team
            manager = team.manager if team is not None else None
            if manager is not None and manager.is_active and manager != action.assignee:
                messages.append(_panel_action_message(action, Kind.ACTION_ESCALATED, manager, now))
    return _queue(messages)


def _commission_link(commission: Commission) -> str:
    return f"{settings.HOMEWARD_BASE_URL}{reverse('episode', args=[commission.episode_id])}"


def announce_commission(commission: Commission, now: datetime) -> int:
    """The host authority is asked to hold a return home interview: its coordinators (who give it
    to a worker) and its return interview team are told. The message carries no duty: the duty
    stays the responsible authority's, so the host opens only its own view of the episode."""
    episode = commission.episode
    child = episode.child
    obligation = commission.obligation
    recipients = User.objects.filter(
        Q(role=Role.MISSING_COORDINATOR) | Q(role=Role.RETURN_INTERVIEW_WORKER),
        organisation_id=commission.host_authority_id,
        is_active=True,
    ).order_by("id")
    asked_by = _name(commission.asked_by) if commission.asked_by else str(child.responsible_authority)
    lines = [
        f"{child.responsible_authority} asks {commission.host_authority} to hold the return home interview "
        f"for episode {episode.reference}.",
        who(child, False, opens=True),
        f"Asked by: {asked_by}, {_when(commission.asked_at)}",
        f"Due by: {_when(obligation.due_at)}" if obligation.due_at else "Due: now",
        *([f"Note: {commission.note}"] if commission.note else []),
        "",
        f"Open the episode: {_commission_link(commission)}",
    ]
    return _queue(
        [
            _message(
                person,
                Kind.COMMISSIONED,
                f"Return home interview asked of your authority - child {child.reference}",
                "\n".join(lines),
                _commission_link(commission),
                now,
            )
            for person in recipients
        ]
    )


def announce_commission_allocated(commission: Commission, now: datetime) -> int:
    """The host worker given a commissioned interview is told (the host's own allocation)."""
    worker = commission.allocated_to
    if worker is None:
        return 0
    child = commission.episode.child
    by = _name(commission.allocated_by) if commission.allocated_by else "Your coordinator"
    due = commission.obligation.due_at
    lines = [
        f"{by} gave you the return home interview {child.responsible_authority} asked "
        f"{commission.host_authority} to hold (episode {commission.episode.reference}).",
        who(child, False, opens=True),
        f"Due by: {_when(due)}" if due else "Due: now",
        "",
        f"Open the episode: {_commission_link(commission)}",
    ]
    return _queue(
        [
            _message(
                worker,
                Kind.ALLOCATED,
                f"Allocated to you: return home interview - child {child.reference}",
                "\n".join(lines),
                _commission_link(commission),
                now,
            )
        ]
    )


# --- warning notices (001 s.14.21-14.22) -----------------------------------------------------


def announce_warning_notice_matches(episode: Episode, found: Iterable[Match], now: datetime) -> int:
    """An episode names as an associate an adult served a warning notice for a child of the same
    authority: the authority's coordinators are told (once per notice and episode), so the police
    who served it can act on a breach (arrest under s.2 Child Abduction Act 1984, 001 s.14.22)."""
    report = Event.objects.filter(episode=episode, type="reported").order_by("pk").first()
    if report is None:
        return 0
    child = episode.child
    coordinators = User.objects.filter(
        role=Role.MISSING_COORDINATOR, organisation_id=child.responsible_authority_id, is_active=True
    )
    visibility = Visibility()
    link = record_url_of(child.pk, episode.pk)
    messages = []
    for match in found:
        notice = match.notice
        notice_link = f"{settings.HOMEWARD_BASE_URL}{reverse('warning_notice', args=[notice.pk])}"
        for coordinator in coordinators:
            lines = [
                f'Episode {episode.reference} names as an associate "{match.named_as}": the adult '
                f"served a {notice.get_kind_display()} ({notice.reference}).",
                who(child, visibility.knows(coordinator, child)),
                f"Served by {notice.served_by_name}, {notice.served_by_force}, at {_when(notice.served_at)}; "
                f"in force until {notice.expires_on:%d %b %Y}.",
                "Tell the police who served it: contact with a named child is a breach "
                "(West Mercia 001 s.14.22).",
                "",
                f"The episode: {link}",
                f"The notice: {notice_link}",
            ]
            messages.append(
                _message(
                    coordinator,
                    Kind.WARNING_NOTICE,
                    f"Warning notice: an adult under notice named on episode {episode.reference}",
                    "\n".join(lines),
                    link,
                    now,
                    event=report,
                    warning_notice=notice,
                )
            )
    return _queue(messages)
