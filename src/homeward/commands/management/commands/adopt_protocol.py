"""``homeward adopt-protocol --authority NAME --pack NAME[@VERSION] --from ISO --reason TEXT --by USERNAME``.

Records that the authority works to a shipped pack from an instant (``casework.protocols``): by
its Missing Children Coordinator or a senior manager, with a reason, from now on; audited. Duties
already raised keep the version that raised them. Bad input is one line naming the option.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from homeward.accounts.models import Organisation, OrganisationKind, User
from homeward.casework.protocols import adopt_protocol

OPTIONS = {"pack": "--pack", "in_force_from": "--from", "reason": "--reason", "authority": "--authority"}


class Command(BaseCommand):
    help = "Record that a local authority adopts a protocol pack version from an instant."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--authority", required=True, help="the local authority's name")
        parser.add_argument("--pack", required=True, help="a shipped pack's name, or NAME@VERSION")
        parser.add_argument("--from", dest="in_force_from", required=True, help="ISO-8601 with a UTC offset")
        parser.add_argument("--reason", required=True, help="why (kept with the adoption)")
        parser.add_argument("--by", required=True, help="the username of the coordinator or senior manager")

    def handle(self, *args: Any, **options: Any) -> None:
        authority = Organisation.objects.filter(
            kind=OrganisationKind.LOCAL_AUTHORITY, name__iexact=options["authority"].strip()
        ).first()
        if authority is None:
            raise CommandError(f"--authority: no local authority named {options['authority']!r}")
        by = User.objects.filter(username=options["by"], is_active=True).first()
        if by is None:
            raise CommandError(f"--by: no active user {options['by']!r}")
        try:
            start = datetime.fromisoformat(options["in_force_from"])
        except ValueError:
            raise CommandError(f"--from: not an ISO-8601 timestamp: {options['in_force_from']!r}") from None
        if start.tzinfo is None:
            raise CommandError("--from: the timestamp has no UTC offset (add Z or +01:00)")
        pack, _, version = options["pack"].partition("@")
        try:
            record = adopt_protocol(
                authority,
                pack=pack,
                version=version or None,
                in_force_from=start,
                reason=options["reason"],
                by=by,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                field, messages = next(iter(exc.message_dict.items()))
                raise CommandError(f"{OPTIONS.get(field, '--by')}: {messages[0]}") from None
            raise CommandError(f"--by: {exc.messages[0]}") from None
        self.stdout.write(f"{authority.name} works to {record} (recorded).")
