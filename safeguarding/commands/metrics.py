"""`safeguarding metrics`: every product.md §4 metric for an as-of date, unsuppressed.

    safeguarding metrics --as-of 2026-03-31 [--from D --to D] [--academy CODE ...]
                                   [--format json|csv|table] [--db PATH]

JSON is product.md §4's shape: a list of {"academy_code", "metric", "value", "numerator",
"denominator"}, one per academy and metric plus academy_code "TRUST". The figures are the trust
lead's view: no small-number suppression.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from typing import Any

from safeguarding import cli, clock, database, figures, metrics_definitions, sql, standards
from safeguarding.window import ScopeError, Window


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "metrics",
        help="print every metric for an as-of date (unsuppressed)",
        description=(
            "Compute every safeguarding metric for each academy and the trust at an as-of "
            "date. Events count when their date is in the window (default: the year ending on "
            "the as-of date); states are taken at the as-of date."
        ),
    )
    add_window_options(parser, "the figures")
    parser.add_argument(
        "--format",
        choices=("json", "csv", "table"),
        default="table",
        help="output format (default: table)",
    )
    cli.add_db_option(parser)
    parser.set_defaults(run=run)


def add_window_options(parser: argparse.ArgumentParser, what: str) -> None:
    """--as-of, --from, --to and --academy, as `metrics`, `attention` and others take them."""
    parser.add_argument(
        "--as-of",
        dest="as_of",
        metavar="DATE",
        help=f"the date {what} are taken at, YYYY-MM-DD (default: today)",
    )
    parser.add_argument(
        "--from",
        dest="date_from",
        metavar="DATE",
        help="first day of the event window (default: 364 days before --to)",
    )
    parser.add_argument(
        "--to",
        dest="date_to",
        metavar="DATE",
        help="last day of the event window (default: the as-of date)",
    )
    add_known_at_option(parser)
    parser.add_argument(
        "--academy",
        dest="academies",
        metavar="CODE",
        action="extend",
        nargs="+",
        help="only these academies (default: every academy in the trust reference)",
    )


def add_known_at_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--known-at",
        dest="known_at",
        metavar="WHEN",
        help=(
            "read the database as it stood then, YYYY-MM-DD or 'YYYY-MM-DD HH:MM' local time "
            "(default: now, the latest)"
        ),
    )


def known_at_from(args: argparse.Namespace) -> dt.datetime | None:
    """The --known-at moment, or None for the latest; malformed: ScopeError, future: FutureDate."""
    if not args.known_at:
        return None
    try:
        return cli.knowledge_time(args.known_at)
    except argparse.ArgumentTypeError as problem:
        raise ScopeError(f"--known-at {problem}") from None


def window_from(args: argparse.Namespace) -> Window:
    """The window the options give; a future as-of date is refused (clock.FutureDate)."""
    as_of = _date(args.as_of, "--as-of") if args.as_of else clock.today()
    clock.refuse_future(as_of, "--as-of")
    date_from = _date(args.date_from, "--from") if args.date_from else None
    date_to = _date(args.date_to, "--to") if args.date_to else None
    return Window.ending(as_of, date_from, date_to, known_at_from(args))


def run(args: argparse.Namespace) -> int:
    try:
        window = window_from(args)
    except (ScopeError, clock.FutureDate) as problem:
        return _usage_error(str(problem))
    try:
        the_standards = standards.load()
        # figures, not metrics: the command's rows never need a pandas frame
        with database.reader(args.db) as con:
            rows = figures.series_rows(con, [window], args.academies, the_standards)
            purged = (
                con.execute(
                    sql.load("status/purges_since"), {"known_at": window.known_at}
                ).fetchall()
                if window.known_at is not None
                else []
            )
    except ScopeError as problem:
        return _usage_error(str(problem))
    except (
        database.DatabaseMissing,
        figures.CalendarMissing,
        standards.StandardsError,
        metrics_definitions.MetricDefinitionsError,
    ) as problem:
        print(f"metrics: {problem}", file=sys.stderr)
        return cli.EXIT_REFUSED
    for purged_at, reason, count in purged:
        print(
            f"metrics: note: {count:,} rows were purged ({reason}) on {purged_at:%Y-%m-%d}, after "
            "--known-at: these figures as known then no longer include them.",
            file=sys.stderr,
        )
    records = figures.as_records(row[1:] for row in rows)
    writers = {"json": _write_json, "csv": _write_csv, "table": _write_table}
    writers[args.format](records)
    return cli.EXIT_OK


def _date(text: str, option: str) -> dt.date:
    # Parsed here rather than by argparse so that a bad date is reported like a bad window:
    # one line naming the option, and exit status 2 returned rather than raised.
    try:
        return cli.iso_date(text)
    except argparse.ArgumentTypeError as problem:
        raise ScopeError(f"{option} {problem}") from None


def _usage_error(message: str) -> int:
    print(f"metrics: {message}", file=sys.stderr)
    return cli.EXIT_USAGE


def _write_json(records: list[dict[str, Any]]) -> None:
    json.dump(records, sys.stdout, indent=2)
    sys.stdout.write("\n")


def _write_csv(records: list[dict[str, Any]]) -> None:
    # Every cell is an academy code, a metric id or a number, so none needs neutralising.
    writer = csv.DictWriter(sys.stdout, fieldnames=figures.SERIES_COLUMNS[1:], lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)


def _write_table(records: list[dict[str, Any]]) -> None:
    definitions = metrics_definitions.load()
    header = ("academy", "metric", "value", "of")
    rows = [header]
    for record in records:
        definition = definitions[record["metric"]]
        shown = _shown_value(record["value"], definition.unit)
        if definition.is_not_collected(record["denominator"]):
            shown = metrics_definitions.NOT_COLLECTED
        rows.append(
            (
                record["academy_code"],
                record["metric"],
                shown,
                _shown_fraction(record["numerator"], record["denominator"]),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    previous_academy = None
    for row in rows:
        if previous_academy not in (None, "academy") and row[0] != previous_academy:
            print()
        previous_academy = row[0]
        print(
            f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  "
            f"{row[2]:>{widths[2]}}  {row[3]:<{widths[3]}}".rstrip()
        )


def _shown_value(value: float | int | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "%":
        return f"{value:.1f}%"
    if unit == "hours":
        return f"{value:.1f} h"
    return str(value)


def _shown_fraction(numerator: int | None, denominator: int | None) -> str:
    if numerator is not None and denominator is not None:
        return f"{numerator} / {denominator}"
    if denominator is not None:
        return f"n = {denominator}"
    return ""
