"""``homeward api_token create|revoke|list``: partner systems' tokens."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from homeward.accounts.models import Organisation
from homeward.api.models import SCOPES, ApiToken


class Command(BaseCommand):
    help = "Create, revoke or list the partner API's tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="make a token; it is printed once")
        create.add_argument("--organisation", required=True, help="the organisation's name, as in Homeward")
        create.add_argument("--name", required=True, help="the partner system, e.g. 'Niche RMS'")
        create.add_argument("--scopes", required=True, help=f"comma-separated: {','.join(SCOPES)}")
        revoke = actions.add_parser("revoke", help="revoke a token by its id")
        revoke.add_argument("id", type=int)
        actions.add_parser("list", help="every token, with its scopes and last use")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self.create(options["organisation"], options["name"], options["scopes"])
        elif action == "revoke":
            token = ApiToken.objects.filter(pk=options["id"]).first()
            if token is None:
                raise CommandError(f"id: there is no token {options['id']}")
            token.revoke()
            self.stdout.write(f"Revoked token {token.pk} ({token}).")
        else:
            for token in ApiToken.objects.select_related("organisation").order_by("pk"):
                state = f"revoked {token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else "active"
                used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
                self.stdout.write(
                    f"{token.pk}\t{token.key_prefix}…\t{token.organisation}\t{token.name}\t"
                    f"{','.join(token.scopes)}\tlast used {used}\t{state}"
                )

    def create(self, organisation_name: str, name: str, scope_text: str) -> None:
        organisation = Organisation.objects.filter(name=organisation_name).first()
        if organisation is None:
            raise CommandError(f"--organisation: there is no organisation called {organisation_name!r}")
        if not name.strip():
            raise CommandError("--name: give the partner system's name")
        scopes = list(dict.fromkeys(s.strip() for s in scope_text.split(",") if s.strip()))
        unknown = [s for s in scopes if s not in SCOPES]
        if unknown or not scopes:
            raise CommandError(
                f"--scopes: unknown {', '.join(unknown) or '(none given)'}; use {','.join(SCOPES)}"
            )
        token, text = ApiToken.issue(organisation, name.strip(), scopes)
        self.stderr.write(f"Token {token.pk} for {name.strip()} ({organisation}): shown once, keep it safe.")
        self.stdout.write(text)
