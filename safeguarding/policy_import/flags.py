"""Flags on policies: out-of-date guidance, replaced bodies, law and guidance named, missing
or overdue linked policies, review dates that do not fit the issue date and review cycle, and
policies without an owner.

The rules are in `queries/dashboard/policy_flags.sql`; this module binds its parameters. Pages
read the flags through `safeguarding.ui.data.query("dashboard/policy_flags", ...,
**flag_parameters())`; `policy_flags` runs the same query on a connection (tests, exports).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import duckdb
import pandas as pd

from safeguarding import metrics
from safeguarding import standards as standards_module
from safeguarding.policy_import.references import OBSOLETE
from safeguarding.standards import Standards
from safeguarding.window import Window

QUERY = "dashboard/policy_flags"
COLUMNS = ["academy_code", "policy_title", "flag", "flag_label", "detail", "file_name"]


def flag_parameters(rules: Standards | None = None) -> dict[str, Any]:
    """The standards the flags are checked against, under the query's parameter names."""
    rules = rules or standards_module.load()
    titles = list(rules.guidance_editions)
    return {
        "kcsie_edition": rules.kcsie_edition,
        "guidance_titles": titles,
        "guidance_years": [rules.guidance_editions[title] for title in titles],
        "obsolete_titles": [o.title for o in OBSOLETE],
        "obsolete_current": [o.current for o in OBSOLETE],
    }


def policy_flags(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    academies: Iterable[str] | None = None,
    rules: Standards | None = None,
) -> pd.DataFrame:
    """Every flag for the academies given (all when None) and the trust-wide policies."""
    return metrics.run_named(
        con, QUERY, Window.ending(as_of), academies, rules, **flag_parameters(rules)
    )


def flags_table(flags: pd.DataFrame, academy_name) -> pd.DataFrame:
    """The flags for a page: academy names, no internal ids. (No column is called "Policy":
    the policy page's register table is the one that is.)"""
    return pd.DataFrame(
        {
            "Academy": [academy_name(code) for code in flags["academy_code"]],
            "Policy title": flags["policy_title"].to_numpy(),
            "Flag": flags["flag_label"].to_numpy(),
            "Detail": flags["detail"].to_numpy(),
            "From document": flags["file_name"].fillna("register only").to_numpy(),
        }
    )


def documents_table(documents: pd.DataFrame, academy_name) -> pd.DataFrame:
    """Imported documents with their provenance, for a page."""
    return pd.DataFrame(
        {
            "Academy": [academy_name(code) for code in documents["academy_code"]],
            "Register title": documents["policy_title"].to_numpy(),
            "File": documents["file_name"].to_numpy(),
            "SHA-256": documents["sha256"].str.slice(0, 12).to_numpy(),
            "Imported": documents["imported_at"].to_numpy(),
            "By": documents["imported_by"].to_numpy(),
            "Issued": documents["issued_text"].to_numpy(),
            "Next review": documents["next_review_text"].to_numpy(),
            "Not in the document": documents["not_found"].to_numpy(),
        }
    )
