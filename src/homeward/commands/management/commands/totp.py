"""``homeward totp USERNAME``: the current sign-in code of a development or demo account."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from homeward.accounts import two_factor
from homeward.accounts.models import User


class Command(BaseCommand):
    help = (
        "Print the 6-digit code USERNAME's authenticator app shows now, to sign in to a development "
        "or demo copy without a phone. Refuses unless DEBUG is on: never on a live service."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("homeward totp works only in development (HOMEWARD_DEBUG on).")
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user '{options['username']}'.")
        device = two_factor.confirmed_device(user)
        if device is None:
            raise CommandError(
                f"'{user.username}' has no authenticator yet: sign in with the password to set one up."
            )
        self.stdout.write(two_factor.current_code(device))
