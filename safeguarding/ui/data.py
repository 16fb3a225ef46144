"""How pages read data: one cached read-only connection per database file, a cursor per query,
and results cached with the file's identity, the scope and every parameter in the key.

Every read goes through here, and here the viewer's scope is applied (product.md §5): academies are
cut to what the role may see, record-level rows only for academies whose records it may see,
and small numbers about children suppressed for governors, before anything reaches a page.

When an ingest swaps in a new database file, its identity (inode, mtime) changes, so the next
rerun opens the new file and misses the old cached results: new data shows without a restart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace

import duckdb
import pandas as pd
import streamlit as st

from safeguarding import (
    access_log,
    database,
    metrics,
    metrics_definitions,
    periods,
    sql,
    suppressed_views,
)
from safeguarding import chronology as chronologies
from safeguarding import standards as standards_module
from safeguarding.scope import Scope
from safeguarding.ui import access
from safeguarding.ui.filters import Filters
from safeguarding.window import Window

_SCOPE_KEY = "_scope"


def set_scope(scope: Scope) -> None:
    st.session_state[_SCOPE_KEY] = scope


def current_scope() -> Scope:
    """The viewer's scope, set by session.start() before any page runs. Without one, nothing
    may be read."""
    scope = st.session_state.get(_SCOPE_KEY)
    if scope is None:
        raise PermissionError("No viewer scope has been set for this session.")
    return scope


def database_path() -> str:
    return str(database.resolve_db_path(None))


def database_stamp() -> tuple[int, int]:
    return database.file_stamp(database_path())


@st.cache_resource(max_entries=2, show_spinner=False)
def _connection(path: str, stamp: tuple[int, int]) -> duckdb.DuckDBPyConnection:
    # Attached to an in-memory connection rather than opened by path: DuckDB shares one
    # database instance per path within a process while any connection to it is open, so
    # connect(path) after an ingest swapped the file in would still read the old file.
    con = duckdb.connect()
    con.execute(sql.load("dashboard/attach_database"), {"path": path})
    return con


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor on the current database file (streamed results block their connection, so
    every query gets its own cursor and fetches whole results)."""
    path = database_path()
    cur = _connection(path, database.file_stamp(path)).cursor()
    cur.execute("use trust")
    return cur


def _query(name: str, params: tuple, stamp: tuple[int, int]) -> pd.DataFrame:
    return _cached_query(name, params, _frozen(_standards()), stamp)


@st.cache_data(max_entries=512, show_spinner=False)
def _cached_query(name: str, params: tuple, rules: tuple, stamp: tuple[int, int]) -> pd.DataFrame:
    text = sql.load(name)
    with cursor() as cur:
        bound = metrics.bound(dict(params), dict(rules))
        return cur.execute(text, sql.params_for(text, bound)).df()


def _standards() -> dict:
    return standards_module.load().query_parameters()


def query(name: str, window: Window | None = None, **params) -> pd.DataFrame:
    """A named query from queries/, within the viewer's scope: the data layer binds the window
    (`$as_of`, `$date_from`, `$date_to`, `$windows`) and the standards; a page passes the
    academies and the query's own choices."""
    if window is not None:
        params.update(
            as_of=window.as_of,
            date_from=window.date_from,
            date_to=window.date_to,
            known_at=window.known_at,
        )
    scope = current_scope()
    query_tags = sql.tags(name)
    if query_tags.get("records", "").startswith("chronology"):
        raise PermissionError(f"{name} is one child's records: read it with data.chronology().")
    if "academy_codes" in params:
        allowed = (
            scope.detail_academies
            if query_tags.get("records") == "yes"
            else scope.aggregate_academies
        )
        params["academy_codes"] = [a for a in params["academy_codes"] if a in allowed]
    elif query_tags.get("records") == "yes":
        raise PermissionError(f"{name} returns records but takes no $academy_codes.")
    if scope.suppress_small_numbers and "suppress" in query_tags and "date_from" in params:
        return _whole_period_counts(name, params, query_tags, scope)
    frame = _query(name, _frozen(params), database_stamp()).copy()
    if scope.suppress_small_numbers and "suppress" in query_tags:
        from safeguarding import disclosure

        columns = [c.strip() for c in query_tags["suppress"].split(",")]
        frame = disclosure.suppress_long_counts(
            frame,
            columns,
            across=query_tags.get("suppress-across"),
            label_column="academy_code" if "academy_code" in frame.columns else None,
        )
    return frame


def _frozen(params: dict) -> tuple:
    return tuple(
        sorted((k, tuple(v) if isinstance(v, list | tuple) else v) for k, v in params.items())
    )


def _whole_period_counts(name: str, params: dict, query_tags: dict, scope: Scope) -> pd.DataFrame:
    """A counts query for a suppressed view: one academy or the whole trust, over a whole
    period, suppressed in its full table (safeguarding/suppressed_views.py)."""
    if "suppress-across" in query_tags:
        raise suppressed_views.WholePeriodsOnly(
            f"{name} counts by month, which suppressed views never show (months against "
            "their term or year would reveal hidden counts)."
        )
    academies = tuple(sorted(scope.trust_total_academies or scope.aggregate_academies))
    view = params["academy_codes"]
    if set(view) >= set(scope.aggregate_academies) and scope.role != "local_governor":
        view_code = metrics.TRUST
    elif len(view) == 1:
        view_code = view[0]
    else:
        raise PermissionError("A suppressed view shows one academy or the whole trust.")
    stamp = database_stamp()
    columns = [c.strip() for c in query_tags["suppress"].split(",")]
    return _cached_whole_period_counts(
        name, _frozen(params), tuple(columns), academies, view_code, stamp
    ).copy()


@st.cache_data(max_entries=128, show_spinner=False)
def _cached_whole_period_counts(name, frozen, columns, academies, view_code, stamp):
    def run(params: dict) -> pd.DataFrame:
        return _query(name, _frozen(params), stamp)

    return suppressed_views.count_table(run, dict(frozen), columns, academies, view_code)


@st.cache_data(max_entries=256, show_spinner=False)
def _metrics(
    as_of: dt.date,
    date_from: dt.date,
    date_to: dt.date,
    academies: tuple[str, ...],
    stamp: tuple[int, int],
    suppressed: bool = False,
    known_at: dt.datetime | None = None,
) -> pd.DataFrame:
    """The metrics as known at `known_at` (None: the latest); `suppressed`: as a suppressed
    view sees them (suppressed_views.py)."""
    with cursor() as cur:
        if suppressed:
            return suppressed_views.metric_table(
                cur, as_of, date_from, date_to, list(academies), known_at=known_at
            )
        return metrics.compute(cur, as_of, date_from, date_to, list(academies), known_at=known_at)


def _suppressed_metrics(as_of, date_from, date_to, academies, stamp, known_at=None):
    return _metrics(as_of, date_from, date_to, academies, stamp, True, known_at)


def _totals_over(scope: Scope, shown: tuple[str, ...]) -> tuple[str, ...]:
    """The academies whose figures are computed. Suppressed views always start from the whole
    trust, so each academy's cell is hidden the same way in every view and no two views can be
    subtracted to recover a hidden figure."""
    if scope.suppress_small_numbers:
        return tuple(sorted(scope.trust_total_academies))
    return tuple(sorted(set(scope.total_over(shown))))


def _scoped_metrics(frame: pd.DataFrame, shown: tuple[str, ...], scope: Scope) -> pd.DataFrame:
    if scope.suppress_small_numbers:
        from safeguarding import disclosure

        frame = disclosure.suppress_metrics(frame)
    return frame[frame["academy_code"].isin((*shown, metrics.TRUST))].reset_index(drop=True)


def metric_values(filters: Filters, academies: Iterable[str], days_earlier: int = 0):
    """Every metric for the academies (plus their TRUST row) at the as-of date, or at the same
    window moved `days_earlier` back (for "change since last week")."""
    scope = current_scope()
    shown = scope.narrowed_to(tuple(academies)) if academies else ()
    if not shown:
        return pd.DataFrame(columns=metrics.RESULT_COLUMNS)
    shift = dt.timedelta(days=days_earlier)
    if scope.suppress_small_numbers:
        # The same whole period, judged a week earlier at the latest on the day it ended: a
        # window moved by days would be subtracted from this one.
        as_of = max(filters.as_of - shift, filters.date_to)
        frame = _suppressed_metrics(
            as_of,
            filters.date_from,
            filters.date_to,
            _totals_over(scope, shown),
            database_stamp(),
            filters.known_at,
        )
        return frame[frame["academy_code"].isin((*shown, metrics.TRUST))].reset_index(drop=True)
    frame = _metrics(
        filters.as_of - shift,
        filters.date_from - shift,
        filters.date_to - shift,
        _totals_over(scope, shown),
        database_stamp(),
        known_at=filters.known_at,
    )
    return _scoped_metrics(frame, shown, scope)


@st.cache_data(max_entries=64, show_spinner=False)
def _series(
    windows: tuple[metrics.Window, ...],
    academies: tuple[str, ...],
    metric_ids: tuple[str, ...] | None,
    stamp,
) -> pd.DataFrame:
    with cursor() as cur:
        return metrics.series(cur, list(windows), list(academies), metric_ids=metric_ids)


def metric_series(
    windows: list[metrics.Window],
    academies: Iterable[str],
    metric_ids: Iterable[str] | None = None,
    known_at: dt.datetime | None = None,
) -> pd.DataFrame:
    """The metrics (all, or just metric_ids) at each window's as-of date, as known at
    `known_at` (None: the latest), scoped and suppressed like `metric_values`. Suppression is
    per metric and date, so asking for fewer metrics never changes a figure."""
    windows = [replace(w, known_at=known_at) for w in windows]
    scope = current_scope()
    shown = scope.narrowed_to(tuple(academies)) if academies else ()
    if not shown or not windows:
        return pd.DataFrame(columns=["as_of_on", *metrics.RESULT_COLUMNS])
    if scope.suppress_small_numbers:
        return _whole_period_series(windows, shown, scope)
    frame = _series(
        tuple(windows),
        tuple(sorted(set(scope.total_over(shown)))),
        None if metric_ids is None else tuple(metric_ids),
        database_stamp(),
    )
    return _scoped_metrics(frame, shown, scope)


def _whole_period_series(
    windows: list[metrics.Window], shown: tuple[str, ...], scope: Scope
) -> pd.DataFrame:
    """Each whole period's figures as a suppressed view sees them (every academy computed, so
    a chosen group never makes a total of its own); periods that are not whole are left out."""
    academies = _totals_over(scope, shown)
    never_hidden = [m for m, d in metrics_definitions.load().items() if not d.suppressible]
    points = []
    for window in windows:
        if periods.is_whole_period(window.date_from, window.date_to):
            frame = _suppressed_metrics(
                window.as_of,
                window.date_from,
                window.date_to,
                academies,
                database_stamp(),
                window.known_at,
            )
        else:  # a term to date: staff and policy figures only, which are never hidden
            frame = _metrics(
                window.as_of,
                window.date_from,
                window.date_to,
                academies,
                database_stamp(),
                known_at=window.known_at,
            )
            frame = frame[frame["metric"].isin(never_hidden)].assign(suppressed=False)
        points.append(frame.assign(as_of_on=window.as_of))
    if not points:
        return pd.DataFrame(columns=["as_of_on", *metrics.RESULT_COLUMNS])
    frame = pd.concat(points, ignore_index=True)
    frame = frame[["as_of_on", *[c for c in frame.columns if c != "as_of_on"]]]
    return frame[frame["academy_code"].isin((*shown, metrics.TRUST))].reset_index(drop=True)


@st.cache_data(max_entries=16, show_spinner=False)
def _term_windows(first: dt.date, last: dt.date, stamp) -> list[metrics.Window]:
    with cursor() as cur:
        return metrics.term_windows(cur, first, last)


def term_windows(first: dt.date, last: dt.date) -> list[metrics.Window]:
    return _term_windows(first, last, database_stamp())


@st.cache_data(max_entries=256, show_spinner=False)
def _drill_down(name, as_of, date_from, date_to, academies, stamp, known_at=None):
    with cursor() as cur:
        return metrics.drill_down(
            cur, name, as_of, date_from, date_to, list(academies), known_at=known_at
        )


def drill_down(name: str, filters: Filters, academies: Iterable[str]) -> pd.DataFrame:
    """Records behind a figure, only for academies whose records the viewer may see (the
    policy lists hold no personal data, so they follow the figures' scope)."""
    scope = current_scope()
    allowed = scope.aggregate_academies if name in POLICY_LISTS else scope.detail_academies
    academies = tuple(a for a in academies if a in allowed)
    if not academies:
        return pd.DataFrame()
    rows = _drill_down(
        name,
        filters.as_of,
        filters.date_from,
        filters.date_to,
        academies,
        database_stamp(),
        filters.known_at,
    ).copy()
    access.records_shown(name, rows, academies)
    return rows


POLICY_LISTS = ("policy_reviews_due_list", "required_policies_missing_list")


@st.cache_data(max_entries=64, show_spinner=False)
def _changes(metric_id, since, until, academies, stamp) -> pd.DataFrame:
    from safeguarding import history

    with cursor() as cur:
        return history.changes(cur, metric_id, since, until, list(academies))


def changes(
    metric_id: str, since: dt.datetime, until: dt.datetime, academies: Iterable[str]
) -> pd.DataFrame:
    """Why a figure moved (safeguarding/history.py): the rows behind it added, changed or
    retired between two knowledge times. The trust lead's only: it names rows of every
    academy by pseudonymous reference."""
    scope = current_scope()
    if scope.role != "trust_lead":
        raise PermissionError("Only the trust lead sees which rows behind a figure changed.")
    academies = tuple(a for a in academies if a in scope.detail_academies)
    return _changes(metric_id, since, until, academies, database_stamp()).copy()


def percentage(numerator: int, denominator: int) -> float | None:
    """A percentage of figures a page holds, rounded by the database's one rule (percent_1dp)."""
    value = _query(
        "dashboard/percentage",
        _frozen({"numerator": numerator, "denominator": denominator}),
        database_stamp(),
    )["value"].iloc[0]
    return None if pd.isna(value) else float(value)


@st.cache_data(max_entries=64, show_spinner=False)
def _needs_attention(window, record_academies, register_academies, rules, stamp):
    from safeguarding import attention

    with cursor() as cur:
        return attention.needs_attention(cur, window, record_academies, register_academies)


def needs_attention(window: Window, academies: Iterable[str]) -> pd.DataFrame:
    """The weekly meeting's action list (safeguarding/attention.py) for the academies in view:
    record items only for academies whose records the viewer may see, policy and data items
    for the academies whose figures they see."""
    scope = current_scope()
    academies = tuple(academies)
    items = _needs_attention(
        window,
        tuple(a for a in academies if a in scope.detail_academies),
        tuple(a for a in academies if a in scope.aggregate_academies),
        _frozen(_standards()),
        database_stamp(),
    ).copy()
    _log_record_items("needs_attention", items, scope.detail_academies)
    return items


RECORD_ITEM_KEYS = r"(referral|concern|staff|transfer):"


def _log_record_items(view: str, items: pd.DataFrame, academies: Iterable[str]) -> None:
    """Policy and data items name no child and no member of staff: only record items (a
    referral, a concern, a person, a leaver) go in the access log."""
    if items.empty or "key" not in items:
        return
    records = items[items["key"].str.match(RECORD_ITEM_KEYS)]
    if not records.empty:
        access.records_shown(view, records[["key"]], academies)


def access_log_entries(limit: int = 200) -> pd.DataFrame:
    """The newest access-log entries (the trust lead's Data page), without the keys themselves."""
    if current_scope().role != "trust_lead":
        raise PermissionError("Only the trust lead may read the access log.")
    entries = access_log.read(database_path())[-limit:][::-1]
    return pd.DataFrame(
        [
            {
                "at": pd.Timestamp(e["at"]),
                "who": e["who"],
                "role": e["role"],
                "kind": e["kind"],
                "view": e["view"],
                "academies": ", ".join(e["academy_codes"]),
                "rows": e["rows"],
                "keys_digest": e["keys_digest"],
            }
            for e in entries
        ],
        columns=["at", "who", "role", "kind", "view", "academies", "rows", "keys_digest"],
    )


@st.cache_resource(max_entries=4, show_spinner="Upgrading the database to this version…")
def _upgraded(path: str, stamp: tuple[int, int]) -> bool:
    return database.upgrade_if_needed(path)


def every_academy() -> pd.DataFrame:
    """The trust reference, for working out the viewer's scope (no scope needed yet). The
    first read of a database file upgrades it if an older version of the code made it."""
    _upgraded(database_path(), database_stamp())
    return _query("dashboard/academies", (), database_stamp()).copy()


def database_origin() -> str | None:
    return _query("status/database_origin", (), database_stamp())["origin"].iloc[0]


def academies() -> pd.DataFrame:
    """The academies in the viewer's scope: code, name, phase, pupils on roll."""
    frame = every_academy()
    return frame[frame["academy_code"].isin(current_scope().aggregate_academies)].reset_index(
        drop=True
    )


BOARD_PACK_ROLES = ("trust_lead", "governor", "local_governor")


def board_pack_bytes(path: str, scope: Scope, filters: Filters, viewer=None) -> bytes:
    """The board pack for the viewer's scope, read from the database file at `path`; its
    record sheets are logged as the viewer's export."""
    from safeguarding.board_pack import board_pack_for

    def logged(name: str, records: pd.DataFrame) -> None:
        if viewer is not None:
            access.exported(viewer, f"board_pack:{name}", records, scope.detail_academies)

    with database.reader(path) as con:
        return board_pack_for(
            con,
            filters.as_of,
            scope,
            filters.date_from,
            filters.date_to,
            known_at=filters.known_at,
            on_records=logged,
        )


def board_pack_maker(filters: Filters):
    """A callable that builds the viewer's board pack when the download is clicked (on another
    thread, so the viewer's scope and the file are captured now); None for roles without one."""
    scope = current_scope()
    if scope.role not in BOARD_PACK_ROLES:
        return None
    path = database_path()
    viewer = access.current_viewer()
    return lambda: board_pack_bytes(path, scope, filters, viewer)


# --- the weekly meeting (product.md §4.2) ------------------------------------------------------

AGENDA_ROLES = ("trust_lead", "dsl")


def last_meeting(as_of: dt.date) -> dt.date | None:
    """The last recorded meeting before the as-of date, if the trust records them."""
    meetings = query("actions/meetings", before=as_of)
    return None if meetings.empty else pd.Timestamp(meetings["held_on"].iloc[0]).date()


@st.cache_data(max_entries=32, show_spinner=False)
def _agenda(window, since, record_academies, register_academies, rules, stamp):
    from safeguarding import agenda

    with cursor() as cur:
        meeting = agenda.meeting(window, since)
        return agenda.agenda(cur, meeting, record_academies, register_academies)


def _agenda_academies(academies: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Whose records and whose policy and data items the agenda holds: a DSL's agenda is their
    own academy's alone (other academies are figures for comparison, not actions)."""
    scope = current_scope()
    academies = tuple(academies)
    record = tuple(a for a in academies if a in scope.detail_academies)
    if scope.role == "dsl":
        return record, record
    return record, tuple(a for a in academies if a in scope.aggregate_academies)


def meeting_agenda(window: Window, since: dt.date, academies: Iterable[str]) -> pd.DataFrame:
    """The agenda since the last meeting (safeguarding/agenda.py), item by item: trust leads
    and DSLs only. Governors get meeting_counts; asking for items refuses."""
    if current_scope().role not in AGENDA_ROLES:
        raise PermissionError("Governors see counts of the meeting's items, never the items.")
    record, register = _agenda_academies(academies)
    items = _agenda(window, since, record, register, _frozen(_standards()), database_stamp()).copy()
    _log_record_items("meeting_agenda", items, record)
    return items


def meeting_counts(window: Window, since: dt.date, academies: Iterable[str]) -> pd.DataFrame:
    """What governors see of the agenda: open, overdue and resolved per area and academy, with
    counts about children trust-wide only and small ones suppressed (agenda.governor_counts)."""
    from safeguarding import agenda, disclosure

    scope = current_scope()
    shown = tuple(a for a in academies if a in scope.aggregate_academies)
    whole_trust = scope.trust_total_academies or scope.aggregate_academies
    rules, stamp = _frozen(_standards()), database_stamp()
    # Counts only leave this function. Counts about children are the whole trust's, whatever
    # academy is in view: an academy's own would be a small-number view of its own.
    items = _agenda(window, since, shown, shown, rules, stamp)
    trust_items = (
        items
        if set(shown) == set(whole_trust)
        else _agenda(window, since, whole_trust, whole_trust, rules, stamp)
    )
    return agenda.governor_counts(items, disclosure.threshold(), trust_items)


def decision_history(academies: Iterable[str]) -> pd.DataFrame:
    """Every decision about the items of the academies whose records the viewer sees."""
    if current_scope().role not in AGENDA_ROLES:
        raise PermissionError("Governors do not see the action register.")
    record, _ = _agenda_academies(academies)
    # A record-level query (its Records tag): query() keeps it to the viewer's own academies.
    return query("actions/decision_history", academy_codes=list(record), item_key=None)


def record_decisions(identity: str, decisions) -> int:
    """Store the viewer's decisions (checked against their scope in safeguarding/actions.py)."""
    from safeguarding import actions

    actor = actions.Actor(identity, current_scope())
    return len(actions.record(database_path(), actor, decisions))


def record_meeting(identity: str, held_on: dt.date) -> None:
    from safeguarding import actions

    actions.record_meeting(database_path(), actions.Actor(identity, current_scope()), held_on)


def meeting_record_bytes(window: Window, since: dt.date, academies: Iterable[str]) -> bytes:
    """The meeting record (safeguarding/meeting_record.py) for the viewer's academies."""
    from safeguarding import agenda, clock, meeting_record

    if current_scope().role not in AGENDA_ROLES:
        raise PermissionError("Governors do not get the meeting record.")
    record, register = _agenda_academies(academies)
    with database.reader(database_path()) as con:
        return meeting_record.build(
            con, agenda.meeting(window, since), record, register, clock.now()
        )


def linked_pupils(window: Window) -> pd.DataFrame:
    """The children whose chronology the viewer may open (safeguarding.chronology checks the
    role: governors are refused here, whatever page asks)."""
    with cursor() as cur:
        pupils = chronologies.linked_pupils(cur, current_scope(), window.as_of, window.known_at)
    access.records_shown("chronology_children", pupils, current_scope().detail_academies)
    return pupils


def chronology(trust_pupil_ref: str, window: Window) -> pd.DataFrame:
    """One child's chronology, if the viewer may see it (else chronology.ChronologyRefused).
    Not cached: who may see it is checked on every read."""
    with cursor() as cur:
        records = chronologies.read(
            cur, trust_pupil_ref, current_scope(), window.as_of, window.known_at
        )
    shown = records.assign(trust_pupil_ref=trust_pupil_ref)
    academies = records["academy_code"].unique() if "academy_code" in records else ()
    access.records_shown("chronology", shown, academies)
    return records


def purges_since(known_at: dt.datetime | None) -> list[tuple]:
    """The purges after a knowledge time (safeguarding.retention.purges_since)."""
    from safeguarding import retention

    if known_at is None:
        return []
    with cursor() as cur:
        return retention.purges_since(cur, known_at)
