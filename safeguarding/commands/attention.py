"""`safeguarding attention`: the weekly meeting's action list, as the overview shows it to a
trust lead (every academy's records).

    safeguarding attention --as-of 2026-03-31 [--from D --to D] [--academy CODE ...]
                                     [--format json|csv|table] [--db PATH]

JSON: a list of items, each {"priority", "key", "area", "metric", "academy_code", "item",
"detail", "due_on", "overdue_working_days", "overdue_days"}. `key` is stable from day to day for
the same underlying thing (e.g. "referral:OAK:R-123:csc_feedback"); `metric` is the figure the
item counts against (null when it explains none). For every academy and metric the items number
exactly the figure's shortfall (see safeguarding/attention.py). This is the hook for the weekly
e-mail and other automation.
"""

from __future__ import annotations

import argparse
import json
import sys

import pandas as pd

from safeguarding import attention, cli, clock, database, exports, metrics, standards
from safeguarding.commands.metrics import add_window_options, window_from
from safeguarding.window import ScopeError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "attention",
        help="print the needs-attention list (the weekly meeting's agenda)",
        description=(
            "List what needs acting on at an as-of date, most urgent first: referrals waiting "
            "for social care feedback, DSL reviews overdue, training out of date or expiring, "
            "policy reviews overdue or due soon, missing policies, policy flags and stale data. "
            "Each item names the metric it counts against."
        ),
    )
    add_window_options(parser, "the list")
    parser.add_argument(
        "--format",
        choices=("json", "csv", "table"),
        default="table",
        help="output format (default: table)",
    )
    cli.add_db_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        window = window_from(args)
    except (ScopeError, clock.FutureDate) as problem:
        return _refused(str(problem), cli.EXIT_USAGE)
    try:
        with database.reader(args.db) as con:
            academies = metrics.checked_academy_codes(con, args.academies)
            items = attention.needs_attention(con, window, academies, academies)
    except ScopeError as problem:
        return _refused(str(problem), cli.EXIT_USAGE)
    except (database.DatabaseMissing, metrics.CalendarMissing, standards.StandardsError) as problem:
        return _refused(str(problem), cli.EXIT_REFUSED)
    {"json": _write_json, "csv": _write_csv, "table": _write_table}[args.format](items)
    return cli.EXIT_OK


def _refused(message: str, status: int) -> int:
    print(f"attention: {message}", file=sys.stderr)
    return status


def _write_json(items: pd.DataFrame) -> None:
    json.dump(attention.as_records(items), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def _write_csv(items: pd.DataFrame) -> None:
    # Items quote register text (policy titles, owners): neutralised like every download.
    sys.stdout.write(exports.csv_bytes(items).decode("utf-8-sig").replace("\r\n", "\n"))


def _write_table(items: pd.DataFrame) -> None:
    if items.empty:
        print("Nothing needs attention.")
        return
    for area, rows in items.groupby("area", sort=False):
        print(f"{area} ({len(rows)})")
        for row in rows.itertuples(index=False):
            overdue = _overdue(row.overdue_working_days, row.overdue_days)
            due = f"due {row.due_on:%d %b %Y}" if not pd.isna(row.due_on) else ""
            parts = [row.academy_code, exports.neutralise(row.item), due, overdue]
            print("  " + " · ".join(part for part in parts if part))
            print(f"    {exports.neutralise(row.detail)}")
        print()


def _overdue(working_days, days) -> str:
    if not pd.isna(working_days):
        return f"{int(working_days)} working days overdue"
    if not pd.isna(days):
        return f"{int(days)} days overdue"
    return ""
