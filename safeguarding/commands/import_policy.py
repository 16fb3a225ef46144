"""`import-policy FILE...`: read policy documents (Word, PDF, text) into the policy register."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from safeguarding import cli, database
from safeguarding.codes import TRUST
from safeguarding.policy_import import SUPPORTED, import_documents
from safeguarding.policy_import.report import as_json, format_result


def register(commands) -> None:
    parser = commands.add_parser(
        "import-policy",
        help="import policy documents (.docx, .pdf, .txt, .md) into the policy register",
        description=(
            "Read each policy document's title, issue and next review dates, owner, category, "
            "amendment history, the policies it refers to and the guidance it cites, and add or "
            "update its row in the policy register. What a document does not say is reported as "
            "not found, never guessed."
        ),
    )
    parser.add_argument("paths", nargs="+", metavar="FILE", type=Path)
    parser.add_argument(
        "--academy",
        metavar="CODE|TRUST",
        default=TRUST,
        help="the academy whose policy this is, or TRUST for a trust-wide policy (default)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="show what would be extracted without changing the database",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    cli.add_wait_option(parser)
    cli.add_db_option(parser)
    parser.set_defaults(run=run)


def run(args) -> int:
    missing = [p for p in args.paths if not p.is_file()]
    if missing:
        print(f"No such file: {missing[0]}", file=sys.stderr)
        return cli.EXIT_USAGE
    unsupported = [p for p in args.paths if p.suffix.lower() not in (*SUPPORTED, ".markdown")]
    if unsupported and len(unsupported) == len(args.paths) and args.dry_run:
        print(
            f"{unsupported[0]}: not a policy document the importer reads; use "
            f"{', '.join(SUPPORTED)}.",
            file=sys.stderr,
        )
        return cli.EXIT_USAGE
    try:
        results = import_documents(
            args.paths,
            db=args.db,
            academy=args.academy,
            dry_run=args.dry_run,
            wait_seconds=args.wait,
        )
    except (database.DatabaseBusy, database.DiskFull) as problem:
        print(str(problem), file=sys.stderr)
        return cli.EXIT_REFUSED
    if args.format == "json":
        print(json.dumps([as_json(r) for r in results], indent=2, ensure_ascii=False))
    else:
        for result in results:
            print(format_result(result))
        refused = sum(r.status == "refused" for r in results)
        print(f"{len(results)} document(s): {len(results) - refused} read, {refused} refused.")
    return cli.EXIT_REFUSED if any(r.status == "refused" for r in results) else cli.EXIT_OK
