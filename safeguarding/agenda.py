"""The weekly meeting's agenda: the needs-attention list now against the list the last meeting
saw, with what the meeting decided about each item.

The list at the last meeting is rebuilt exactly as it stood then: as of that day, as known at
the end of that day (or earlier, when the whole view is read at an earlier knowledge time), with
the decisions recorded by then. An item is on an agenda when the data lists it and no decision
has closed it (done, or won't act with a reason). By key:

    new + open = the agenda now,  open + resolved = the agenda at the last meeting.

A resolved item was cleared in the data (feedback recorded, training done, policy reviewed) or
closed by a decision; `resolved_by` says which. Closing an item never changes a figure: the
figures still count it, and the page says how many closed items they still hold.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from safeguarding import actions, attention, standards
from safeguarding.codes import SUPPRESSED, TRUST
from safeguarding.standards import Standards
from safeguarding.window import ScopeError, Window

CHANGES = ("new", "open", "resolved")
DEFAULT_DAYS_SINCE = 7
LONG_OPEN_WEEKS = 4
# Items about a statutory deadline, escalated when still open too long (config/standards.toml).
STATUTORY_KEY_ENDINGS = (":csc_feedback", ":dsl_review", ":cp_file")
DECISION_COLUMNS = [
    "owner_role",
    "owner_academy",
    "action",
    "target_on",
    "status",
    "reason",
    "note",
    "decided_by",
    "decided_at",
    "decisions",
]
COLUMNS = [
    "change",
    "resolved_by",
    *attention.COLUMNS,
    "weeks_overdue",
    "overdue",
    "escalate",
    "past_target",
    *DECISION_COLUMNS,
]


@dataclass(frozen=True)
class Meeting:
    """The view now and the view the last meeting had."""

    now: Window
    then: Window

    @property
    def since(self) -> dt.date:
        return self.then.as_of


def meeting(window: Window, since: dt.date | None = None) -> Meeting:
    """`since` defaults to a week before the as-of date. The earlier view is read as known at
    the end of that day, and never later than the whole view's own knowledge time."""
    since = since or window.as_of - dt.timedelta(days=DEFAULT_DAYS_SINCE)
    if since >= window.as_of:
        raise ScopeError(
            f"The last meeting ({since}) must be before the as-of date ({window.as_of}). "
            "Choose an earlier day."
        )
    known_then = dt.datetime.combine(since, dt.time.max)
    if window.known_at is not None and window.known_at < known_then:
        known_then = window.known_at
    then = window.moved_back((window.as_of - since).days)
    return Meeting(window, dataclasses.replace(then, known_at=known_then))


def agenda(
    con: duckdb.DuckDBPyConnection,
    meeting: Meeting,
    record_academies: Iterable[str],
    register_academies: Iterable[str],
    rules: Standards | None = None,
) -> pd.DataFrame:
    """COLUMNS, one row per item on either agenda: escalations first, then items past their
    target date, new items, the longest open, and the rest in the list's own order."""
    rules = rules or standards.load()
    record_academies = list(record_academies)
    register_academies = list(register_academies)
    everyone = sorted({*record_academies, *register_academies})
    now_items = attention.needs_attention(
        con, meeting.now, record_academies, register_academies, rules
    )
    then_items = attention.needs_attention(
        con, meeting.then, record_academies, register_academies, rules
    )
    decided_now = actions.current(con, everyone, meeting.now.known_at)
    decided_then = actions.current(con, everyone, meeting.then.known_at)
    return compare(now_items, then_items, decided_now, decided_then, meeting.now.as_of, rules)


def compare(
    now_items: pd.DataFrame,
    then_items: pd.DataFrame,
    decided_now: pd.DataFrame,
    decided_then: pd.DataFrame,
    as_of: dt.date,
    rules: Standards,
) -> pd.DataFrame:
    """The two lists and the two registers, item by item (see the module's docstring)."""
    closed_now = _closed_keys(decided_now)
    closed_then = _closed_keys(decided_then)
    on_now = now_items[~now_items["key"].isin(closed_now)]
    on_then = then_items[~then_items["key"].isin(closed_then)]
    then_keys = set(on_then["key"])
    now_keys = set(on_now["key"])
    current = on_now.assign(
        change=np.where(on_now["key"].isin(then_keys), "open", "new"), resolved_by=None
    )
    gone = on_then[~on_then["key"].isin(now_keys)]
    resolved = gone.assign(
        change="resolved",
        resolved_by=np.where(gone["key"].isin(closed_now), "decision", "data"),
    )
    parts = [frame for frame in (current, resolved) if not frame.empty]
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    both = pd.concat(parts)
    both = both.reset_index(drop=True)
    decisions = decided_now.set_index("item_key")[DECISION_COLUMNS]
    both = both.join(decisions, on="key")
    due = pd.to_datetime(both["due_on"])
    days_overdue = (pd.Timestamp(as_of) - due).dt.days
    is_current = both["change"] != "resolved"
    both["weeks_overdue"] = (
        (days_overdue // 7).where(is_current & (days_overdue > 0)).astype("Int64")
    )
    both["escalate"] = (
        is_current
        & both["key"].str.endswith(STATUTORY_KEY_ENDINGS)
        & (both["overdue_working_days"].fillna(-1) > rules.escalate_after_working_days)
    )
    target = pd.to_datetime(both["target_on"])
    both["past_target"] = is_current & target.notna() & (target < pd.Timestamp(as_of))
    both["overdue"] = is_current & ((days_overdue > 0).fillna(False) | both["past_target"])
    both["decisions"] = both["decisions"].fillna(0).astype(int)
    for column in ("owner_role", "owner_academy", "action", "status", "reason", "note"):
        both[column] = both[column].astype(object).where(both[column].notna(), None)
    both["target_on"] = target.dt.date.astype(object).where(target.notna(), None)
    order = pd.DataFrame(
        {
            "escalate": ~both["escalate"],
            "past_target": ~both["past_target"],
            "resolved": both["change"] == "resolved",
            "new": both["change"] != "new",
            "weeks": -both["weeks_overdue"].fillna(-1).astype(int),
            "position": np.arange(len(both)),
        }
    )
    ranked = order.sort_values(list(order.columns), kind="stable").index
    return both.loc[ranked, COLUMNS].reset_index(drop=True)


def counts(items: pd.DataFrame) -> dict[str, int]:
    """The line the page leads with: new, still open (and for how many over LONG_OPEN_WEEKS),
    resolved, escalated and past target."""
    change = items["change"]
    current = change != "resolved"
    return {
        "new": int((change == "new").sum()),
        "open": int((change == "open").sum()),
        "open_long": int(
            ((change == "open") & (items["weeks_overdue"].fillna(0) >= LONG_OPEN_WEEKS)).sum()
        ),
        "resolved": int((change == "resolved").sum()),
        "escalate": int((current & items["escalate"].astype(bool)).sum()),
        "past_target": int((current & items["past_target"].astype(bool)).sum()),
        "unowned": int((current & items["owner_role"].isna()).sum()),
    }


def headline(tally: dict[str, int]) -> str:
    """e.g. "7 new · 31 still open, 12 for over 4 weeks · 9 resolved"."""
    open_part = f"{tally['open']} still open"
    if tally["open_long"]:
        open_part += f", {tally['open_long']} for over {LONG_OPEN_WEEKS} weeks"
    parts = [f"{tally['new']} new", open_part, f"{tally['resolved']} resolved"]
    if tally["escalate"]:
        parts.append(f"{tally['escalate']} to escalate")
    if tally["past_target"]:
        parts.append(f"{tally['past_target']} past their target date")
    return " · ".join(parts)


def closed_but_counted(now_items: pd.DataFrame, decided_now: pd.DataFrame) -> int:
    """Items the data still lists that a decision closed: the figures still count them."""
    return int(now_items["key"].isin(_closed_keys(decided_now)).sum())


def _closed_keys(decided: pd.DataFrame) -> set[str]:
    if decided.empty:
        return set()
    return set(decided.loc[decided["status"].isin(actions.CLOSING_STATUSES), "item_key"])


# Areas whose items are children's records: governors see them only as trust-wide counts,
# small numbers suppressed, never per academy.
CHILD_RECORD_KEY_PREFIXES = ("referral:", "concern:")
GOVERNOR_NOTE = (
    "Items are not listed for governors: each one is about a child's record or a named member "
    "of staff. Governors see how many are open, overdue and resolved; counts about children are "
    "trust-wide only, and from 1 to {limit} are shown as c."
)


def governor_counts(
    items: pd.DataFrame, limit: int, trust_items: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per area and academy: open (on the agenda now), overdue (open and past their due or
    target date) and resolved since the last meeting. Areas about children's records get one
    TRUST row each, counted over `trust_items` (the whole trust's agenda; default `items`),
    with counts from 1 to `limit` as "c"; no academy row, so no difference of two rows can
    reveal one, and a view of one academy shows the same trust-wide counts as the board's."""
    if trust_items is not None:
        about_children = items["key"].str.startswith(CHILD_RECORD_KEY_PREFIXES)
        trust_children = trust_items["key"].str.startswith(CHILD_RECORD_KEY_PREFIXES)
        items = pd.concat([items[~about_children], trust_items[trust_children]])
    if items.empty:
        return pd.DataFrame(columns=["area", "academy_code", "open", "overdue", "resolved"])
    frame = items.assign(
        is_open=items["change"] != "resolved",
        is_overdue=items["overdue"].astype(bool),
        is_resolved=items["change"] == "resolved",
        about_children=items["key"].str.startswith(CHILD_RECORD_KEY_PREFIXES),
    )
    frame.loc[frame["about_children"], "academy_code"] = TRUST
    grouped = (
        frame.groupby(["area", "academy_code"], sort=True)
        .agg(
            open=("is_open", "sum"),
            overdue=("is_overdue", "sum"),
            resolved=("is_resolved", "sum"),
            about_children=("about_children", "max"),
            priority=("priority", "min"),
        )
        .reset_index()
        .sort_values(["priority", "area", "academy_code"], kind="stable")
    )
    # Text throughout, so that a column holding "c" is one type (Arrow refuses a mix).
    for column in ("open", "overdue", "resolved"):
        values = grouped[column].astype(int)
        small = grouped["about_children"] & values.between(1, limit)
        grouped[column] = values.map("{:,}".format).where(~small, SUPPRESSED)
    return grouped[["area", "academy_code", "open", "overdue", "resolved"]].reset_index(drop=True)
