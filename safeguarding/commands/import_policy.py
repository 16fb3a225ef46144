"""`import-policy FILE...`: read policy documents (Word, PDF, text) into the policy register."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from safeguarding import cli, database
from safeguarding.codes import TRUST
from safeguarding.policy_import import SUPPORTED, import_documents
from safeguarding.policy_import.report import as_json, format_result
from safeguarding.policy_import.review import CorrectionError, parse_corrections


def register(commands) -> None:
    parser = commands.add_parser(
        "import-policy",
        help="import policy documents (.docx, .pdf, .txt, .md) into the policy register",
        description=(
            "Read each policy document's title, issue and next review dates, owner, category, "
            "amendment history, the policies it refers to and the guidance it cites, and show "
            "each field with the text it came from and how sure the reading is. Nothing is "
            "written until you check it and run again with --accept (correcting a field with "
            "--set). What a document does not say is reported as not found, never guessed; a "
            "reading not sure enough to use is left empty and marked please check."
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
        help="show what was read without changing the database (the default without --accept)",
    )
    parser.add_argument(
        "--accept",
        action="store_true",
        help="write what was read (with any --set corrections) to the register",
    )
    parser.add_argument(
        "--set",
        dest="corrections",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="correct a field before it is written: title, issued, last_reviewed, next_review "
        "or owner (e.g. --set next_review=2026-09-01; an empty value clears it); one document "
        "at a time",
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
    if unsupported and len(unsupported) == len(args.paths) and not args.accept:
        print(
            f"{unsupported[0]}: not a policy document the importer reads; use "
            f"{', '.join(SUPPORTED)}.",
            file=sys.stderr,
        )
        return cli.EXIT_USAGE
    if args.accept and args.dry_run:
        print("--accept writes and --dry-run does not: give one of them.", file=sys.stderr)
        return cli.EXIT_USAGE
    try:
        changes = parse_corrections(args.corrections)
    except CorrectionError as problem:
        print(str(problem), file=sys.stderr)
        return cli.EXIT_USAGE
    if changes and len(args.paths) != 1:
        print("--set corrects one document: import the others on their own.", file=sys.stderr)
        return cli.EXIT_USAGE
    corrections = {args.paths[0].name: changes} if changes else None
    try:
        results = import_documents(
            args.paths,
            db=args.db,
            academy=args.academy,
            dry_run=not args.accept,
            wait_seconds=args.wait,
            corrections=corrections,
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
        if not args.accept and refused < len(results):
            print(
                "Nothing was written. Check each field above against its evidence, then run "
                "again with --accept to add them to the register; correct a field with --set "
                "FIELD=VALUE (e.g. --set next_review=2026-09-01)."
            )
    return cli.EXIT_REFUSED if any(r.status == "refused" for r in results) else cli.EXIT_OK
