"""The administrator manages accounts, not children (issue 21, "The administrator can reach
children's data"): the admin shows nothing of a child's record, not even through the audit trail;
messages are read-only with their text hidden; authenticator secrets are never shown; nobody
changes their own role, organisation or powers, by the admin or any other path; and every change to
a person is on the audit trail."""

from __future__ import annotations

import re
from typing import Any

import pytest
from auditlog.context import set_actor
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.accounts import two_factor
from homeward.accounts.models import AuditEntry, Organisation, Role, User
from homeward.accounts.own_account import acting_as
from homeward.casework.children import save_child
from homeward.casework.placements import start_placement
from homeward.children.models import Child
from homeward.notifications.models import Kind, Message
from tests.factories import (
    AuthorityFactory,
    ChildFactory,
    EstablishmentFactory,
    TeamFactory,
    UserFactory,
    signed_in,
    totp_device,
)

pytestmark = pytest.mark.django_db

# Names no Faker en_GB name contains, so a worker or team named at random cannot look like her.
NAME = ("Kayleighzq", "Pritchardzq")
KNOWN_AS = "Kayzq"


def administrator(**extra: Any) -> User:
    return UserFactory(role=Role.ADMINISTRATOR, organisation=None, is_staff=True, is_superuser=True, **extra)


def a_childs_record() -> Child:
    """A child created, changed and viewed: each leaves a row on the audit trail naming her."""
    team = TeamFactory()
    worker = UserFactory(role=Role.SOCIAL_WORKER, team=team)
    child = ChildFactory(
        first_name=NAME[0], last_name=NAME[1], team=team, allocated_worker=worker, school="Hereford Academyzq"
    )
    with set_actor(worker):
        child.known_as = KNOWN_AS
        save_child(child, by=worker)
    signed_in(worker).get(f"/children/{child.pk}/")
    signed_in(worker).get(f"/children/{child.pk}/edit/")
    return child


def shows_nothing_of_her(html: str) -> None:
    for text in (*NAME, KNOWN_AS, "Hereford Academyzq"):
        assert text not in html, text


def test_the_admins_audit_trail_shows_nothing_of_a_childs_record() -> None:
    child = a_childs_record()
    rows = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(Child))
    assert rows.filter(action=AuditEntry.Action.UPDATE).exists() and rows.filter(
        action=AuditEntry.Action.ACCESS
    )
    client = signed_in(administrator())
    listing = client.get("/admin/accounts/auditentry/")
    assert listing.status_code == 200
    shows_nothing_of_her(listing.content.decode())
    searched = client.get("/admin/accounts/auditentry/", {"q": NAME[0]})
    assert searched.status_code == 200 and searched.context["cl"].result_count == 0
    for row in rows:
        opened = client.get(f"/admin/accounts/auditentry/{row.pk}/change/")
        # Not shown: the admin says no such entry and sends the reader back to the list.
        assert opened.status_code == 302, row
        shows_nothing_of_her(client.get(opened["Location"]).content.decode())
    assert child.pk


def test_the_admins_audit_trail_still_shows_changes_to_people() -> None:
    person = UserFactory(role=Role.SOCIAL_WORKER, first_name="Ruth", last_name="Okafor")
    client = signed_in(administrator())
    row = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_pk=str(person.pk)
    )
    assert row.filter(action=AuditEntry.Action.CREATE).exists()
    html = client.get(f"/admin/accounts/auditentry/{row.first().pk}/change/").content.decode()  # type: ignore[union-attr]
    assert "Okafor" in html


def a_message(recipient: User) -> Message:
    now = timezone.now()
    return Message.objects.create(
        recipient=recipient,
        kind=Kind.OPENED,
        subject="Now open: return home interview for C12 by Friday",
        body=f"{NAME[0]} {NAME[1]} was found at her aunt's flat; offer the interview.",
        link="/episodes/12/",
        message_id="<admin-test-1@homeward.invalid>",
        created_at=now,
        next_attempt_at=now,
    )


def test_messages_are_read_only_in_the_admin_and_their_text_is_hidden() -> None:
    message = a_message(UserFactory(role=Role.SOCIAL_WORKER))
    client = signed_in(administrator())
    listing = client.get("/admin/notifications/message/")
    assert listing.status_code == 200
    page = client.get(f"/admin/notifications/message/{message.pk}/change/")
    assert page.status_code == 200
    for html in (listing.content.decode(), page.content.decode()):
        shows_nothing_of_her(html)
        assert "interview for C12" not in html and "/episodes/12/" not in html
    assert 'name="body"' not in page.content.decode()
    planted = client.post(
        f"/admin/notifications/message/{message.pk}/change/",
        {"body": "Sign in again at https://phish.example/", "link": "https://phish.example/", "subject": "x"},
    )
    assert planted.status_code == 403
    assert client.get("/admin/notifications/message/add/").status_code == 403
    assert (
        client.post(f"/admin/notifications/message/{message.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    message.refresh_from_db()
    assert message.link == "/episodes/12/" and "phish" not in message.body


def test_no_authenticator_secret_is_shown_or_settable_in_the_admin() -> None:
    person = UserFactory(role=Role.SOCIAL_WORKER)
    device = totp_device(person)
    client = signed_in(administrator())
    listing = client.get("/admin/otp_totp/totpdevice/")
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert listing.status_code == 200 and page.status_code == 200
    secret = two_factor.secret(device).replace(" ", "")
    for html in (listing.content.decode(), page.content.decode()):
        assert device.key not in html and secret not in html and "otpauth://" not in html
    for view in ("config", "qrcode"):
        # django-otp's pages of the secret and its QR code are gone (the admin's catch-all
        # redirects to "no such authenticator").
        shown = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/{view}/", follow=True)
        assert device.key not in shown.content.decode() and b"otpauth" not in shown.content
        assert shown.get("Content-Type", "").startswith("text/html")
    assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 403
    changed = client.post(f"/admin/otp_totp/totpdevice/{device.pk}/change/", {"key": "00" * 20})
    assert changed.status_code == 403
    device.refresh_from_db()
    assert device.key != "00" * 20
    # A lost phone: the administrator removes the authenticator; the person sets up a new one.
    assert client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


def user_form(user: User, **changes: Any) -> dict[str, Any]:
    joined = timezone.localtime(user.date_joined)
    data: dict[str, Any] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": joined.strftime("%d/%m/%Y"),
        "date_joined_1": joined.strftime("%H:%M:%S.%f"),
        "role": user.role,
        "organisation": user.organisation_id or "",
        "team": user.team_id or "",
        "job_title": user.job_title,
        "phone": user.phone,
        "establishment": user.establishment_id or "",
    }
    if user.is_staff:
        data["is_staff"] = "on"
    if user.is_superuser:
        data["is_superuser"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_an_administrator_cannot_give_themselves_a_role_an_organisation_or_powers() -> None:
    authority = AuthorityFactory()
    admin = administrator()
    client = signed_in(admin)
    page = client.get(f"/admin/accounts/user/{admin.pk}/change/").content.decode()
    for field in ("role", "organisation", "team", "establishment", "groups", "is_superuser"):
        assert f'name="{field}"' not in page, field
    group = Group.objects.create(name="Coordinators")
    client.post(
        f"/admin/accounts/user/{admin.pk}/change/",
        user_form(
            admin,
            role=Role.MISSING_COORDINATOR,
            organisation=authority.pk,
            team=TeamFactory(organisation=authority).pk,
            establishment=EstablishmentFactory().pk,
            groups=[group.pk],
        ),
    )
    admin.refresh_from_db()
    assert (admin.role, admin.organisation_id, admin.team_id, admin.establishment_id) == (
        Role.ADMINISTRATOR,
        None,
        None,
        None,
    )
    assert not admin.groups.exists()


def test_no_other_path_lets_a_person_change_their_own_role_or_organisation() -> None:
    authority = AuthorityFactory()
    person = UserFactory(role=Role.SOCIAL_WORKER, organisation=authority)
    other: Organisation = AuthorityFactory(name="Shropshire Council")
    for change in ({"role": Role.MISSING_COORDINATOR}, {"organisation": other}, {"is_superuser": True}):
        me = User.objects.get(pk=person.pk)
        for field, value in change.items():
            setattr(me, field, value)
        with acting_as(me), pytest.raises(PermissionDenied):
            me.save()
    everything = Group.objects.create(name="Everything")
    # (In a savepoint: the refusal rolls the change back, as a request's transaction would.)
    with pytest.raises(PermissionDenied), transaction.atomic(), acting_as(person):
        person.groups.add(everything)
    with pytest.raises(PermissionDenied), transaction.atomic(), acting_as(person):
        everything.user_set.add(person)
    person.refresh_from_db()
    assert (person.role, person.organisation_id, person.is_superuser) == (
        Role.SOCIAL_WORKER,
        authority.pk,
        False,
    )
    assert not person.groups.exists()
    # Their own name or phone number they may change; and someone else may change their role.
    with acting_as(person):
        person.phone = "01432 260000"
        person.save()
    colleague = administrator()
    with acting_as(colleague):
        person.role = Role.TEAM_MANAGER
        person.save()
    assert User.objects.get(pk=person.pk).role == Role.TEAM_MANAGER


def test_every_change_to_a_person_is_on_the_audit_trail_with_who_made_it() -> None:
    admin = administrator()
    person = UserFactory(role=Role.SOCIAL_WORKER, organisation=AuthorityFactory())
    client = signed_in(admin)
    done = client.post(
        f"/admin/accounts/user/{person.pk}/change/", user_form(person, role=Role.MISSING_COORDINATOR)
    )
    assert done.status_code == 302, re.findall(
        r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', done.content.decode()
    )
    trail = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_pk=str(person.pk)
    ).order_by("pk")
    change = trail.filter(action=AuditEntry.Action.UPDATE, actor=admin).get()
    assert change.actor == admin
    assert change.changes_dict["role"] == [Role.SOCIAL_WORKER, Role.MISSING_COORDINATOR]
    # A new password is recorded as changed, never copied.
    with set_actor(admin):
        person.set_password("another-long-passphrase")
        person.save()
    latest = trail.filter(action=AuditEntry.Action.UPDATE).latest("pk")
    assert latest.changes_dict["password"] == ["(set)", "(set)"]
    assert not trail.filter(changes__icontains=person.password.rsplit("$", 1)[-1][-12:]).exists()
    # Giving someone a group (and so permissions) is a change to them too.
    with set_actor(admin):
        person.groups.add(Group.objects.create(name="Auditors"))
    assert trail.filter(changes__icontains="Auditors").exists()
    # So is removing their authenticator, without the secret ever being copied.
    device = totp_device(person)
    with set_actor(admin):
        device.delete()
    rows = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(TOTPDevice))
    assert rows.filter(action=AuditEntry.Action.DELETE, actor=admin).exists()
    assert not any(device.key in str(row.changes) + str(row.serialized_data) for row in rows)


@pytest.mark.parametrize(
    "url",
    ["/admin/accounts/organisation/{authority}/delete/", "/admin/children/establishment/{home}/delete/"],
)
def test_deleting_an_organisation_or_a_home_is_not_offered_it_would_list_the_children(url: str) -> None:
    authority = AuthorityFactory()
    home = EstablishmentFactory()
    child = ChildFactory(responsible_authority=authority, first_name=NAME[0], last_name=NAME[1])
    start_placement(child, establishment=home, at=timezone.now(), by=None)
    response = signed_in(administrator()).get(url.format(authority=authority.pk, home=home.pk))
    assert response.status_code == 403
    shows_nothing_of_her(response.content.decode())


def test_deleting_a_person_is_not_offered_deactivate_instead() -> None:
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    child = ChildFactory(allocated_worker=worker, first_name=NAME[0], last_name=NAME[1])
    signed_in(worker).get(f"/children/{child.pk}/")
    response = signed_in(administrator()).get(f"/admin/accounts/user/{worker.pk}/delete/")
    assert response.status_code == 403
    shows_nothing_of_her(response.content.decode())


def test_changes_that_decide_who_sees_children_are_audited_too() -> None:
    """A force told of an authority's episodes, a team's manager, a home's area and an authority's
    emergency duty team each decide who sees which children: their changes are on the trail."""
    from homeward.children.models import Establishment
    from homeward.notifications.models import OutOfHours

    admin = administrator()
    authority = AuthorityFactory()
    team = TeamFactory(organisation=authority)
    home = EstablishmentFactory()
    force = Organisation.objects.create(name="West Mercia Police", kind="police_force")
    with set_actor(admin):
        authority.police_force = force
        authority.save()
        team.manager = UserFactory(role=Role.TEAM_MANAGER, organisation=authority)
        team.save()
        home.area = authority
        home.save()
        OutOfHours.objects.create(organisation=authority, emergency_duty_team=team)
    for model, pk, field in (
        (Organisation, authority.pk, "police_force"),
        (type(team), team.pk, "manager"),
        (Establishment, home.pk, "area"),
    ):
        row = AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_pk=str(pk), actor=admin
        ).latest("pk")
        assert field in row.changes_dict, model
    out_of_hours = AuditEntry.objects.get(content_type=ContentType.objects.get_for_model(OutOfHours))
    assert out_of_hours.actor == admin and "emergency_duty_team" in out_of_hours.changes_dict
    html = signed_in(administrator()).get("/admin/accounts/auditentry/").content.decode()
    assert "West Mercia Police" in html
