"""`ingest PATH...`: load export files, print a report per file."""

from __future__ import annotations

import sys
from pathlib import Path

from safeguarding import cli, database
from safeguarding.contract import DATASETS
from safeguarding.ingest import ingest_files
from safeguarding.ingest.report import format_result


def register(commands) -> None:
    parser = commands.add_parser(
        "ingest",
        help="load export files (CSV or XLSX) into the database",
        description="Load export files into the database. Load the academies file first.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", type=Path)
    parser.add_argument("--academy", metavar="CODE", help="the academy of rows that have none")
    parser.add_argument("--dataset", choices=DATASETS, help="skip detection from the headers")
    parser.add_argument(
        "--full",
        action="store_true",
        help=(
            "each file is the complete current export of its dataset for the academies it "
            "covers: their rows it no longer holds are retired (kept in history)"
        ),
    )
    parser.add_argument(
        "--allow-mass-retire",
        action="store_true",
        help="let a full export retire more than half of an academy's rows",
    )
    cli.add_wait_option(parser)
    cli.add_db_option(parser)
    parser.set_defaults(run=run)


def run(args) -> int:
    missing = [p for p in args.paths if not p.is_file()]
    if missing:
        print(f"No such file: {missing[0]}", file=sys.stderr)
        return cli.EXIT_USAGE
    bar = _ProgressBar()
    try:
        results = ingest_files(
            args.paths,
            db=args.db,
            academy=args.academy,
            dataset=args.dataset,
            progress=bar,
            wait_seconds=args.wait,
            full=args.full,
            allow_mass_retire=args.allow_mass_retire,
        )
    except database.DatabaseBusy as busy:
        print(str(busy), file=sys.stderr)
        return cli.EXIT_REFUSED
    finally:
        bar.clear()
    for result in results:
        print(format_result(result))
    refused = sum(r.status == "refused" for r in results)
    print(f"{len(results)} file(s): {len(results) - refused} accepted, {refused} refused.")
    return cli.EXIT_REFUSED if refused else cli.EXIT_OK


class _ProgressBar:
    """A one-line bar on stderr, only on a terminal and only once a file takes a while."""

    def __init__(self):
        self.active = sys.stderr.isatty()
        self.drawn = False

    def __call__(self, file_name: str, fraction: float, stage: str) -> None:
        if not self.active or (fraction >= 1.0 and not self.drawn):
            return
        width = 30
        filled = int(width * fraction)
        sys.stderr.write(f"\r{file_name[:40]:40} [{'#' * filled}{'.' * (width - filled)}] {stage}")
        sys.stderr.flush()
        self.drawn = True

    def clear(self) -> None:
        if self.drawn:
            sys.stderr.write("\r" + " " * 90 + "\r")
            sys.stderr.flush()
