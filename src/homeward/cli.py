"""The ``homeward`` command.

``replay`` and ``check-pack`` run the protocol engine alone (no Django, no
database). Every other command is the Django management command of that name:
``homeward migrate``, ``homeward export-case C12``, ``homeward runserver`` ...
"""

from __future__ import annotations

import argparse
import os
import sys

from homeward.protocols.replay import run_check_pack, run_replay

ENGINE_COMMANDS = ("replay", "check-pack")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] not in ENGINE_COMMANDS and not argv[0].startswith("-"):
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.settings.base")
        from django.core.management import execute_from_command_line

        # Django names commands with underscores; `homeward export-case` reads better.
        execute_from_command_line(["homeward", argv[0].replace("-", "_"), *argv[1:]])
        return 0

    parser = argparse.ArgumentParser(
        prog="homeward",
        description="Homeward command line. Besides the commands below, any Django management "
        "command (migrate, runserver, export-case, demo-data ...) runs as `homeward COMMAND`.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    replay = commands.add_parser("replay", help="evaluate a protocol pack against a case file")
    replay.add_argument("file", help="case file (JSON, or YAML with a .yaml suffix)")
    replay.add_argument("--as-of", dest="as_of", help="ISO-8601 instant with a UTC offset")
    replay.add_argument(
        "--protocol", help="pack name (e.g. wakefield), NAME@VERSION, or path to a pack YAML file"
    )
    replay.add_argument(
        "--explain", action="store_true", help="say why each obligation is due (because, reason: REPLAY.md)"
    )

    check = commands.add_parser("check-pack", help="validate protocol pack files")
    check.add_argument(
        "files", nargs="+", help="pack YAML files (each runs the tests in NAME/tests/*.json beside it)"
    )
    check.add_argument("--require-tests", action="store_true", help="fail a pack that has no tests beside it")

    args = parser.parse_args(argv)
    if args.command == "replay":
        return run_replay(args.file, args.as_of, args.protocol, explain=args.explain)
    return run_check_pack(args.files, require_tests=args.require_tests)


if __name__ == "__main__":
    sys.exit(main())
