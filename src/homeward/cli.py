"""The ``homeward`` command."""

from __future__ import annotations

import argparse
import sys

from homeward.protocols.replay import run_check_pack, run_replay


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="homeward", description="Homeward command line")
    commands = parser.add_subparsers(dest="command", required=True)

    replay = commands.add_parser("replay", help="evaluate a protocol pack against a case file")
    replay.add_argument("file", help="case file (JSON, or YAML with a .yaml suffix)")
    replay.add_argument("--as-of", dest="as_of", help="ISO-8601 instant with a UTC offset")
    replay.add_argument("--protocol", help="pack name (e.g. wakefield) or path to a pack YAML file")

    check = commands.add_parser("check-pack", help="validate protocol pack files")
    check.add_argument("files", nargs="+", help="pack YAML files")

    args = parser.parse_args(argv)
    if args.command == "replay":
        return run_replay(args.file, args.as_of, args.protocol)
    if args.command == "check-pack":
        return run_check_pack(args.files)
    parser.error(f"unknown command {args.command}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
