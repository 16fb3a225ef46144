"""`status`: ingest history and data freshness per academy and dataset."""

from __future__ import annotations

import sys

from safeguarding import cli, clock, database, standards, status
from safeguarding.commands.metrics import add_known_at_option, known_at_from
from safeguarding.window import ScopeError


def register(commands) -> None:
    parser = commands.add_parser(
        "status", help="ingest history and data freshness per academy and dataset"
    )
    parser.add_argument("--limit", type=int, default=20, help="how many ingests to list")
    parser.add_argument(
        "--as-of",
        type=cli.iso_date,
        default=None,
        metavar="DATE",
        help="the date to judge freshness at, YYYY-MM-DD (default: today; not after today)",
    )
    add_known_at_option(parser)
    cli.add_db_option(parser)
    parser.set_defaults(run=run)


def run(args) -> int:
    as_of = args.as_of or clock.today()
    try:
        clock.refuse_future(as_of, "--as-of")
        known_at = known_at_from(args)
    except (clock.FutureDate, ScopeError) as problem:
        print(f"status: {problem}", file=sys.stderr)
        return cli.EXIT_USAGE
    stale_after = standards.load().stale_after_days
    try:
        con = database.reader(args.db)
    except database.DatabaseMissing as missing:
        print(str(missing), file=sys.stderr)
        return cli.EXIT_REFUSED
    with con:
        history = status.ingest_history(con, args.limit, known_at)
        freshness = status.data_freshness(con, as_of, stale_after, known_at)
    print(f"Last {len(history)} ingests (newest first):")
    if history.empty:
        print("  none yet")
    for row in history.itertuples():
        line = (
            f"  {row.ingested_at:%Y-%m-%d %H:%M}  {row.status:9} {row.file_name}  "
            f"{row.dataset or '?'}  {row.academy_code or '-'}  read {row.rows_read:,}, "
            f"loaded {row.rows_loaded:,}, quarantined {row.rows_quarantined:,}  "
            f"by {row.ingested_by}"
        )
        print(line)
    print()
    print(
        f"Data freshness at {as_of} (days since the last export; * = stale, over "
        f"{stale_after} days or never):"
    )
    matrix = status.freshness_matrix(freshness)
    stale = freshness.pivot(index="academy_code", columns="dataset", values="is_stale")
    header = "  academy     " + "".join(f"{c:>12}" for c in matrix.columns)
    print(header)
    for academy, days in matrix.iterrows():
        cells = []
        for dataset, value in days.items():
            text = "never" if value != value or value is None else f"{int(value)}"
            cells.append(f"{text + ('*' if stale.loc[academy, dataset] else ' '):>12}")
        print(f"  {academy:12}" + "".join(cells))
    return cli.EXIT_OK
