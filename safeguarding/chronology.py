"""One child's chronology across the trust: every concern and referral about them, at every
academy, in time order, with the gaps and moves (issue 20).

A chronology is the most identifying view the product has: one child's whole safeguarding
history in one place. So it is read only here, and here the asker is checked before any row
leaves: the trust's safeguarding lead may open any child's; a DSL only a child who is or was at
their academy (then they see the whole chronology, the records from the child's earlier
academies included: the point of one overall picture); governors and local governors never,
whatever asks for it (a page, the command line). Children are named only by trust_pupil_ref.
"""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import pandas as pd

from safeguarding import metrics, sql
from safeguarding import standards as standards_module
from safeguarding.scope import Scope
from safeguarding.window import Window, bind

VIEWING_ROLES = ("trust_lead", "dsl")
TRUST_PUPIL_REF = re.compile(r"T-[A-Z2-7]{16}")
# The first day a chronology looks from: before any record the product can hold.
EARLIEST = dt.date(2000, 1, 1)
COLUMNS = [
    "record_no",
    "at",
    "academy_code",
    "record",
    "concern_id",
    "referral_id",
    "category",
    "agency",
    "status",
    "outcome",
    "timeliness",
    "days_since_previous",
    "is_move",
]


class ChronologyRefused(PermissionError):
    """The asker may not see this child's chronology; the message says why."""


def check_role(scope: Scope) -> None:
    if scope.role not in VIEWING_ROLES:
        raise ChronologyRefused(
            "A child's chronology shows their records one by one; governors and local governors "
            "see figures, never a child's records. Ask the trust's safeguarding lead."
        )


def _run(con, name: str, as_of: dt.date, known_at, **params) -> pd.DataFrame:
    window = Window(as_of, EARLIEST, as_of, known_at)
    text = sql.load(name)
    bound = metrics.bound(
        {**params, "windows": bind([window])}, standards_module.load().query_parameters()
    )
    return con.execute(text, sql.params_for(text, bound)).df()


def linked_pupils(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    as_of: dt.date,
    known_at: dt.datetime | None = None,
) -> pd.DataFrame:
    """The children whose chronology this person may open: every child with a trust pseudonym
    for the trust lead, those with a record at their academy for a DSL. Refuses governors."""
    check_role(scope)
    rows = _run(con, "chronology/linked_pupils", as_of, known_at)
    if scope.role == "dsl":
        own = set(scope.detail_academies)
        rows = rows[[bool(own & set(codes)) for codes in rows["academy_codes"]]]
    return rows.reset_index(drop=True)


def read(
    con: duckdb.DuckDBPyConnection,
    trust_pupil_ref: str,
    scope: Scope,
    as_of: dt.date,
    known_at: dt.datetime | None = None,
) -> pd.DataFrame:
    """The chronology of the child with this trust pseudonym, as known at `known_at`, judged at
    the end of `as_of`: COLUMNS, one row per record, oldest first. Raises ChronologyRefused."""
    check_role(scope)
    ref = (trust_pupil_ref or "").strip().upper()
    if not TRUST_PUPIL_REF.fullmatch(ref):
        raise ValueError(
            "A child is found by their trust pseudonym: T- and 16 letters and digits (the "
            "trust_pupil_ref column of concerns and referrals)."
        )
    rows = _run(con, "chronology/pupil_chronology", as_of, known_at, trust_pupil_ref=ref)
    academies = set(rows["academy_code"])
    if scope.role == "dsl" and not academies & set(scope.detail_academies):
        # the same answer whether the child exists or not: a DSL learns nothing about
        # children who were never at their academy
        raise ChronologyRefused(
            "This child has no records at your academy, so their chronology is not yours to "
            "open. The trust's safeguarding lead can open any child's."
        )
    rows = rows[COLUMNS].copy()
    for column in (
        "concern_id",
        "referral_id",
        "category",
        "agency",
        "status",
        "outcome",
        "timeliness",
    ):
        rows[column] = rows[column].astype(object).where(rows[column].notna(), None)
    return rows
