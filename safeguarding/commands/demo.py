"""`safeguarding demo`: write the synthetic demo exports and build the database."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import duckdb

from safeguarding import cli, clock, database, demo
from safeguarding.paths import PROJECT_ROOT, default_demo_db_path

DEFAULT_OUT = PROJECT_ROOT / "data" / "demo"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="write synthetic demo exports and build the demo database",
        description=(
            "Write a synthetic trust's exports (CSV and XLSX, with a few planted faults listed "
            "in planted_faults.json) and ingest them into a fresh database. The same seed and "
            "--today give byte-identical files."
        ),
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--academies",
        type=cli.positive_int,
        default=demo.DEFAULT_ACADEMIES,
        help=f"number of academies (default {demo.DEFAULT_ACADEMIES})",
    )
    parser.add_argument(
        "--years",
        type=cli.positive_int,
        default=demo.DEFAULT_YEARS,
        help=f"academic years of history up to today (default {demo.DEFAULT_YEARS})",
    )
    parser.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=None,
        help="the date the exports are made, YYYY-MM-DD (default: today)",
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=None,
        help=(
            "multiply concern volumes (default: 1 up to 20 academies, then academies/20, so "
            "100 academies x 5 years gives about a million concerns as in product.md §7)"
        ),
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="folder for the export files (data/demo)"
    )
    parser.add_argument(
        "--no-ingest", action="store_true", help="write the files only; leave the database alone"
    )
    parser.add_argument(
        "--db",
        help="the demo database to (re)build (default data/demo.duckdb; never $SAFEGUARDING_DB). "
        "A database that is not the demo is never replaced.",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    db_path = Path(args.db) if args.db else default_demo_db_path()
    if not args.no_ingest and not _replaceable(db_path):
        print(
            f"demo: {db_path} holds a database that is not the synthetic demo trust, so the demo "
            "will not replace it. Choose another file with --db (the default is "
            f"{default_demo_db_path()}).",
            file=sys.stderr,
        )
        return cli.EXIT_REFUSED
    options = demo.DemoOptions(
        seed=args.seed,
        academies=args.academies,
        years=args.years,
        today=args.today or clock.today(),
        scale=args.scale,
    )
    started = time.perf_counter()
    result = demo.generate_demo(args.out, options)
    counts = ", ".join(f"{n:,} {dataset}" for dataset, n in result.row_counts.items())
    print(
        f"Wrote {len(result.files)} export files to {args.out} in "
        f"{time.perf_counter() - started:.1f} s: {counts}."
    )
    print(f"Planted {len(result.faults)} rows for ingest to quarantine: {demo.MANIFEST_NAME}.")
    if args.no_ingest:
        return cli.EXIT_OK
    return _ingest(result, options, db_path)


def _replaceable(db_path: Path) -> bool:
    """Nothing there yet, or the demo: real records are never deleted to make room for it."""
    if not db_path.exists():
        return True
    try:
        with database.reader(db_path) as con:
            return database.origin(con) == "demo"
    except (duckdb.Error, RuntimeError):
        return False  # unreadable or from a newer version: not ours to delete


def _ingest(result: demo.DemoResult, options: demo.DemoOptions, db_path: Path) -> int:
    from safeguarding.demo.loading import ingest_demo

    # The demo database is built fresh: nothing from an earlier run may survive.
    for stale in (db_path, db_path.with_name(db_path.name + ".wal")):
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    results = ingest_demo(result.files, db_path, options.today)
    refused = [r for r in results if r.status == "refused"]
    loaded = sum(r.rows_loaded for r in results)
    quarantined = sum(r.rows_quarantined for r in results)
    warned = sum(1 for r in results if r.warnings)
    print(
        f"Ingested {len(results)} files into {db_path} in {time.perf_counter() - started:.1f} s: "
        f"{loaded:,} rows loaded, {quarantined} quarantined, {warned} file(s) with warnings."
    )
    for file_result in results:
        for row in file_result.quarantined:
            print(f"  quarantined {file_result.file_name} line {row.line_no}: {row.reason}")
    for file_result in refused:
        print(f"  REFUSED {file_result.file_name}: {file_result.message}")
    if refused:
        print("A demo file was refused: that is a bug in the demo generator or the ingest.")
        return cli.EXIT_REFUSED
    # Demo mode (no sign-in) serves only a database marked as the synthetic demo trust.
    database.mark_origin(db_path, "demo")
    return cli.EXIT_OK
