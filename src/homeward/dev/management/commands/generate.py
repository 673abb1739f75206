"""``homeward generate --authorities N --children N --years N [--seed S]``: synthetic data at scale."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from homeward.bench.generate import GenerateError, Options, generate


def whole(option: str, value: str | None, default: int | None = None) -> int:
    if value is None:
        if default is None:
            raise CommandError(f"{option}: required")
        return default
    try:
        return int(value)
    except ValueError:
        raise CommandError(f"{option}: {value!r} is not a whole number") from None


class Command(BaseCommand):
    help = (
        "Fill the database with synthetic authorities, people, homes, children, episodes, events and "
        "the obligations the protocol engine gives for them (bulk inserts; COPY on PostgreSQL). "
        "About three episodes per child on average."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # Strings, checked here: a bad value is one line naming the option, not argparse's usage text.
        parser.add_argument("--authorities", help="local authorities (England has 153)")
        parser.add_argument("--children", help="children, spread unevenly over the authorities")
        parser.add_argument("--years", help="years of history, ending now")
        parser.add_argument("--seed", help="random seed [1]: the same seed gives the same data")
        parser.add_argument("--workers", help="worker processes on PostgreSQL [the number of CPUs]")

    def handle(self, *args: Any, **options: Any) -> None:
        chosen = Options(
            authorities=whole("--authorities", options["authorities"]),
            children=whole("--children", options["children"]),
            years=whole("--years", options["years"]),
            seed=whole("--seed", options["seed"], 1),
            workers=whole("--workers", options["workers"], os.cpu_count() or 1),
        )
        try:
            result = generate(chosen, progress=lambda line: self.stderr.write(line))
        except GenerateError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(" ".join(f"{k}={v}" for k, v in result.items()))
