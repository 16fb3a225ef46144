"""`python -m bench [options]`: measure ingest, metrics and pages at the scale of the largest
trusts (product.md §7) and write the figures as JSON. See bench/benchmark.py for what is
measured."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from bench import benchmark
from safeguarding import cli


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=(
            "Write (or reuse) the demo exports of a large trust, then time DuckDB reading the "
            "files bare, the full ingest, the metrics command, a 15-term trend series and every "
            "page (cold and warm), with peak memory; then weekly full re-exports re-ingested "
            "into a copy of the database and the figures and pages read from its history. "
            "Prints a table and writes JSON."
        ),
    )
    parser.add_argument("--academies", type=cli.positive_int, default=100, help="default 100")
    parser.add_argument("--years", type=cli.positive_int, default=5, help="default 5")
    parser.add_argument("--seed", type=int, default=1, help="demo seed (default 1)")
    parser.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=benchmark.DEFAULT_TODAY,
        help=f"the exports' date and the as-of date (default {benchmark.DEFAULT_TODAY})",
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=benchmark.DEFAULT_WORK_DIR,
        help="folder for the exports, the databases and the JSON (default data/large)",
    )
    parser.add_argument("--json", type=Path, help="where to write the figures (WORK/bench.json)")
    parser.add_argument(
        "--warm-runs", type=cli.positive_int, default=5, help="reruns per page for the warm median"
    )
    parser.add_argument(
        "--repeat",
        type=cli.positive_int,
        default=1,
        help="run the bare read and the ingest this many times and report the median",
    )
    parser.add_argument(
        "--weeks",
        type=cli.positive_int,
        default=benchmark.WEEKS,
        help=f"weekly full re-exports to re-ingest for the history figures (default "
        f"{benchmark.WEEKS})",
    )
    parser.add_argument(
        "--regenerate",
        action="store_true",
        help="write the exports (and the weekly re-exports) anew even if present",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    options = benchmark.BenchOptions(
        academies=args.academies,
        years=args.years,
        seed=args.seed,
        today=args.today,
        work_dir=args.work,
        json_path=args.json,
        warm_runs=args.warm_runs,
        repeat=args.repeat,
        regenerate=args.regenerate,
        weeks=args.weeks,
    )
    result = benchmark.run(options)
    print()
    print(benchmark.table(result))
    print(f"\nWrote {options.result_path} ({result.get('bench_seconds', 0):.0f} s in all).")
    return cli.EXIT_OK
