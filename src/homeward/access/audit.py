"""The audit trail of a child's record: who created, changed, viewed or tried to view it.

Creates and changes are written by django-auditlog's signals for the models
registered in ``register``; its middleware adds who and from which address.
Reads are written here, by the pages (and the API) that show a record:

    from homeward.access.audit import record_view, record_denied

    record_view(request, episode)            # after deciding to show it
    record_denied(request, Episode, pk)      # before answering 404

A refused attempt is recorded whether or not the record exists, so guessing ids
leaves a trace. Rows are append-only (``homeward.accounts.models.AuditEntry``).
"""

from __future__ import annotations

from typing import Any

from auditlog.middleware import AuditlogMiddleware
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from homeward.accounts.models import AuditEntry, User

VIEWED = "viewed"
REFUSED = "refused"


def _actor(request: HttpRequest) -> User | None:
    user = getattr(request, "user", None)
    return user if isinstance(user, User) and user.is_authenticated else None


def client_address(request: HttpRequest) -> str | None:
    # The same reading as auditlog's middleware, so reads and changes name the same address.
    address: str | None = AuditlogMiddleware._get_remote_addr(request)
    return address


# object_id is a 64-bit column: a guessed id of 19 digits or more (the pages take any number of
# digits) overflowed it, and the refusal became a 500. Such an id is kept as text in object_pk.
BIGGEST_ID = 2**63 - 1


def _object_id(pk: Any) -> int | None:
    text = str(pk)
    return int(text) if text.isdigit() and int(text) <= BIGGEST_ID else None


def _entry(request: HttpRequest, content_type: ContentType, pk: Any, label: str, **data: Any) -> AuditEntry:
    actor = _actor(request)
    entry: AuditEntry = AuditEntry.objects.create(
        content_type=content_type,
        object_pk=str(pk)[:255],
        object_id=_object_id(pk),
        object_repr=label,
        action=AuditEntry.Action.ACCESS,
        actor=actor,
        actor_email=actor.email if actor else None,
        remote_addr=client_address(request),
        additional_data={"path": request.path[:500], "method": request.method, **data},
    )
    return entry


def record_view(request: HttpRequest, obj: models.Model, **data: Any) -> AuditEntry:
    """Record that the signed-in person was shown ``obj`` (a child, episode, interview or meeting)."""
    return _entry(
        request, ContentType.objects.get_for_model(obj), obj.pk, str(obj)[:500], outcome=VIEWED, **data
    )


def recipient(organisation: Any) -> dict[str, Any]:
    """What the trail records of whom a disclosure went to: the police force, when it went to one
    (the Philomena profile's every page view, print and API read: README "The Philomena profile")."""
    from homeward.accounts.models import OrganisationKind

    if organisation is None or organisation.kind != OrganisationKind.POLICE_FORCE:
        return {}
    return {"recipient_force": organisation.name, "recipient_force_id": organisation.pk}


def emergency_flag(user: Any, child: Any) -> dict[str, Any]:
    """A view made under emergency access (README "Emergency access") is flagged on the trail with
    the use it was made under, for the privacy lead's review."""
    from django.utils import timezone

    from homeward.children.models import EmergencyAccess

    if not isinstance(user, User) or child is None:
        return {}
    use = (
        EmergencyAccess.objects.filter(user=user, child=child, expires_at__gt=timezone.now())
        .values_list("pk", flat=True)
        .first()
    )
    return {"emergency_access": use} if use is not None else {}


def record_denied(request: HttpRequest, model: type[models.Model], pk: Any, **data: Any) -> AuditEntry:
    """Record a refused attempt to see or change record ``pk`` of ``model`` (existing or not)."""
    label = f"{model._meta.verbose_name} {pk}"
    return _entry(request, ContentType.objects.get_for_model(model), pk, label, outcome=REFUSED, **data)


def register() -> None:
    """The records whose creation and every change are audited (called once, at start-up)."""
    from homeward.care.models import CouncilEpisode
    from homeward.children.models import (
        Child,
        EmergencyAccess,
        FindMePlan,
        Placement,
        PlacementRiskAssessment,
        WarningNotice,
    )
    from homeward.episodes.models import Episode, ProfileShare
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
        PanelAdult,
        PanelAttendee,
        PanelChild,
        PanelPlace,
    )
    from homeward.notes.models import Note
    from homeward.obligations.models import Allocation, Chase, ProtocolAdoption
    from homeward.plans.models import Plan, PlanVersion
    from homeward.records.models import DutyRecord

    # version and updated_at change on every save and say nothing a person did.
    auditlog.register(Child, exclude_fields=["version", "updated_at"], m2m_fields={"sealed_to"})
    auditlog.register(Episode, exclude_fields=["version"])
    auditlog.register(Placement)
    auditlog.register(FindMePlan, exclude_fields=["updated_at", "version"])
    auditlog.register(PlacementRiskAssessment)
    auditlog.register(ReturnInterview, exclude_fields=["updated_at", "version"])
    auditlog.register(Commission)
    auditlog.register(Meeting)
    auditlog.register(Action)
    auditlog.register(Arrangement)
    auditlog.register(Invitation)
    auditlog.register(Briefing)
    auditlog.register(BriefingAttendee)
    auditlog.register(BriefingItem)
    auditlog.register(Panel)
    auditlog.register(PanelAttendee)
    auditlog.register(PanelChild)
    auditlog.register(PanelPlace)
    auditlog.register(PanelAdult)
    auditlog.register(PanelAction)
    auditlog.register(CouncilEpisode)
    auditlog.register(Note)
    auditlog.register(Allocation)
    # Who chased whom about a duty, when, with what note.
    auditlog.register(Chase)
    # Which protocol version an authority works to from when, by whom and why.
    auditlog.register(ProtocolAdoption)
    auditlog.register(ProfileShare)
    auditlog.register(EmergencyAccess)
    auditlog.register(DutyRecord)
    # Warning notices (001 s.14.22): who recorded, changed or withdrew one, and the children named.
    auditlog.register(WarningNotice, m2m_fields={"children"})
    auditlog.register(Plan, exclude_fields=["version"])
    auditlog.register(PlanVersion)

    # Every change to a person: who they are, their role, organisation, team and powers. A new
    # password shows only as changed (masked); signing in (last_login) is not a change to them.
    from django_otp.plugins.otp_totp.models import TOTPDevice

    auditlog.register(
        User,
        include_fields=[f.name for f in User._meta.concrete_fields if f.name != "last_login"],
        mask_fields=["password"],
        mask_callable="homeward.access.audit.masked",
        m2m_fields={"groups", "user_permissions"},
    )
    # A person's authenticator: who set it up, confirmed or removed it. Never the secret itself
    # (only these fields are copied). Partner systems' tokens: homeward.api.apps.
    auditlog.register(TOTPDevice, include_fields=["user", "name", "confirmed"])
    # What decides who sees which children besides a person's own record: the force told of an
    # authority's episodes, a team's managers, a home's provider and area, the emergency duty team.
    from homeward.accounts.models import Organisation, Team
    from homeward.children.models import Establishment
    from homeward.notifications.models import OutOfHours

    auditlog.register(Organisation)
    auditlog.register(Team)
    auditlog.register(Establishment)
    auditlog.register(OutOfHours)


def masked(value: str) -> str:
    """What the trail keeps of a secret (a password hash): that there is one, none of it.
    (django-auditlog's own mask keeps the last half of the value.)"""
    return "(set)" if value else ""


def trail_for_child(child: Any) -> QuerySet[AuditEntry]:
    """Every audit row about the child's record: the child and everything recorded about them."""
    from homeward.care.models import CouncilEpisode
    from homeward.children.models import (
        Child,
        EmergencyAccess,
        FindMePlan,
        Placement,
        PlacementRiskAssessment,
        WarningNotice,
    )
    from homeward.episodes.models import Episode, ProfileShare
    from homeward.interviews.models import Commission, ReturnInterview
    from homeward.meetings.models import (
        Action,
        Arrangement,
        BriefingItem,
        Invitation,
        Meeting,
        Panel,
        PanelAction,
        PanelAdult,
        PanelAttendee,
        PanelChild,
        PanelPlace,
    )
    from homeward.notes.models import Note
    from homeward.obligations.models import Allocation, Chase
    from homeward.plans.models import Plan, PlanVersion
    from homeward.records.models import DutyRecord

    def about(model: type[models.Model], pks: Any) -> Q:
        ids = [str(pk) for pk in pks]
        return Q(content_type=ContentType.objects.get_for_model(model), object_pk__in=ids)

    episodes = list(Episode.objects.filter(child=child).values_list("pk", flat=True))
    meetings = list(Meeting.objects.filter(child=child).values_list("pk", flat=True))
    # The panels that discussed the child, with what was recorded at them (the places, adults,
    # people and actions belong to the panel, so they are the child's record too).
    panels = list(Panel.objects.filter(children__child=child).values_list("pk", flat=True))
    where = (
        about(Child, [child.pk])
        | about(Episode, episodes)
        | about(
            ReturnInterview, ReturnInterview.objects.filter(episode__child=child).values_list("pk", flat=True)
        )
        | about(Meeting, meetings)
        | about(Action, Action.objects.filter(meeting__child=child).values_list("pk", flat=True))
        | about(BriefingItem, BriefingItem.objects.filter(child=child).values_list("pk", flat=True))
        | about(Arrangement, Arrangement.objects.filter(child=child).values_list("pk", flat=True))
        | about(Invitation, Invitation.objects.filter(arrangement__child=child).values_list("pk", flat=True))
        | about(Placement, Placement.objects.filter(child=child).values_list("pk", flat=True))
        | about(FindMePlan, FindMePlan.objects.filter(child=child).values_list("pk", flat=True))
        | about(Note, Note.objects.filter(child=child).values_list("pk", flat=True))
        | about(DutyRecord, DutyRecord.objects.filter(child=child).values_list("pk", flat=True))
        | about(Plan, Plan.objects.filter(child=child).values_list("pk", flat=True))
        | about(PlanVersion, PlanVersion.objects.filter(plan__child=child).values_list("pk", flat=True))
        | about(Allocation, Allocation.objects.filter(child=child).values_list("pk", flat=True))
        | about(Chase, Chase.objects.filter(child=child).values_list("pk", flat=True))
        | about(ProfileShare, ProfileShare.objects.filter(episode__child=child).values_list("pk", flat=True))
        | about(Commission, Commission.objects.filter(episode__child=child).values_list("pk", flat=True))
        | about(EmergencyAccess, EmergencyAccess.objects.filter(child=child).values_list("pk", flat=True))
        | about(WarningNotice, WarningNotice.objects.filter(children=child).values_list("pk", flat=True))
        | about(
            PlacementRiskAssessment,
            PlacementRiskAssessment.objects.filter(child=child).values_list("pk", flat=True),
        )
        | about(CouncilEpisode, CouncilEpisode.objects.filter(child=child).values_list("pk", flat=True))
        | about(Panel, panels)
        | about(PanelChild, PanelChild.objects.filter(panel_id__in=panels).values_list("pk", flat=True))
        | about(PanelPlace, PanelPlace.objects.filter(panel_id__in=panels).values_list("pk", flat=True))
        | about(PanelAdult, PanelAdult.objects.filter(panel_id__in=panels).values_list("pk", flat=True))
        | about(PanelAttendee, PanelAttendee.objects.filter(panel_id__in=panels).values_list("pk", flat=True))
        | about(PanelAction, PanelAction.objects.filter(panel_id__in=panels).values_list("pk", flat=True))
    )
    trail: QuerySet[AuditEntry] = AuditEntry.objects.filter(where)
    return trail.select_related("actor", "content_type").order_by("-timestamp", "-pk")


def scrub_trail_for_retention(child: Any) -> None:
    """The one change ever made to audit rows: when a child's record is anonymised under the
    retention policy (homeward.access.retention), the child's details copied into its trail
    (names in the record labels, old and new values) go too. Who looked at what, when and from
    where stays. A row then records that it was done."""
    from django.contrib.contenttypes.models import ContentType

    from homeward.children.models import Child

    trail = trail_for_child(child)
    # Deliberately past AuditEntryQuerySet.update, which refuses every other caller.
    models.QuerySet.update(
        AuditEntry.objects.filter(pk__in=list(trail.values_list("pk", flat=True))),
        object_repr="(anonymised)",
        changes=None,
        changes_text="",
        serialized_data=None,
    )
    AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Child),
        object_pk=str(child.pk),
        object_id=child.pk,
        object_repr=str(child),
        action=AuditEntry.Action.UPDATE,
        additional_data={"retention": "anonymised past the retention period"},
    )
