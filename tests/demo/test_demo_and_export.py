"""The demo data set, and ``export-case`` against the engine: an export of any child
replays (``homeward replay``) to exactly the obligations the application stores."""

from __future__ import annotations

import json
import sys
from base64 import b32encode
from collections import Counter
from datetime import date, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.accounts import two_factor
from homeward.accounts.models import Organisation, OrganisationKind, Role, User
from homeward.casework.children import save_child
from homeward.casework.episodes import record_found, report_episode
from homeward.casework.evaluation import reevaluate
from homeward.casework.placements import start_placement
from homeward.children.models import Child, Establishment, Placement, PlacementType
from homeward.dev.management.commands.demo_data import DEMO_PASSWORD, DEMO_TOTP_KEY, DEMO_USERS
from homeward.episodes.models import Episode, Event
from homeward.notifications.models import Delivery, Kind, Message, OutOfHours
from homeward.obligations.models import Obligation
from homeward.protocols.replay import replay

HOMEWARD = Path(sys.executable).with_name("homeward")

Key = tuple[str, str, str | None, str | None, int | None, datetime, datetime | None, str]


def counts() -> dict[str, int]:
    models = [User, Child, Establishment, Placement, Episode, Event, Obligation]
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.django_db
def test_demo_data_has_a_user_for_every_role_children_and_current_episodes(demo: str) -> None:
    for role in Role:
        assert User.objects.filter(role=role).exists(), role
    for username, role, *_ in DEMO_USERS:
        user = User.objects.get(username=username)
        assert user.role == role
        assert user.check_password(DEMO_PASSWORD)
        assert username in demo
    assert DEMO_PASSWORD in demo
    assert User.objects.get(username="admin").is_superuser
    carer = User.objects.get(username="carer")
    assert carer.establishment is not None and carer.establishment.type == PlacementType.RESIDENTIAL
    assert Placement.objects.filter(out_of_area=True).exists()

    children = Child.objects.all()
    assert 30 <= children.count() <= 50
    assert children.filter(looked_after=True).exists() and children.filter(looked_after=False).exists()
    per_child = Counter(Episode.objects.values_list("child_id", flat=True))
    assert sum(1 for c in children if per_child[c.pk] <= 1) > children.count() / 2
    assert any(n >= 5 for n in per_child.values())

    now = timezone.now()
    current = Episode.objects.filter(found_at__isnull=True)
    assert 4 <= current.count() <= 6
    for episode in current:
        assert now - timedelta(hours=61) <= episode.reported_at <= now
    assert not Event.objects.filter(at__gt=now).exists()
    # Something is closed and something is still to do.
    assert Obligation.objects.exclude(outcome="").exclude(outcome="cancelled").exists()
    assert Obligation.objects.outstanding(now).exists()


@pytest.mark.django_db
def test_every_demo_user_signs_in_with_the_demo_authenticator_key(demo: str) -> None:
    assert "homeward totp USERNAME" in demo
    assert b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode() in demo
    for username, *_ in DEMO_USERS:
        device = two_factor.confirmed_device(User.objects.get(username=username))
        assert device is not None and device.key == DEMO_TOTP_KEY, username
    client = Client()
    client.post("/sign-in/", {"username": "coordinator", "password": DEMO_PASSWORD})
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("totp", "coordinator", stdout=out)
    assert client.post("/sign-in/code/", {"code": out.getvalue().strip()}).status_code == 302
    board = client.get("/")
    assert board.status_code == 200 and "Currently missing" in board.content.decode()
    # One restricted record, which the coordinator sees and a colleague not named does not.
    sealed = Child.objects.get(sealed=True)
    assert client.get(f"/children/{sealed.pk}/").status_code == 200
    assert User.objects.get(username="senior") not in sealed.sealed_to.all()
    # The police see what their force was told of on the same board.
    assert Episode.objects.filter(police_force__name="West Mercia Police").exists()


@pytest.mark.django_db
def test_demo_data_a_second_time_changes_nothing(demo: str) -> None:
    before = counts()
    out = StringIO()
    call_command("demo_data", stdout=out)
    assert counts() == before
    assert "already there" in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()


@pytest.mark.django_db
def test_a_demo_built_before_two_factor_sign_in_gets_the_demo_key(demo: str) -> None:
    TOTPDevice.objects.filter(user__username="sw").delete()
    call_command("demo_data", stdout=StringIO())
    device = two_factor.confirmed_device(User.objects.get(username="sw"))
    assert device is not None and device.key == DEMO_TOTP_KEY


def replayed_keys(result: dict[str, Any], reference: str) -> Counter[Key]:
    def instant(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value) if value else None

    keys: Counter[Key] = Counter()
    for o in result["obligations"]:
        if o["child"] == reference:
            opens_at = instant(o["opens_at"])
            assert opens_at is not None
            keys[
                (
                    o["rule"],
                    o["child"],
                    o["episode"],
                    o["recipient"],
                    o["level"],
                    opens_at,
                    instant(o["due_at"]),
                    o["status"],
                )
            ] += 1
    return keys


def stored_keys(child: Child, now: datetime) -> Counter[Key]:
    return Counter(
        (
            o.rule,
            child.reference,
            f"E{o.episode_id}" if o.episode_id else None,
            o.recipient or None,
            o.level,
            o.opens_at,
            o.due_at,
            o.status(now),
        )
        for o in Obligation.objects.filter(child=child, opens_at__lte=now)
    )


@pytest.mark.django_db
def test_every_demo_child_exported_replays_to_the_stored_obligations(demo: str, tmp_path: Path) -> None:
    now = timezone.now()
    # Re-evaluate as the application would, at the instant the exports are evaluated at.
    with transaction.atomic():
        reevaluate(Child.objects.order_by("pk"), now)
    as_of = now.isoformat()
    compared: Counter[str] = Counter()
    for child in Child.objects.order_by("pk"):
        path = tmp_path / f"{child.reference}.json"
        call_command("export_case", child.reference, out=str(path), as_of=as_of, stdout=StringIO())
        result = replay(path, as_of=as_of)
        replayed = replayed_keys(result, child.reference)
        assert replayed == stored_keys(child, now), child.reference
        compared.update(key[-1] for key in replayed.elements())
    # The comparison covered obligations in every state the demo should show.
    assert {"open", "overdue", "done", "declined", "not_required", "cancelled"} <= set(compared), compared
    assert sum(compared.values()) > 150


@pytest.mark.django_db
def test_export_case_takes_the_number_and_refuses_unknown_children(demo: str) -> None:
    child = Child.objects.order_by("pk").first()
    assert child is not None
    out = StringIO()
    call_command("export_case", str(child.pk), stdout=out)
    case = json.loads(out.getvalue())
    assert case["protocol"] == "west-mercia"
    assert child.reference in [c["id"] for c in case["children"]]
    with pytest.raises(CommandError, match="No child 'C999999'"):
        call_command("export_case", "C999999", stdout=StringIO())
    with pytest.raises(CommandError, match="no UTC offset"):
        call_command("export_case", child.reference, as_of="2026-01-01T09:00", stdout=StringIO())


@pytest.mark.django_db
def test_a_write_to_one_child_keeps_the_establishment_obligations_of_the_children_it_lived_with() -> None:
    """Obligations are evaluated over every child connected through the homes they lived in:
    re-storing X's obligations from a write to Y must not lose Z's episodes at X's other home."""
    la = Organisation.objects.create(
        name="Test Council", kind=OrganisationKind.LOCAL_AUTHORITY, protocol="west-mercia"
    )
    first, second = (
        Establishment.objects.create(name=name, type=PlacementType.RESIDENTIAL, area=la)
        for name in ("One", "Two")
    )
    now = timezone.now().replace(microsecond=0)

    def child(name: str) -> Child:
        return save_child(
            Child(
                responsible_authority=la, first_name=name, last_name="Test", date_of_birth=date(2011, 5, 1)
            ),
            by=None,
        )

    x, y, z = child("X"), child("Y"), child("Z")
    start_placement(y, establishment=first, at=now - timedelta(days=300), by=None)
    start_placement(x, establishment=first, at=now - timedelta(days=300), by=None)
    start_placement(z, establishment=second, at=now - timedelta(days=300), by=None)
    start_placement(x, establishment=second, at=now - timedelta(days=200), by=None)
    # Twenty missing episodes at the second home, then X's is the twenty-first: an organisational review.
    for i in range(20):
        reported = now - timedelta(days=150 - 5 * i)
        episode = report_episode(
            z, category="missing", reported_at=reported, last_seen_at=None, police_informed=True, by=None
        )
        record_found(episode, at=reported + timedelta(hours=3), by=None)
    reported = now - timedelta(days=20)
    episode = report_episode(
        x, category="missing", reported_at=reported, last_seen_at=None, police_informed=True, by=None
    )
    record_found(episode, at=reported + timedelta(hours=3), by=None)
    reviews = Obligation.objects.filter(child=x, rule="west-mercia/organisational-review")
    if not reviews.exists():
        pytest.fail("set-up: the 21st episode at the second home should raise an organisational review")

    # Y only ever lived at the first home; changing Y's record must not touch X's review.
    save_child(y, by=None)
    assert reviews.exists()


@pytest.mark.django_db
def test_the_demo_has_an_emergency_duty_team_told_of_what_opens_out_of_hours(demo: str) -> None:
    """Wakefield s.3 and s.9: out of hours the emergency duty team hears of new work. The demo
    authority has one; its demo sign-in has messages about duties that opened at night."""
    arrangement = OutOfHours.objects.get(organisation__name=User.objects.get(username="sw").organisation.name)
    assert arrangement.emergency_duty_team is not None
    assert User.objects.get(username="edt") in arrangement.emergency_duty_team.members.all()
    assert Message.objects.filter(recipient__username="edt", kind=Kind.OUT_OF_HOURS).exists()


@pytest.mark.django_db
def test_demo_messages_about_old_duties_were_delivered_and_read_at_the_time(demo: str) -> None:
    now = timezone.now()
    unread = Message.objects.filter(read_at__isnull=True)
    assert unread.exists()
    assert not unread.filter(obligation__opens_at__lt=now - timedelta(days=2)).exists()
    old = Message.objects.filter(obligation__opens_at__lt=now - timedelta(days=2))
    assert old.exists() and not old.exclude(delivery=Delivery.SENT).exists()
    # The worker has only recent messages left to send.
    assert Message.objects.filter(delivery=Delivery.PENDING).count() < Message.objects.count() / 2


@pytest.mark.django_db
def test_the_duty_worker_opens_every_record_their_messages_still_give_them(demo: str) -> None:
    """The out-of-hours worker's messages: each opens its record while the duty is theirs (open,
    and the out-of-hours period not over); any other says so instead of linking to a 404."""
    from tests.factories import signed_in

    edt = User.objects.get(username="edt")
    client = signed_in(edt)
    now = timezone.now()
    told = Message.objects.filter(recipient=edt).exclude(kind=Kind.DIGEST).select_related("obligation")
    assert told.exists()
    for message in told:
        path = message.link.removeprefix(settings.HOMEWARD_BASE_URL)
        obligation = message.obligation
        theirs = (
            obligation is not None
            and obligation.is_outstanding
            and (message.acts_until is None or message.acts_until > now)
        )
        page = client.get(f"/inbox/{message.pk}/").content.decode()
        linked = f'href="{message.link}"' in page
        # Another message may still give the same episode: then this one links to it too.
        assert linked or not theirs, message.subject
        assert client.get(path).status_code == (200 if linked else 404), message.subject
