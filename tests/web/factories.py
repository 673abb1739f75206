"""Factories for the web tests: real rows in the real test database."""

from __future__ import annotations

from datetime import date

import factory
from django.test import Client

from homeward.accounts.models import Organisation, OrganisationKind, Role, Team, User
from homeward.children.models import Child, Establishment, PlacementType

PASSWORD = "correct-horse-battery-staple"


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
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    organisation = factory.SubFactory(AuthorityFactory)
    role = Role.SOCIAL_WORKER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


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
    last_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = date(2011, 4, 2)
    looked_after = True


def sign_in(client: Client, user: User) -> Client:
    """Sign ``client`` in as ``user`` the way the pages do (password, then the second factor)."""
    assert client.login(username=user.username, password=PASSWORD)
    return client


def signed_in(user: User) -> Client:
    """A new test client signed in as ``user``."""
    return sign_in(Client(), user)
