"""The action register: what the weekly meeting decided about each needs-attention item.

A decision gives an item (by its stable key, e.g. "referral:OAK:R-123:csc_feedback") an owner
(a role and an academy), an agreed action, a target date and a status. Decisions are only ever
added, with who made them and when (clock.now()): an item's current decision is its latest one
and the earlier ones are its history. Keys name the academy, so the register survives re-ingests
and is scoped like every other read. Who may decide is checked here, not only on the page: a
trust lead for any academy in their scope, a DSL for their own academy's items, governors never.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import pandas as pd

from safeguarding import clock, database, sql
from safeguarding.codes import TRUST
from safeguarding.ingest.identifiers import identifier_kind
from safeguarding.scope import Scope

# Pick lists: stored value -> what people read.
OWNER_ROLES = {
    "dsl": "DSL",
    "deputy_dsl": "Deputy DSL",
    "headteacher": "Headteacher",
    "trust_lead": "Trust safeguarding lead",
    "hr": "HR / single central record",
    "data_manager": "Data manager",
}
ACTIONS = {
    "chase_social_care": "Chase social care",
    "book_training": "Book training",
    "escalate": "Escalate to LADO / local authority",
    "review_policy": "Review policy",
    "request_export": "Request export",
    "other": "Other",
}
STATUSES = {
    "open": "Open",
    "in_hand": "In hand",
    "done": "Done",
    "wont_act": "Won't act",
}
# A closed item leaves the agenda (resolved "by decision"); its figures are unchanged.
CLOSING_STATUSES = ("done", "wont_act")
WONT_ACT_REASONS = {
    "historic": "Historic record: it cannot now be completed at source",
    "duplicate": "Duplicate of another item",
    "left": "The person has left: nothing to act on",
    "not_applicable": "Does not apply to this academy",
    "data_error": "Data error, reported to the academy to correct at source",
}
NOTE_MAX_CHARACTERS = 200
KEY_SHAPE = re.compile(r"[a-z]+:[A-Z0-9][A-Z0-9_-]*:.+")


class DecisionRefused(ValueError):
    """A decision that cannot be stored; the message says what is wrong and how to fix it."""


@dataclass(frozen=True)
class Actor:
    """Who is deciding: their identity (as signed in) and what they may see."""

    identity: str
    scope: Scope


@dataclass(frozen=True)
class Decision:
    item_key: str
    area: str
    status: str = "open"
    owner_role: str | None = None
    owner_academy: str | None = None
    action: str | None = None
    target_on: dt.date | None = None
    reason: str | None = None
    note: str | None = None

    @property
    def academy_code(self) -> str:
        return self.item_key.split(":")[1]


def may_decide(scope: Scope, academy_code: str) -> bool:
    """A trust lead decides for the academies they see, a DSL for their own academy only."""
    if scope.role == "trust_lead":
        return academy_code in scope.aggregate_academies
    if scope.role == "dsl":
        return academy_code in scope.detail_academies
    return False


def checked(decision: Decision, actor: Actor, demo: bool = False) -> Decision:
    """The decision with its note tidied, or DecisionRefused naming the problem and the fix."""
    key = decision.item_key
    if not KEY_SHAPE.fullmatch(key or ""):
        raise DecisionRefused(
            f"{key!r} is not a needs-attention item key. Choose the item from the list."
        )
    if not may_decide(actor.scope, decision.academy_code):
        raise DecisionRefused(
            f"A {actor.scope.role.replace('_', ' ')} cannot record decisions about "
            f"{decision.academy_code}'s items. Ask the trust safeguarding lead"
            + (" or that academy's DSL." if actor.scope.role != "governor" else ".")
        )
    _one_of("status", decision.status, STATUSES, required=True)
    _one_of("owner role", decision.owner_role, OWNER_ROLES)
    _one_of("action", decision.action, ACTIONS)
    if decision.owner_academy is not None and decision.owner_academy not in (
        TRUST,
        *actor.scope.aggregate_academies,
    ):
        raise DecisionRefused(
            f"The owner's academy {decision.owner_academy!r} is not one you can see. Choose an "
            f"academy from the list or {TRUST}."
        )
    if decision.status == "wont_act":
        _one_of("reason", decision.reason, WONT_ACT_REASONS, required=True)
    elif decision.reason is not None:
        raise DecisionRefused("A reason is given only with the status “Won't act”. Remove it.")
    return _with_checked_note(decision, demo)


def record(
    db: str | os.PathLike | None, actor: Actor, decisions: Iterable[Decision]
) -> list[Decision]:
    """Check every decision, then add them all in one write (all or none)."""
    decisions = list(decisions)
    if not decisions:
        return []
    with database.reader(db) as con:
        demo = database.origin(con) == "demo"
    checked_decisions = [checked(d, actor, demo) for d in decisions]
    decided_at = clock.now()
    # The demo database keeps its mark: decisions without notes hold nothing from outside.
    with database.writer(db, keeps_origin=demo) as con:
        con.begin()
        for decision in checked_decisions:
            con.execute(
                sql.load("actions/record_decision"),
                {
                    "item_key": decision.item_key,
                    "academy_code": decision.academy_code,
                    "area": decision.area,
                    "owner_role": decision.owner_role,
                    "owner_academy": decision.owner_academy,
                    "action": decision.action,
                    "target_on": decision.target_on,
                    "status": decision.status,
                    "reason": decision.reason,
                    "note": decision.note,
                    "decided_by": actor.identity,
                    "decided_as": actor.scope.role,
                    "decided_at": decided_at,
                },
            )
        con.commit()
    return checked_decisions


def current(
    con: duckdb.DuckDBPyConnection,
    academy_codes: Iterable[str],
    known_at: dt.datetime | None = None,
) -> pd.DataFrame:
    """Each item's latest decision as known at `known_at` (None: now), for those academies."""
    return con.execute(
        sql.load("actions/current_decisions"),
        {"academy_codes": list(academy_codes), "known_at": known_at},
    ).df()


def history(
    con: duckdb.DuckDBPyConnection, academy_codes: Iterable[str], item_key: str | None = None
) -> pd.DataFrame:
    """Every decision about those academies' items (or one item), oldest first."""
    return con.execute(
        sql.load("actions/decision_history"),
        {"academy_codes": list(academy_codes), "item_key": item_key},
    ).df()


def record_meeting(db: str | os.PathLike | None, actor: Actor, held_on: dt.date) -> None:
    """Note that the weekly meeting was held on `held_on` (trust leads only)."""
    if actor.scope.role != "trust_lead":
        raise DecisionRefused("Only a trust safeguarding lead records the trust's meetings.")
    clock.refuse_future(held_on, "The meeting date")
    with database.reader(db) as con:
        demo = database.origin(con) == "demo"
    with database.writer(db, keeps_origin=demo) as con:
        con.execute(
            sql.load("actions/record_meeting"),
            {"held_on": held_on, "recorded_by": actor.identity, "recorded_at": clock.now()},
        )


def last_meeting_before(con: duckdb.DuckDBPyConnection, day: dt.date) -> dt.date | None:
    rows = con.execute(sql.load("actions/meetings"), {"before": day}).fetchall()
    return rows[0][0] if rows else None


def _one_of(what: str, value: str | None, choices: dict[str, str], required: bool = False):
    if value is None and not required:
        return
    if value not in choices:
        raise DecisionRefused(
            f"{value!r} is not a {what} this register knows. Choose one of: "
            + ", ".join(choices.values())
            + "."
        )


def _with_checked_note(decision: Decision, demo: bool) -> Decision:
    note = (decision.note or "").strip()
    if not note:
        return Decision(**{**decision.__dict__, "note": None})
    if demo:
        raise DecisionRefused(
            "Notes are off in the demo database, which anyone can open without signing in. "
            "Record the decision without a note."
        )
    if len(note) > NOTE_MAX_CHARACTERS:
        raise DecisionRefused(
            f"The note has {len(note)} characters; a note holds at most {NOTE_MAX_CHARACTERS}. "
            "Shorten it: the case record belongs in CPOMS or MyConcern, not here."
        )
    if any(ord(ch) < 32 for ch in note):
        raise DecisionRefused("The note holds a control character or a line break. Remove it.")
    words = [note, *note.split()]
    kind = next((kind for word in words for kind in [identifier_kind([word])] if kind), None)
    if kind is not None:
        raise DecisionRefused(
            f"The note looks like it holds a real identifier ({kind}). Notes are seen by every "
            "role that sees the item: use the pseudonymous keys only, never names or numbers "
            "that identify a child or a member of staff."
        )
    return Decision(**{**decision.__dict__, "note": note})
