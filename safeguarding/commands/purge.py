"""`safeguarding purge`: remove what retention no longer allows, or one pupil's records.

    safeguarding purge [--dry-run] [--format table|json] [--db PATH]
    safeguarding purge --pupil REF [--dry-run] ...

Without --pupil: every row past its retention (config/retention.toml) and all its versions, and
the access log's old entries. With --pupil: every concern, referral and transfer carrying that
pseudonym, everywhere (a lawful erasure request passed on by an academy). Either way the purge
log records how many rows went per dataset and academy, never a value, and the file is
rewritten so the bytes are gone.
"""

from __future__ import annotations

import argparse
import json
import sys

from safeguarding import cli, database, retention


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "purge",
        help="remove rows past retention (or one pupil's records) and all their versions",
        description=(
            "Remove every row kept longer than config/retention.toml allows, with all its "
            "versions, and old access-log entries; or, with --pupil, every record of one "
            "pupil's pseudonym. Logs the counts removed and compacts the database file."
        ),
    )
    parser.add_argument("--dry-run", action="store_true", help="say what would go; change nothing")
    parser.add_argument(
        "--pupil", metavar="REF", help="erase this pupil's records (P- or T- pseudonym)"
    )
    parser.add_argument("--format", choices=("json", "table"), default="table")
    cli.add_db_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        if args.pupil is not None:
            summary = retention.erase_pupil(args.db, args.pupil, dry_run=args.dry_run)
        else:
            summary = retention.purge(args.db, dry_run=args.dry_run)
    except ValueError as problem:  # RetentionFileError, a blank --pupil
        print(f"purge: {problem}", file=sys.stderr)
        return cli.EXIT_USAGE if args.pupil is not None else cli.EXIT_REFUSED
    except (database.DatabaseMissing, database.DatabaseBusy, database.DiskFull) as problem:
        print(f"purge: {problem}", file=sys.stderr)
        return cli.EXIT_REFUSED
    if args.format == "json":
        json.dump(summary, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return cli.EXIT_OK
    verb = "would remove" if summary["dry_run"] else "removed"
    what = "one pupil's records" if summary["reason"] == "erasure" else "rows past retention"
    print(f"purge ({what}): {verb} {summary['rows']:,} row(s), {summary['versions']:,} version(s)")
    for line in summary["purged"]:
        print(
            f"  {line['dataset']:10} {line['academy_code']:8} {line['rows']:>7,} row(s) "
            f"{line['versions']:>7,} version(s)"
        )
    if summary["reason"] == "retention":
        print(f"  access log: {verb} {summary['access_log_entries_purged']:,} old entries")
    if not summary["dry_run"]:
        print(
            f"  database file: {summary['file_bytes_before']:,} -> "
            f"{summary['file_bytes_after']:,} bytes"
        )
    return cli.EXIT_OK
