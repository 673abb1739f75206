"""MACE and pre-MACE panels (Greenwich 000; Essex 004 s.7) and organisational reviews of a home
(West Mercia 001 s.14.24-14.26): one record about several children, places and linked adults.

Every write is here, in one transaction; each record saved is on the audit trail (``audit.register``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from homeward.accounts.models import User
from homeward.casework import outbox
from homeward.casework.meetings import closed
from homeward.casework.obligations import close_obligation
from homeward.children.models import Child, Establishment
from homeward.meetings.models import (
    Panel,
    PanelAction,
    PanelAdult,
    PanelAttendee,
    PanelChild,
    PanelKind,
    PanelPlace,
    PlaceKind,
)
from homeward.obligations.models import Obligation

# The duty an organisational review of a home meets (West Mercia WM11, 001 s.14.24).
REVIEW_DUTY = "organisational_review"


@dataclass(frozen=True)
class Place:
    kind: str
    establishment: Establishment | None = None
    description: str = ""


@dataclass(frozen=True)
class Adult:
    name: str
    link: str
    description: str = ""


def _validate(panel: Panel, children: list[Child], places: list[Place], adults: list[Adult]) -> None:
    errors: dict[str, str] = {}
    if panel.kind not in PanelKind.values:
        errors["kind"] = "Choose what kind of panel it was."
    if not panel.chair.strip():
        errors["chair"] = "Enter who chaired the panel."
    if not panel.attendees.strip():
        errors["attendees"] = "Enter who attended the panel."
    if not panel.discussed.strip():
        errors["discussed"] = "Enter what was discussed."
    if panel.kind == PanelKind.ORGANISATIONAL_REVIEW:
        if not any(p.kind == PlaceKind.HOME and p.establishment is not None for p in places):
            errors["places"] = "An organisational review is about a home: choose the home."
    elif not children:
        errors["children"] = "Choose at least one child the panel discussed."
    if any(c.responsible_authority_id != panel.authority_id for c in children):
        errors["children"] = "Choose only children your authority is responsible for."
    for place in places:
        if place.kind not in PlaceKind.values:
            errors["places"] = "Say whether each place is a home, an address or a hotspot."
        elif place.kind == PlaceKind.HOME and place.establishment is None:
            errors["places"] = "Choose the home from the list."
        elif place.kind != PlaceKind.HOME and not place.description.strip():
            errors["places"] = "Enter the address or describe the hotspot."
    if any(not a.name.strip() or not a.link.strip() for a in adults):
        errors["adults"] = "Enter each linked adult's name and how they are linked to the children."
    if (
        panel.ofsted_reference or panel.reported_to_ofsted_on
    ) and panel.kind != PanelKind.ORGANISATIONAL_REVIEW:
        errors["reported_to_ofsted_on"] = (
            "Only an organisational review of a home records a report to Ofsted."
        )
    if errors:
        raise ValidationError(errors)


def review_duty(
    authority_id: int, homes: Iterable[Establishment], at: datetime, *, asked: Obligation | None = None
) -> Obligation | None:
    """The open organisational review duty (WM11) of one of these homes that a review held at
    ``at`` meets: the one it was recorded from (``asked``) while that is still open, else the
    earliest. Only a duty on a child of the panel's own authority: the review is that authority's
    Children Services' (001 s.14.24), and another authority's duty is theirs to close."""
    home_pks = [h.pk for h in homes]
    duties = Obligation.objects.filter(
        kind=REVIEW_DUTY,
        outcome="",
        opens_at__lte=at,
        establishment_id__in=home_pks,
        child__responsible_authority_id=authority_id,
    )
    if asked is not None:
        chosen = duties.filter(pk=asked.pk).first()
        if chosen is not None:
            return chosen
    return duties.order_by("opens_at", "-requirement", "pk").first()


@transaction.atomic
def record_panel(
    panel: Panel,
    *,
    children: Iterable[Child],
    places: Iterable[Place] = (),
    adults: Iterable[Adult] = (),
    people: Iterable[User] = (),
    actions: Iterable[PanelAction] = (),
    by: User | None,
    obligation: Obligation | None = None,
) -> Panel:
    """Save a new panel with everything discussed at it; nothing is saved if any part is wrong.

    An organisational review of a home with an open WM11 duty meets it (``review_duty``; the
    duty it was recorded from, ``obligation``, first): the panel is linked to the duty and the
    duty closes as done when the review was held, as a meeting closes the duty that asked for it.
    Each action's owner in Homeward is told (outbox)."""
    children = list(dict.fromkeys(children))
    places, adults, actions = list(places), list(adults), list(actions)
    _validate(panel, children, places, adults)
    for action in actions:
        if not action.description.strip() or not (action.assignee_id or action.owner.strip()):
            raise ValidationError({"actions": "Enter each action and who will do it."})
    duty = None
    if panel.kind == PanelKind.ORGANISATIONAL_REVIEW:
        homes = [p.establishment for p in places if p.kind == PlaceKind.HOME and p.establishment]
        duty = review_duty(panel.authority_id, homes, panel.held_at, asked=obligation)
    panel.obligation = duty
    panel.recorded_by = by
    panel.save()
    # One by one (a handful): each is on the audit trail, which bulk writes bypass.
    for child in children:
        PanelChild.objects.create(panel=panel, child=child)
    for place in places:
        PanelPlace.objects.create(
            panel=panel,
            kind=place.kind,
            establishment=place.establishment if place.kind == PlaceKind.HOME else None,
            description=place.description[:300],
        )
    for adult in adults:
        PanelAdult.objects.create(
            panel=panel, name=adult.name[:200], description=adult.description, link=adult.link
        )
    for person in dict.fromkeys(people):
        PanelAttendee.objects.create(panel=panel, person=person)
    for action in actions:
        action.panel = panel
        action.save()
    if duty is not None:
        try:
            close_obligation(
                duty, outcome="done", at=panel.held_at, by=by, note=f"{panel.get_kind_display()} {panel.pk}"
            )
        except ValidationError as exc:
            raise ValidationError({"held_at": exc.messages}) from None
    outbox.tell_panel_action_owners([a for a in actions if a.assignee_id is not None], timezone.now())
    return panel


@transaction.atomic
def close_panel_action(action: PanelAction, *, state: str, note: str, by: User | None) -> PanelAction:
    """Mark a panel's action done or no longer needed (its chasing stops)."""
    return closed(PanelAction.objects.select_for_update().get(pk=action.pk), state=state, note=note, by=by)
