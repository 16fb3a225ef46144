"""`safeguarding board-pack`: the board pack as an Excel workbook.

    safeguarding board-pack --as-of 2026-11-28 --role governor --out pack.xlsx
    safeguarding board-pack --as-of 2026-11-28 --role local_governor --academy OAK \
        --out oak.xlsx [--from D --to D] [--trust-name NAME] [--db PATH]

The cover names the trust: --trust-name, else `name` in config/trust.toml, else "Multi-academy
trust (N academies)". Governor packs hide small numbers (product.md §5); the trust lead's pack
is unsuppressed and adds the record lists behind the figures. Exit status: 0 written, 1 the
pack could not be made (no database, no calendar, a config error such as a broken
config/trust.toml, the file could not be written), 2 usage errors.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from pathlib import Path

from safeguarding import (
    access_log,
    board_pack,
    cli,
    clock,
    database,
    metrics,
    metrics_definitions,
    standards,
)
from safeguarding.commands.metrics import add_known_at_option, known_at_from


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "board-pack",
        help="write the board pack (Excel) for a trust board, a local governing body or the lead",
        description=(
            "Write the safeguarding board pack as an Excel workbook: a cover, one sheet per area "
            "with charts, trends by term and the definitions. Governor packs show small counts "
            "of children (1 to the suppression threshold in config/standards.toml, 5 by "
            "default) as c."
        ),
    )
    parser.add_argument(
        "--as-of",
        dest="as_of",
        metavar="DATE",
        type=cli.iso_date,
        help="the date the figures are taken at, YYYY-MM-DD (default: today)",
    )
    parser.add_argument(
        "--role",
        required=True,
        choices=board_pack.ROLES,
        help="who the pack is for: trust_lead (unsuppressed, with record lists), governor "
        "(every academy) or local_governor (one academy and the trust totals)",
    )
    parser.add_argument(
        "--academy", metavar="CODE", help="the academy of a local governor's pack (required then)"
    )
    parser.add_argument(
        "--out", required=True, type=Path, metavar="FILE", help="the .xlsx file to write"
    )
    parser.add_argument(
        "--from",
        dest="from_on",
        metavar="DATE",
        type=cli.iso_date,
        help="first day of the event window (default: 364 days before --to)",
    )
    parser.add_argument(
        "--to",
        dest="to_on",
        metavar="DATE",
        type=cli.iso_date,
        help="last day of the event window (default: the as-of date)",
    )
    parser.add_argument(
        "--trust-name",
        dest="trust_name",
        metavar="NAME",
        help="the trust's name for the cover (default: name in config/trust.toml)",
    )
    add_known_at_option(parser)
    cli.add_db_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    as_of = args.as_of or clock.today()
    try:
        clock.refuse_future(as_of, "--as-of")
        known_at = known_at_from(args)
    except (clock.FutureDate, metrics.ScopeError) as problem:
        return _usage_error(str(problem))
    if args.role == "local_governor" and not args.academy:
        return _usage_error(
            "--role local_governor needs --academy CODE: the pack is for one academy."
        )
    try:
        with database.reader(args.db) as con:
            content = board_pack.build_board_pack(
                con,
                as_of,
                args.role,
                args.academy,
                args.from_on,
                args.to_on,
                trust_name=args.trust_name,
                known_at=known_at,
                on_records=functools.partial(_log_records, args),
            )
    except board_pack.BoardPackError as problem:
        return _usage_error(str(problem))
    except (
        board_pack.NothingToReport,
        board_pack.TrustFileError,
        database.DatabaseMissing,
        metrics.CalendarMissing,
        standards.StandardsError,
        metrics_definitions.MetricDefinitionsError,
        access_log.AccessLogUnavailable,
    ) as problem:
        print(f"board-pack: {problem}", file=sys.stderr)
        return cli.EXIT_REFUSED
    try:
        _write_atomically(args.out, content)
    except OSError as problem:
        print(
            f"board-pack: could not write {args.out}: {problem.strerror or problem}. Check the "
            "folder exists and the file is not open in another program.",
            file=sys.stderr,
        )
        return cli.EXIT_REFUSED
    audience = f"{args.role} {args.academy.strip().upper()}" if args.academy else args.role
    print(f"Board pack for {audience}, as of {as_of}, written to {args.out}.")
    return cli.EXIT_OK


def _usage_error(message: str) -> int:
    print(f"board-pack: {message}", file=sys.stderr)
    return cli.EXIT_USAGE


def _write_atomically(path: Path, content: bytes) -> None:
    """A reader never sees half a workbook: write beside the target, then rename over it."""
    scratch = path.with_name(f".{path.name}.writing-{os.getpid()}")
    try:
        scratch.write_bytes(content)
        os.replace(scratch, path)
    finally:
        scratch.unlink(missing_ok=True)


def _log_records(args: argparse.Namespace, name: str, records) -> None:
    """A record sheet of the pack, in the access log as an export (before it is written)."""
    academies = records["academy_code"].dropna().unique() if "academy_code" in records else ()
    access_log.record(
        database.resolve_db_path(args.db),
        access_log.command_line_user(),
        args.role,
        f"board_pack:{name}",
        academies,
        len(records),
        access_log.keys_shown(records),
        kind="export",
    )
