"""What a partner system's token may see and change: its organisation's relationships.

The same relationships as the pages (``homeward.access.relationships``),
held by an organisation rather than a person:

- a local authority: its own children (the responsible authority's view, like
  its Missing Children Coordinator);
- a care provider: the children placed now in one of its homes (like their carers);
- a police force: the episodes it was told of (like its liaison officers), and
  the children of those episodes; and its own report of a child it had not been
  told of, that episode only (not the child), until the MASH confirms it.

A restricted record (``Child.sealed``) names people, never a partner system:
no token sees it. Anything else answers 404, as if it did not exist.

Reporting follows the same lines, with one addition for the police: a force
may report a child whose home or placement its force covers (the force
``children.police.force_for`` would tell), because the police notify the
MASH of every missing child (002 s.3). The pages do not let police liaison
officers report; partner police systems may. The README says so. Such a report
must not open the child to the force (reporting any reference would give away
the child's name, date of birth and Find Me plan): it is listed for the MASH to
confirm (``Episode.awaiting_confirmation``), and only then is the force told.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from homeward.accounts.models import Organisation, OrganisationKind
from homeward.children.models import Child, Placement
from homeward.children.police import force_for
from homeward.episodes.models import Episode, ProfileShare
from homeward.obligations.models import Obligation, ObligationQuerySet

NOTHING = Q(pk__in=[])


def _placed_with(organisation: Organisation, child: str = "pk") -> Q:
    placed_now = Placement.objects.filter(
        child=OuterRef(child), establishment__provider=organisation, ended_on__isnull=True
    )
    return Q(Exists(placed_now))


def episodes_for(organisation: Organisation) -> QuerySet[Episode]:
    episodes = Episode.objects.select_related("child", "child__responsible_authority").filter(
        child__sealed=False
    )
    if organisation.kind == OrganisationKind.LOCAL_AUTHORITY:
        return episodes.filter(child__responsible_authority=organisation)
    if organisation.kind == OrganisationKind.CARE_PROVIDER:
        return episodes.filter(_placed_with(organisation, "child"))
    if organisation.kind == OrganisationKind.POLICE_FORCE:
        # Its own unconfirmed reports included (it follows them up: the find, the safe and well
        # check); children_for does not count them, so they open nothing of the child.
        return episodes.filter(police_informed=True, police_force=organisation, withdrawn_at__isnull=True)
    return episodes.none()


def children_for(organisation: Organisation) -> QuerySet[Child]:
    children = Child.objects.select_related("responsible_authority").filter(sealed=False)
    if organisation.kind == OrganisationKind.LOCAL_AUTHORITY:
        return children.filter(responsible_authority=organisation)
    if organisation.kind == OrganisationKind.CARE_PROVIDER:
        return children.filter(_placed_with(organisation))
    if organisation.kind == OrganisationKind.POLICE_FORCE:
        told = Episode.objects.filter(
            child=OuterRef("pk"),
            police_informed=True,
            police_force=organisation,
            awaiting_confirmation=False,
            withdrawn_at__isnull=True,
        )
        return children.filter(Exists(told))
    return children.none()


def profile_episodes_for(organisation: Organisation) -> QuerySet[Episode]:
    """The episodes whose child's profile (Find Me plan and photograph) this organisation's token
    may read: those it sees, but for a force not its own unconfirmed reports (they do not tell it
    who the child is); and, for a force, those whose profile the coordinator shared with it (002
    s.10: the area the child is believed to be in)."""
    seen = episodes_for(organisation)
    if organisation.kind != OrganisationKind.POLICE_FORCE:
        return seen
    shared = ProfileShare.objects.filter(force=organisation).values("episode_id")
    return Episode.objects.select_related("child", "child__responsible_authority").filter(
        Q(pk__in=seen.filter(awaiting_confirmation=False).values("pk")) | Q(pk__in=shared),
        child__sealed=False,
        withdrawn_at__isnull=True,
    )


def obligations_for(organisation: Organisation) -> ObligationQuerySet:
    """The obligations of the episodes this organisation sees (not the child's other duties)."""
    return Obligation.objects.filter(episode__in=episodes_for(organisation).values("pk"))


def knows_child(organisation: Organisation, child: Child) -> bool:
    """Whether this organisation already sees the child's record (a police report of a child its
    force was not told of waits for the MASH to confirm it)."""
    return children_for(organisation).filter(pk=child.pk).exists()


def may_report(organisation: Organisation, child: Child) -> bool:
    if child.sealed:
        return False
    if organisation.kind == OrganisationKind.POLICE_FORCE:
        return force_for(child) == organisation
    return children_for(organisation).filter(pk=child.pk).exists()


def child_by_reference(reference: str) -> Child | None:
    """``C12`` (or ``12``) to the child, whoever may see it."""
    text = reference.strip().upper().removeprefix("C")
    if not text.isdigit() or len(text) > 18:
        return None
    return Child.objects.select_related("responsible_authority").filter(pk=int(text)).first()
