"""The new records of issue 18 (a profile shared with another force, an emergency access) are in
subject access, on the child's audit trail, and their free text goes under retention."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from homeward.access import retention
from homeward.access.audit import trail_for_child
from homeward.access.subject_access import export
from homeward.accounts.models import Organisation, OrganisationKind, Role
from homeward.casework.emergency import open_emergency_access
from homeward.casework.episodes import report_episode
from homeward.casework.sharing import share_profile
from homeward.children.models import EmergencyAccess
from homeward.episodes.models import ProfileShare
from tests.factories import AuthorityFactory, ChildFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_shares_and_emergency_access_are_held_traced_and_anonymised() -> None:
    force = Organisation.objects.create(name="West Mercia Police", kind=OrganisationKind.POLICE_FORCE)
    other = Organisation.objects.create(name="Dyfed-Powys Police", kind=OrganisationKind.POLICE_FORCE)
    authority = AuthorityFactory(police_force=force)
    child = ChildFactory(responsible_authority=authority)
    coordinator = UserFactory(role=Role.MISSING_COORDINATOR, organisation=authority)
    duty = UserFactory(role=Role.SOCIAL_WORKER, organisation=authority)
    episode = report_episode(
        child,
        category="missing",
        reported_at=timezone.now() - timedelta(hours=1),
        last_seen_at=None,
        police_informed=True,
        by=None,
    )
    share = share_profile(episode, force=other, reason="Seen at Aberystwyth station", by=coordinator)
    use = open_emergency_access(child, by=duty, reason="Police called at 2am about the child")

    document = export(child)
    assert document["profile_shares"][0]["reason"] == "Seen at Aberystwyth station"
    assert document["emergency_access"][0]["reason"].startswith("Police called")
    trail = trail_for_child(child)
    assert trail.filter(object_pk=str(share.pk), content_type__model="profileshare").exists()
    assert trail.filter(object_pk=str(use.pk), content_type__model="emergencyaccess").exists()

    retention.anonymise(child)
    assert ProfileShare.objects.get(pk=share.pk).reason == ""
    assert ProfileShare.objects.get(pk=share.pk).force == other  # to whom it went stays
    assert EmergencyAccess.objects.get(pk=use.pk).reason == ""
    assert EmergencyAccess.objects.get(pk=use.pk).user == duty


def test_bad_share_input_names_the_field() -> None:
    force = Organisation.objects.create(name="West Mercia Police", kind=OrganisationKind.POLICE_FORCE)
    authority = AuthorityFactory(police_force=force)
    child = ChildFactory(responsible_authority=authority)
    episode = report_episode(
        child,
        category="missing",
        reported_at=timezone.now(),
        last_seen_at=None,
        police_informed=True,
        by=None,
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        share_profile(episode, force=authority, reason="x", by=None)
    assert "force" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        share_profile(episode, force=force, reason="x", by=None)
    assert "already sees the profile" in refused.value.message_dict["force"][0]
    other = Organisation.objects.create(name="Dyfed-Powys Police", kind=OrganisationKind.POLICE_FORCE)
    with pytest.raises(ValidationError) as refused:
        share_profile(episode, force=other, reason="   ", by=None)
    assert "reason" in refused.value.message_dict
