"""`safeguarding access-log`: who was shown which children's records, and when.

    safeguarding access-log [--since WHEN] [--who EMAIL] [--pupil REF] [--format json|table]
                            [--db PATH]

Reads the access log beside the database (safeguarding/access_log.py), oldest entry first.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from safeguarding import access_log, cli, clock, database


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "access-log",
        help="who was shown which children's records, and when",
        description=(
            "List the access log: every time someone was shown records (drill-down lists, the "
            "needs-attention items, a chronology, a board pack's record sheets, a download) "
            "and every page of figures, with who, their role, the view, the academies, how "
            "many rows and the pseudonymous keys shown."
        ),
    )
    parser.add_argument(
        "--since", metavar="WHEN", help="from this moment, YYYY-MM-DD or 'YYYY-MM-DD HH:MM'"
    )
    parser.add_argument("--who", metavar="EMAIL", help="only this person's views")
    parser.add_argument(
        "--pupil", metavar="REF", help="only views that showed this pupil (P- or T- pseudonym)"
    )
    parser.add_argument("--format", choices=("json", "table"), default="table")
    cli.add_db_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        since = _start_of(args.since) if args.since else None
    except (argparse.ArgumentTypeError, clock.FutureDate) as problem:
        print(f"access-log: --since {problem}", file=sys.stderr)
        return cli.EXIT_USAGE
    path = database.resolve_db_path(args.db)
    entries = access_log.read(path, since=since, who=args.who, pupil=args.pupil)
    if args.format == "json":
        json.dump(entries, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return cli.EXIT_OK
    if not entries:
        print(f"No entry in {access_log.log_path(path)} for these options.")
    for entry in entries:
        academies = ", ".join(entry["academy_codes"]) or "-"
        print(
            f"{entry['at']}  {entry['who']} ({entry['role']})  {entry['kind']:7}  "
            f"{entry['view']}  {academies}  {entry['rows']} row(s)"
        )
    return cli.EXIT_OK


def _start_of(text: str):
    """A date alone means from the start of that day (knowledge_time reads it as its end)."""
    if len(text.strip()) == 10:
        day = cli.iso_date(text)
        clock.refuse_future(day, "--since")
        return dt.datetime.combine(day, dt.time.min)
    return cli.knowledge_time(text)
