"""Nobody changes their own role, organisation, team, home or powers, whatever the path.

A person's role and organisation decide which children they may see
(``access.relationships``); an administrator who could make themselves the
Missing Children Coordinator would see every child of the authority. So a
change to those fields, or to a person's groups and permissions, is refused
when the person acting is the person changed: in the admin (whose form shows
them read-only on your own account), and on any other path that saves a
person while someone is signed in. Someone else may make the change, and it
is on the audit trail (``access.audit.register``). Commands run at the
server's shell act as nobody and are not limited.

``User`` saves are checked by a pre_save receiver and group and permission
changes by m2m_changed receivers (``connect``, from the app's ``ready``). Who
is acting is set for each request by ``ActingPersonMiddleware`` (the
signed-in person) and reset when the request ends; ``acting_as`` sets it
elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models.signals import m2m_changed, pre_save
from django.http import HttpRequest, HttpResponse

from homeward.accounts.models import User

# The fields of a person that give them a relationship to children or powers over others.
SELF_LOCKED = ("role", "organisation_id", "team_id", "establishment_id", "is_staff", "is_superuser")

_acting: ContextVar[int | None] = ContextVar("homeward_acting_person", default=None)


@contextmanager
def acting_as(person: User | None) -> Iterator[None]:
    token = _acting.set(person.pk if person is not None else None)
    try:
        yield
    finally:
        _acting.reset(token)


class ActingPersonMiddleware:
    """The signed-in person is the one acting, for the length of their request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        with acting_as(user if isinstance(user, User) and user.is_authenticated else None):
            return self.get_response(request)


def refuse_changes_to_oneself(
    sender: Any, instance: User, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    """pre_save of a person: raise PermissionDenied if the person acting changes their own locked
    fields."""
    user = instance
    if raw or user.pk is None or _acting.get() != user.pk:
        return
    fields = [f for f in SELF_LOCKED if update_fields is None or f.removesuffix("_id") in update_fields]
    if not fields:
        return  # e.g. signing in, which saves only last_login
    stored = User.objects.filter(pk=user.pk).values(*fields).first()
    if stored is None:
        return
    changed = [f.removesuffix("_id") for f in fields if stored[f] != getattr(user, f)]
    if changed:
        raise PermissionDenied(f"Nobody may change their own {', '.join(changed)}.")


def refuse_own_groups_and_permissions(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    """m2m_changed on a person's groups or permissions, or the permissions of a group they are in:
    never by that person (from either side of the relation)."""
    me = _acting.get()
    if me is None or not action.startswith("pre_"):
        return
    if isinstance(instance, User):
        mine = instance.pk == me
    elif sender is Group.permissions.through:
        mine = instance.user_set.filter(pk=me).exists()
    else:  # a group's members, or a permission's holders, changed from the other side
        mine = me in (kwargs.get("pk_set") or ())
    if mine:
        raise PermissionDenied("Nobody may change their own groups or permissions.")


def connect() -> None:
    pre_save.connect(refuse_changes_to_oneself, sender=User, dispatch_uid="own_account.refuse_changes")
    for relation in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(
            refuse_own_groups_and_permissions,
            sender=relation,
            dispatch_uid=f"own_account.{relation.__name__}",
        )
