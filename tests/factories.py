"""Factories for the web tests: real rows in the real test database."""

from __future__ import annotations

import time
from datetime import date
from functools import cache

import factory
from django.contrib.auth.hashers import make_password
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.accounts import idle, two_factor
from homeward.accounts.models import Organisation, OrganisationKind, Role, Team, User
from homeward.children.models import Child, Establishment, PlacementType

PASSWORD = "correct-horse-battery-staple"


@cache
def hashed_password() -> str:
    """The test password hashed once per process, with the production hasher.

    Hashing it per user (``set_password``) spent about a second of PBKDF2 on every person a
    test made, most of the suite's time; signing in still checks a real hash.
    """
    return make_password(PASSWORD)


def surname() -> factory.LazyFunction:
    """An en_GB surname with no character HTML escapes ("O'Brien" shows as O&#x27;Brien), so a
    test that looks for the name in a page finds it whatever Faker picks."""
    from faker import Faker

    fake = Faker("en_GB")
    return factory.LazyFunction(lambda: fake.last_name().replace("'", ""))


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = "Herefordshire Council"
    kind = OrganisationKind.LOCAL_AUTHORITY
    protocol = "west-mercia"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organisation = factory.SubFactory(AuthorityFactory)
    name = factory.Sequence(lambda n: f"Children in Care Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = surname()
    organisation = factory.SubFactory(AuthorityFactory)
    role = Role.SOCIAL_WORKER
    password = factory.LazyFunction(hashed_password)


class EstablishmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Establishment

    name = factory.Sequence(lambda n: f"Oak House {n}")
    type = PlacementType.RESIDENTIAL


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    responsible_authority = factory.SubFactory(AuthorityFactory)
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = surname()
    date_of_birth = date(2011, 4, 2)
    looked_after = True


# The RFC 6238 test key: every test user's authenticator app (see totp_device).
TOTP_KEY = "3132333435363738393031323334353637383930"


def totp_device(user: User) -> TOTPDevice:
    """The user's confirmed authenticator, given the test key if they have none yet."""
    return two_factor.confirmed_device(user) or two_factor.give_device(user, TOTP_KEY)


def current_code(user: User) -> str:
    """The 6-digit code the user's authenticator app shows now (what a browser test types).

    django-otp accepts each code once: a second sign-in as the same user within the same
    30 seconds would be refused as a replay, and a code right after a wrong one is held back
    by django-otp's throttle. Tests may sign in as one user many times, so the device forgets
    both (tests only; the service never does this)."""
    device = totp_device(user)
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    return two_factor.current_code(device)


def sign_in(client: Client, user: User) -> Client:
    """Sign ``client`` in as ``user`` with both factors verified (the pages' own sign-in is tested in
    tests/web/test_sign_in.py; this skips the slow password hash and the one-use-per-30-s code)."""
    device = totp_device(user)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    # As the real sign-in leaves it: just pushed on, so the next page does not save it again.
    session[idle.SEEN_KEY] = int(time.time())
    session.save()
    return client


def signed_in(user: User) -> Client:
    """A new test client signed in as ``user``."""
    return sign_in(Client(), user)
