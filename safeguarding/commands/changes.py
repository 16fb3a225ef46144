"""`safeguarding changes`: why did a figure move? The rows behind a metric that were added,
changed or retired between two knowledge times, by pseudonymous reference (the trust lead's
view).

    safeguarding changes --metric csc_feedback_overdue --since 2026-11-20 [--until WHEN]
                         [--academy CODE ...] [--format table|json] [--db PATH]
"""

from __future__ import annotations

import argparse
import json
import sys

from safeguarding import cli, clock, database, history, metrics
from safeguarding.window import ScopeError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "changes",
        help="why a figure moved: the rows behind a metric added, changed or retired",
        description=(
            "List the rows behind a metric (pseudonymous references) that exports added, "
            "changed or retired after --since and by --until, so that a figure that moved "
            "since a meeting can be explained."
        ),
    )
    parser.add_argument("--metric", required=True, help="a metric id, e.g. csc_feedback_overdue")
    parser.add_argument(
        "--since",
        required=True,
        metavar="WHEN",
        help="the earlier knowledge time, YYYY-MM-DD (its end) or 'YYYY-MM-DD HH:MM'",
    )
    parser.add_argument("--until", metavar="WHEN", help="the later one (default: now)")
    parser.add_argument(
        "--academy",
        dest="academies",
        metavar="CODE",
        action="extend",
        nargs="+",
        help="only these academies (default: every academy)",
    )
    parser.add_argument("--format", choices=("json", "table"), default="table")
    cli.add_db_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        since = cli.knowledge_time(args.since)
        until = cli.knowledge_time(args.until) if args.until else None
        with database.reader(args.db) as con:
            rows = history.changes(con, args.metric, since, until, args.academies)
    except (argparse.ArgumentTypeError, ScopeError, clock.FutureDate) as problem:
        print(f"changes: {problem}", file=sys.stderr)
        return cli.EXIT_USAGE
    except (database.DatabaseMissing, metrics.CalendarMissing) as problem:
        print(f"changes: {problem}", file=sys.stderr)
        return cli.EXIT_REFUSED
    if args.format == "json":
        records = rows.assign(changed_at=rows["changed_at"].astype(str)).to_dict("records")
        json.dump(records, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return cli.EXIT_OK
    if rows.empty:
        print("No row behind this figure changed between those moments.")
    for row in rows.itertuples(index=False):
        print(
            f"{row.change:8} {row.dataset:10} {row.academy_code:8} {row.row_ref}  "
            f"({row.changed_at:%Y-%m-%d %H:%M}, {row.by_file or 'policy import'})"
        )
    return cli.EXIT_OK
