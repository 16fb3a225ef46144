"""`safeguarding chronology --pupil REF`: one child's concerns and referrals at every academy of
the trust, in time order, with the gaps and moves (safeguarding/chronology.py).

    safeguarding chronology --pupil T-XXXXXXXXXXXXXXXX [--format table|json]
                            [--role trust_lead|dsl --academy CODE] [--as-of D] [--known-at W]

The command runs as the trust's safeguarding lead unless --role says otherwise; a DSL's view
needs their academy. Governors and local governors are refused (exit status 1): a chronology is
a child's records, one by one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

import pandas as pd

from safeguarding import access_log, chronology, cli, clock, database, identity, metrics
from safeguarding.commands.metrics import add_known_at_option, known_at_from
from safeguarding.scope import ROLES


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "chronology",
        help="one child's concerns and referrals across the trust's academies, in time order",
        description=(
            "Every concern and referral about one child (by trust_pupil_ref, the pseudonym "
            "under the trust's linking key) at every academy, oldest first: when, where, what, "
            "the outcome, whether it was dealt with in time, and the gaps and moves between "
            "academies. For the trust's safeguarding lead, and a DSL for a child who is or was "
            "at their academy; governors are refused."
        ),
    )
    parser.add_argument("--pupil", required=True, metavar="REF", help="the trust_pupil_ref")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument(
        "--role",
        choices=ROLES,
        default="trust_lead",
        help="whose view (default trust_lead); governor and local_governor are refused",
    )
    parser.add_argument("--academy", metavar="CODE", help="a DSL's academy (required with dsl)")
    parser.add_argument(
        "--as-of",
        dest="as_of",
        metavar="DATE",
        help="judge timeliness at this date, YYYY-MM-DD (default: today)",
    )
    add_known_at_option(parser)
    cli.add_db_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.role not in chronology.VIEWING_ROLES:  # before the database is even opened
        try:
            chronology.check_role(_scope(args.role, (), ()))
        except chronology.ChronologyRefused as refused:
            print(f"chronology: refused. {refused}", file=sys.stderr)
            return cli.EXIT_REFUSED
    if args.role == "dsl" and not args.academy:
        print("chronology: --role dsl needs --academy CODE, the DSL's academy.", file=sys.stderr)
        return cli.EXIT_USAGE
    try:
        as_of = _as_of(args.as_of) if args.as_of else clock.today()
        clock.refuse_future(as_of, "--as-of")
        known_at = known_at_from(args)
        with database.reader(args.db) as con:
            every = tuple(metrics.academy_codes(con))
            own = tuple(metrics.checked_academy_codes(con, [args.academy])) if args.academy else ()
            scope = _scope(args.role, every, own)
            rows = chronology.read(con, args.pupil, scope, as_of, known_at)
        access_log.record(
            database.resolve_db_path(args.db),
            access_log.command_line_user(),
            args.role,
            "chronology",
            rows["academy_code"].unique() if not rows.empty else own,
            len(rows),
            access_log.keys_shown(rows.assign(trust_pupil_ref=args.pupil)),
        )
    except access_log.AccessLogUnavailable as problem:
        print(f"chronology: {problem}", file=sys.stderr)
        return cli.EXIT_REFUSED
    except chronology.ChronologyRefused as refused:
        print(f"chronology: refused. {refused}", file=sys.stderr)
        return cli.EXIT_REFUSED
    except (ValueError, metrics.ScopeError, clock.FutureDate) as problem:
        print(f"chronology: {problem}", file=sys.stderr)
        return cli.EXIT_USAGE
    except (database.DatabaseMissing, metrics.CalendarMissing) as problem:
        print(f"chronology: {problem}", file=sys.stderr)
        return cli.EXIT_REFUSED
    if args.format == "json":
        records = rows.assign(at=rows["at"].astype(str)).astype(object)
        records = records.where(records.notna(), None).to_dict("records")
        json.dump(records, sys.stdout, indent=2, ensure_ascii=False, default=str)
        sys.stdout.write("\n")
        return cli.EXIT_OK
    if rows.empty:
        print("No concern or referral about this child is held.")
        return cli.EXIT_OK
    print(
        f"{'#':>3} {'when':16} {'academy':8} {'record':8} {'id':16} {'category / agency':28} "
        f"{'outcome':20} {'in time':12} gap"
    )
    for row in rows.itertuples(index=False):
        ref = row.referral_id if row.record == "referral" else row.concern_id
        what = row.category if row.record == "concern" else row.agency
        gap = "" if pd.isna(row.days_since_previous) else f"{int(row.days_since_previous)} days"
        move = "  moved from another academy" if row.is_move else ""
        print(
            f"{row.record_no:>3} {row.at:%Y-%m-%d %H:%M} {row.academy_code:8} {row.record:8} "
            f"{ref or '':16} {what or '':28} {row.outcome or row.status or '':20} "
            f"{row.timeliness or '':12} {gap}{move}"
        )
    return cli.EXIT_OK


def _scope(role: str, every: tuple[str, ...], own: tuple[str, ...]):
    return identity.scope_for(identity.User("command line", role, own), every)


def _as_of(text: str):
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--as-of {text!r} is not a date; write YYYY-MM-DD.") from None
