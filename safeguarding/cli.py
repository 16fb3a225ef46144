"""`python -m safeguarding COMMAND`: one module per command in safeguarding/commands/.

Exit status (SPEC §6): 0 success, 1 when a file was refused (or the work could not be done),
2 on usage errors.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys

from safeguarding import commands as command_modules

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m safeguarding",
        description="Safeguarding governance dashboard: load exports, compute metrics.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    # Every module in safeguarding/commands/ is a command: register(subparsers) adds its
    # parser and sets `run`.
    for module in sorted(m.name for m in pkgutil.iter_modules(command_modules.__path__)):
        importlib.import_module(f"safeguarding.commands.{module}").register(commands)
    return parser


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        help="database file (default data/trust.duckdb, or $SAFEGUARDING_DB)",
    )


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
