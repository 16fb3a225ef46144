"""`python -m safeguarding COMMAND`: one module per command in safeguarding/commands/.

Exit status (product.md §6): 0 success, 1 when a file was refused (or the work could not be done),
2 on usage errors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import pkgutil
import re
import sys

from safeguarding import clock, database
from safeguarding import commands as command_modules

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def command_modules_by_name() -> dict[str, str]:
    """Command name -> module: every module in safeguarding/commands/ is a command, named as
    its module with hyphens (board_pack -> board-pack)."""
    return {
        m.name.replace("_", "-"): m.name for m in pkgutil.iter_modules(command_modules.__path__)
    }


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of the one command `only` names: a command imports only
    its own modules, so `metrics` does not wait for the board pack's or the anonymiser's."""
    parser = argparse.ArgumentParser(
        prog="safeguarding",
        description="Safeguarding governance dashboard: load exports, compute metrics.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    # register(subparsers) adds the command's parser and sets `run`.
    for name, module in sorted(command_modules_by_name().items()):
        if only is None or name == only:
            importlib.import_module(f"safeguarding.commands.{module}").register(commands)
    return parser


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        help="database file (default data/trust.duckdb, or $SAFEGUARDING_DB)",
    )


def add_wait_option(parser: argparse.ArgumentParser) -> None:
    # Ingests and policy imports take the same write lock on the database.
    parser.add_argument(
        "--wait",
        type=float,
        default=database.DEFAULT_LOCK_WAIT_SECONDS,
        metavar="SECONDS",
        help="how long to wait for another import or ingest to finish (default %(default)s)",
    )


def iso_date(text: str) -> dt.date:
    """A date written YYYY-MM-DD (an argparse type). Python's fromisoformat alone would also
    take 20260331 and 2026-W13-2, which nobody means on a command line."""
    if _ISO_DATE.fullmatch(text.strip()):
        try:
            return dt.date.fromisoformat(text.strip())
        except ValueError:
            pass  # 2026-02-30: the right shape, but no such day
    raise argparse.ArgumentTypeError(
        f"{text!r} is not a date. Write it as YYYY-MM-DD, for example 2026-03-31."
    )


_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?")


def knowledge_time(text: str) -> dt.datetime:
    """A knowledge time, YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS] in local time: the database as it
    stood at that moment (a date alone: at the end of that day, or now if that is today). A
    moment after now is refused (clock.FutureDate)."""
    text = text.strip()
    now = clock.now()
    if _ISO_DATETIME.fullmatch(text):
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            moment = None
    else:
        day = iso_date(text) if _ISO_DATE.fullmatch(text) else None
        # A day's end, except today's, which is still going on: now.
        moment = None if day is None else dt.datetime.combine(day, dt.time.max)
        if day == now.date():
            moment = now
    if moment is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date or a time. Write YYYY-MM-DD or YYYY-MM-DD HH:MM, for "
            "example 2026-03-31 or 2026-03-31 17:30."
        )
    if moment > now:
        raise clock.FutureDate(
            f"--known-at {text} is after now ({now:%Y-%m-%d %H:%M}): the database cannot be "
            "read as it will be. Choose now or an earlier moment."
        )
    return moment


def positive_int(text: str) -> int:
    """A count of 1 or more (an argparse type)."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    named = argv[0] if argv and argv[0] in command_modules_by_name() else None
    parser = build_parser(only=named)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
