"""`anonymise RAW --mapping M --key-file K --out OUT`: a raw export as a contract file.

Run in the academy, on the raw export from CPOMS, MyConcern or HR. See docs/anonymise.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

from safeguarding import anonymise, cli


def register(commands) -> None:
    parser = commands.add_parser(
        "anonymise",
        help="turn a raw export (names, UPNs, notes) into a pseudonymised contract file",
        description=(
            "Turn a raw export into a file the trust may receive: pupil and staff identifiers "
            "become keyed pseudonyms, every column the mapping does not name is dropped. "
            "`anonymise --new-key --key-file KEY` alone creates the academy's key. "
            "See docs/anonymise.md."
        ),
    )
    parser.add_argument("raw", nargs="?", type=Path, metavar="RAW", help="the raw CSV or XLSX")
    parser.add_argument(
        "--mapping",
        type=Path,
        metavar="MAPPING.toml",
        help="which raw column becomes which contract column",
    )
    parser.add_argument(
        "--key-file",
        type=Path,
        required=True,
        metavar="KEY",
        help="the academy's secret key (keep it in the academy)",
    )
    parser.add_argument("--out", type=Path, metavar="OUT.csv", help="the contract file to write")
    parser.add_argument(
        "--new-key",
        action="store_true",
        help="create the key file first (refused if it already exists)",
    )
    parser.add_argument(
        "--trust-key-file",
        type=Path,
        metavar="KEY",
        help="the trust's linking key, held by every academy: adds trust_pupil_ref, the same "
        "for one child at every academy (concerns and referrals)",
    )
    parser.add_argument(
        "--new-trust-key",
        action="store_true",
        help="create the trust linking key file first (once, for the whole trust)",
    )
    parser.set_defaults(run=run)


def run(args) -> int:
    if args.new_trust_key and args.trust_key_file is None:
        print("--new-trust-key needs --trust-key-file KEY: where to write it.", file=sys.stderr)
        return cli.EXIT_USAGE
    if args.raw is None and args.new_key and args.mapping is None and args.out is None:
        try:
            anonymise.create_key(args.key_file)
        except anonymise.AnonymiseRefused as refused:
            print(str(refused), file=sys.stderr)
            return cli.EXIT_REFUSED
        print(
            f"New key written to {args.key_file} (readable only by you). Keep it in the academy, "
            "back it up somewhere safe, and never send it to the trust."
        )
        return cli.EXIT_OK

    missing = [
        flag
        for flag, value in (("RAW", args.raw), ("--mapping", args.mapping), ("--out", args.out))
        if value is None
    ]
    if missing:
        print(
            f"anonymise needs {', '.join(missing)}: safeguarding anonymise RAW "
            "--mapping MAPPING.toml --key-file KEY --out OUT.csv [--new-key]",
            file=sys.stderr,
        )
        return cli.EXIT_USAGE
    for label, path in (("raw export", args.raw), ("mapping file", args.mapping)):
        if not path.is_file():
            print(f"No such {label}: {path}", file=sys.stderr)
            return cli.EXIT_USAGE
    try:
        summary = anonymise.anonymise_file(
            args.raw,
            args.mapping,
            args.key_file,
            args.out,
            new_key=args.new_key,
            trust_key_path=args.trust_key_file,
            new_trust_key=args.new_trust_key,
        )
    except anonymise.AnonymiseRefused as refused:
        print(f"Refused, nothing written. {refused}", file=sys.stderr)
        return cli.EXIT_REFUSED
    print(anonymise.format_summary(summary))
    return cli.EXIT_OK
