"""`safeguarding commitments`: every checkable promise of each mapped policy, measured or not.

    safeguarding commitments [--as-of D] [--from D --to D] [--academy CODE ...]
                             [--format json|table] [--db PATH]

One entry per promise of config/commitments/*.toml, in the policy's order: policy, section,
heading, promise, metrics (ids that `metrics` prints), rag (the worst of its figures for the
academies chosen taken together; "not measured" when no figure measures it, null when its
figures have no target or no cases), figures (metric id -> value) and, for a promise not
measured, why_not_measured and data_needed. Unsuppressed, like `metrics`.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from safeguarding import (
    cli,
    clock,
    commitments,
    database,
    metrics,
    metrics_definitions,
    standards,
)
from safeguarding.codes import TRUST
from safeguarding.commands.metrics import add_window_options, window_from


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "commitments",
        help="list every promise of each policy: measured (with RAG) or why not",
        description=(
            "List each checkable promise of the policies mapped in config/commitments/, with "
            "the metrics that measure it and their RAG at the as-of date for the academies "
            "chosen together, or why it is not measured and what data would measure it."
        ),
    )
    add_window_options(parser, "the figures")
    parser.add_argument(
        "--format", choices=("json", "table"), default="table", help="default: table"
    )
    cli.add_db_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        window = window_from(args)
        mappings = commitments.load_all()
        rules = standards.load()
        with database.reader(args.db) as con:
            values = metrics.compute(
                con,
                window.as_of,
                window.date_from,
                window.date_to,
                args.academies,
                rules,
                window.known_at,
            )
    except (metrics.ScopeError, clock.FutureDate) as problem:
        print(f"commitments: {problem}", file=sys.stderr)
        return cli.EXIT_USAGE
    except (
        commitments.CommitmentsError,
        database.DatabaseMissing,
        metrics.CalendarMissing,
        standards.StandardsError,
        metrics_definitions.MetricDefinitionsError,
    ) as problem:
        print(f"commitments: {problem}", file=sys.stderr)
        return cli.EXIT_REFUSED
    entries = listing(mappings, values)
    (_write_json if args.format == "json" else _write_table)(entries)
    return cli.EXIT_OK


def listing(
    mappings: dict[str, commitments.PolicyCommitments], values, code: str = TRUST
) -> list[dict[str, Any]]:
    figures = {
        record["metric"]: record["value"]
        for record in metrics.as_records(values)
        if record["academy_code"] == code
    }
    entries = []
    for mapping in mappings.values():
        card = commitments.scorecard(mapping, values, code=code)
        for promise in commitments.promises(mapping, card):
            entries.append(
                {
                    "policy": mapping.title,
                    **promise,
                    "figures": {m: figures.get(m) for m in promise["metrics"]},
                }
            )
    return entries


def _write_json(entries: list[dict[str, Any]]) -> None:
    json.dump(entries, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def _write_table(entries: list[dict[str, Any]]) -> None:
    for policy in dict.fromkeys(e["policy"] for e in entries):
        items = [e for e in entries if e["policy"] == policy]
        measured = sum(1 for e in items if e["metrics"])
        print(
            f"{policy}: {len(items)} promises, {measured} measured "
            f"({100 * measured / len(items):.0f}%)"
        )
        for e in items:
            rag = e["rag"] or "no figure"
            what = ", ".join(e["metrics"]) if e["metrics"] else f"why not: {e['why_not_measured']}"
            print(f"  {e['section']:<4} {rag:<13} {e['promise']}  [{what}]")
