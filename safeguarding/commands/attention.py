"""`safeguarding attention`: the weekly meeting's action list, as the overview shows it to a
trust lead (every academy's records).

    safeguarding attention --as-of 2026-03-31 [--from D --to D] [--academy CODE ...]
                           [--since D] [--role trust_lead|governor]
                           [--format json|csv|table|text|html] [--db PATH]

JSON: a list of items, each {"priority", "key", "area", "metric", "academy_code", "item",
"detail", "due_on", "overdue_working_days", "overdue_days"}. `key` is stable from day to day for
the same underlying thing (e.g. "referral:OAK:R-123:csc_feedback"); `metric` is the figure the
item counts against (null when it explains none). For every academy and metric the items number
exactly the figure's shortfall (see safeguarding/attention.py). This is the hook for the weekly
e-mail and other automation.

`--since D` compares with the agenda of the last meeting (product.md §4.2), rebuilt as known at
the end of D: each item gains `change` (new, open, resolved), `resolved_by` (data, decision),
`weeks_overdue`, `overdue`, `escalate`, `past_target` and the action register's latest decision
(`owner_role`, `owner_academy`, `action`, `target_on`, `status`, `reason`, `note`,
`decided_by`, `decided_at`, `decisions`). new + open = the agenda at --as-of, open + resolved =
the agenda at --since, by key. `--format text|html` writes the weekly summary for an e-mail body
(since the last recorded meeting, or a week, when --since is not given); `--role governor`
gives counts only, as governors see them.
"""

from __future__ import annotations

import argparse
import json
import sys

import pandas as pd

from safeguarding import (
    access_log,
    actions,
    agenda,
    attention,
    cli,
    clock,
    database,
    disclosure,
    exports,
    metrics,
    standards,
    weekly_summary,
)
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
        "--since",
        metavar="DATE",
        help=(
            "compare with the agenda of the meeting held that day, YYYY-MM-DD, as known then "
            "(text and html default: the last recorded meeting, else a week before --as-of)"
        ),
    )
    parser.add_argument(
        "--role",
        choices=("trust_lead", "governor"),
        default="trust_lead",
        help="whose view: a trust lead's items (default) or a governor's counts",
    )
    parser.add_argument(
        "--format",
        choices=("json", "csv", "table", "text", "html"),
        default="table",
        help="output format (default: table); text and html: the weekly summary for an e-mail",
    )
    cli.add_db_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        window = window_from(args)
        since = cli.iso_date(args.since) if args.since else None
    except (ScopeError, clock.FutureDate, argparse.ArgumentTypeError) as problem:
        return _refused(str(problem), cli.EXIT_USAGE)
    comparing = since is not None or args.format in ("text", "html") or args.role == "governor"
    try:
        with database.reader(args.db) as con:
            academies = metrics.checked_academy_codes(con, args.academies)
            if not comparing:
                items = attention.needs_attention(con, window, academies, academies)
            else:
                since = since or actions.last_meeting_before(con, window.as_of)
                meeting = agenda.meeting(window, since)
                items = agenda.agenda(con, meeting, academies, academies)
        if args.role != "governor":  # a governor's summary holds counts, not records
            access_log.record(
                database.resolve_db_path(args.db),
                access_log.command_line_user(),
                args.role,
                "needs_attention",
                academies,
                len(items),
                access_log.keys_shown(items),
            )
    except ScopeError as problem:
        return _refused(str(problem), cli.EXIT_USAGE)
    except (
        database.DatabaseMissing,
        metrics.CalendarMissing,
        standards.StandardsError,
        access_log.AccessLogUnavailable,
    ) as problem:
        return _refused(str(problem), cli.EXIT_REFUSED)
    if not comparing:
        {"json": _write_json, "csv": _write_csv, "table": _write_table}[args.format](items)
        return cli.EXIT_OK
    governors = args.role == "governor"
    limit = disclosure.threshold()
    if args.format == "text":
        sys.stdout.write(weekly_summary.text(items, meeting, governors, limit))
    elif args.format == "html":
        sys.stdout.write(weekly_summary.html_body(items, meeting, governors, limit))
    elif governors:
        counts = agenda.governor_counts(items, limit)
        {"json": _write_json, "csv": _write_csv, "table": _write_table}[args.format](
            counts, list(counts.columns)
        )
    else:
        {"json": _write_json, "csv": _write_csv, "table": _write_table}[args.format](
            items, agenda.COLUMNS
        )
    return cli.EXIT_OK


def _refused(message: str, status: int) -> int:
    print(f"attention: {message}", file=sys.stderr)
    return status


def _write_json(items: pd.DataFrame, columns: list[str] | None = None) -> None:
    json.dump(attention.as_records(items, columns), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def _write_csv(items: pd.DataFrame, columns: list[str] | None = None) -> None:
    # Items quote register text (policy titles, owners): neutralised like every download.
    chosen = items[columns] if columns else items
    sys.stdout.write(exports.csv_bytes(chosen).decode("utf-8-sig").replace("\r\n", "\n"))


def _write_table(items: pd.DataFrame, columns: list[str] | None = None) -> None:
    if columns is not None and "key" not in columns:  # a governor's counts
        for row in items.itertuples(index=False):
            print(
                f"{row.area} · {row.academy_code}: {row.open} open, {row.overdue} overdue, "
                f"{row.resolved} resolved"
            )
        return
    if items.empty:
        print("Nothing needs attention.")
        return
    for area, rows in items.groupby("area", sort=False):
        print(f"{area} ({len(rows)})")
        for row in rows.itertuples(index=False):
            overdue = _overdue(row.overdue_working_days, row.overdue_days)
            due = f"due {row.due_on:%d %b %Y}" if not pd.isna(row.due_on) else ""
            change = getattr(row, "change", "")
            parts = [change, row.academy_code, exports.neutralise(row.item), due, overdue]
            print("  " + " · ".join(part for part in parts if part))
            print(f"    {exports.neutralise(row.detail)}")
        print()


def _overdue(working_days, days) -> str:
    if not pd.isna(working_days):
        return f"{int(working_days)} working days overdue"
    if not pd.isna(days):
        return f"{int(days)} days overdue"
    return ""
