"""How the overview shows the weekly meeting: the counts since the last meeting, the agenda with
its owners, actions and statuses (editable by those who may decide), the register's history,
and for governors the counts alone (built in safeguarding/agenda.py and actions.py)."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import streamlit as st

from safeguarding import actions, agenda
from safeguarding.codes import TRUST
from safeguarding.ui import components, layout, tables

NOT_SET = "—"
CHANGE_LABELS = {"new": "New", "open": "Still open", "resolved": "Resolved"}
RESOLVED_BY = {"data": "cleared in the data", "decision": "closed by decision"}
EDITABLE = ("owner", "action", "target_on", "status", "reason", "note")
# The register's history: who decided what and when, then the decision's own fields.
HISTORY_COLUMNS = (
    "decided_at",
    "decided_by",
    "decided_as",
    "item_key",
    *[c for c in agenda.DECISION_COLUMNS if c not in ("decided_by", "decided_at", "decisions")],
)
NOT_DECIDED = {
    "owner": "no owner yet",
    "action": "none agreed",
    "target_on": "none set",
    "reason": "—",
    "note": "—",
}


def since_picker(as_of: dt.date, recorded: dt.date | None) -> dt.date:
    default = recorded or as_of - dt.timedelta(days=agenda.DEFAULT_DAYS_SINCE)
    return st.date_input(
        "Compare with the meeting held on",
        value=default,
        max_value=as_of - dt.timedelta(days=1),
        format="DD/MM/YYYY",
        key="since",
        help=(
            "The agenda that meeting saw is rebuilt as the database stood at the end of that day. "
            "Default: the last meeting recorded below, else a week before the as-of date."
        ),
    )


def show_counts(items: pd.DataFrame) -> None:
    st.markdown(f"#### {agenda.headline(agenda.counts(items))}")


def owner_choices(academies: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    """ "DSL, OAK" -> ("dsl", "OAK"), for every role and academy (and the trust)."""
    return {
        f"{label}, {academy}": (role, academy)
        for academy in (*academies, TRUST)
        for role, label in actions.OWNER_ROLES.items()
    }


def _labelled(items: pd.DataFrame) -> pd.DataFrame:
    # Column at a time: a large trust's agenda runs to thousands of items, labelled every rerun.
    owner_label = items["owner_role"].map(actions.OWNER_ROLES)
    owner_at = items["owner_academy"].where(items["owner_academy"].notna(), TRUST).astype(object)
    owner = (owner_label + ", " + owner_at).astype(object)
    owner = owner.where(owner_label.notna(), None)

    change = [
        CHANGE_LABELS[c]
        + (f" ({RESOLVED_BY[by]})" if c == "resolved" else "")
        + (f", {int(w)} wk overdue" if c == "open" and not pd.isna(w) and w > 0 else "")
        for c, by, w in zip(
            items["change"], items["resolved_by"], items["weeks_overdue"], strict=True
        )
    ]
    flag = [
        "⚠ Escalate · " if esc else ("Past target · " if past else "")
        for esc, past in zip(items["escalate"], items["past_target"], strict=True)
    ]
    change = [f + c for f, c in zip(flag, change, strict=True)]
    # What the meeting decides comes right after what the item is, before the detail.
    return pd.DataFrame(
        {
            "key": items["key"],
            "change": change,
            "academy_code": items["academy_code"],
            "area": items["area"],
            "item": items["item"],
            "status": items["status"].map(actions.STATUSES).fillna(actions.STATUSES["open"]),
            "owner": owner,
            "action": items["action"].map(actions.ACTIONS),
            "target_on": items["target_on"],
            "reason": items["reason"].map(actions.WONT_ACT_REASONS),
            "note": items["note"],
            "due_on": items["due_on"],
            "overdue_working_days": items["overdue_working_days"],
            "overdue_days": items["overdue_days"],
            "detail": items["detail"],
        }
    )


def _column_config(owners: list[str]) -> dict:
    return {
        "key": None,
        "change": "Since last meeting",
        "area": "What",
        "academy_code": "Academy",
        "item": "Item",
        "detail": "Detail",
        "due_on": st.column_config.DateColumn("Due", format="D MMM YYYY"),
        "overdue_working_days": st.column_config.NumberColumn("Working days overdue", format="%d"),
        "overdue_days": st.column_config.NumberColumn("Days overdue", format="%d"),
        "owner": st.column_config.SelectboxColumn("Owner", options=owners),
        "action": st.column_config.SelectboxColumn(
            "Agreed action", options=list(actions.ACTIONS.values())
        ),
        "target_on": st.column_config.DateColumn("Target date", format="D MMM YYYY"),
        "status": st.column_config.SelectboxColumn(
            "Status", options=list(actions.STATUSES.values()), required=True
        ),
        "reason": st.column_config.SelectboxColumn(
            "Reason (won't act)", options=list(actions.WONT_ACT_REASONS.values())
        ),
        "note": st.column_config.TextColumn(
            "Note",
            max_chars=actions.NOTE_MAX_CHARACTERS,
            help="Short, and no names or numbers that identify anyone: every role that sees "
            "the item sees it.",
        ),
    }


def agenda_editor(
    items: pd.DataFrame, owner_academies: tuple[str, ...], can_decide: bool
) -> list[actions.Decision] | None:
    """The items still on the agenda as an editable table, and the resolved ones below it.
    Returns the decisions changed when "Save decisions" is pressed, else None."""
    current = _labelled(items[items["change"] != "resolved"]).reset_index(drop=True)
    resolved = _labelled(items[items["change"] == "resolved"]).reset_index(drop=True)
    owners = owner_choices(owner_academies)
    config = _column_config(list(owners))
    missing = {"due_on": "no due date", "overdue_working_days": "—", "overdue_days": "—"}
    with st.container(key=layout.AGENDA_TABLE):
        return _table(current, resolved, config, missing, owners, items, can_decide)


def _table(current, resolved, config, missing, owners, items, can_decide):
    decisions = None
    if can_decide:
        shown, editor_config = tables.readable(current, config, missing, editable=EDITABLE)
        with st.form("agenda_decisions", border=False):
            edited = st.data_editor(
                shown,
                hide_index=True,
                width="stretch",
                column_config=editor_config,
                disabled=[c for c in current.columns if c not in EDITABLE],
                key="agenda_editor",
            )
            if st.form_submit_button("Save decisions", icon=":material/save:"):
                decisions = _changed(current, edited, items.set_index("key"), owners)
    else:
        tables.show(current, config, {**missing, **NOT_DECIDED}, width="stretch")
    if not resolved.empty:
        st.markdown(f"**Resolved since the last meeting ({len(resolved)})**, shown this once:")
        tables.show(resolved, config, {**missing, **NOT_DECIDED}, width="stretch")
    return decisions


def agenda_cards(items: pd.DataFrame) -> None:
    """The agenda as compact cards, the first CARD_LIMIT of them: drawn always, shown only on a
    small screen (layout.py), where a wide table shows two columns at a time."""
    current = _labelled(items[items["change"] != "resolved"])
    resolved = int((items["change"] == "resolved").sum())
    with st.container(key=layout.AGENDA_CARDS):
        more = len(current) - CARD_LIMIT
        st.caption(
            (f"The first {CARD_LIMIT} of {len(current)} items. " if more > 0 else "")
            + (f"{resolved} resolved since the last meeting. " if resolved else "")
            + "To record decisions, open this page on a wider screen."
        )
        for row in current.head(CARD_LIMIT).itertuples():
            with st.container(border=True):
                st.markdown(
                    f"**{_plain(row.change)}** · {_plain(row.academy_code)} · {_plain(row.area)}"
                    f"  \n{_plain(row.item)}  \n{_plain(_card_line(row))}"
                )


CARD_LIMIT = 25


def _card_line(row) -> str:
    due = f"due {row.due_on:%-d %b %Y}" if _given(row.due_on) else "no due date"
    late = ""
    if _given(row.overdue_working_days) and row.overdue_working_days > 0:
        late = f" ({int(row.overdue_working_days)} working days overdue)"
    owner = row.owner if _given(row.owner) else NOT_DECIDED["owner"]
    action = row.action if _given(row.action) else NOT_DECIDED["action"]
    return f"{due}{late} · {row.status} · {owner} · {action}"


_MARKDOWN = re.compile(r"([\\`*_\[\]<>#|~$])")


def _plain(text) -> str:
    """Text as itself, not as markdown (an item's words are data, not formatting)."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def _changed(before: pd.DataFrame, after: pd.DataFrame, items: pd.DataFrame, owners: dict):
    by_label = {
        "action": {v: k for k, v in actions.ACTIONS.items()},
        "status": {v: k for k, v in actions.STATUSES.items()},
        "reason": {v: k for k, v in actions.WONT_ACT_REASONS.items()},
    }
    decisions = []
    for (_, old), (_, new) in zip(before.iterrows(), after.iterrows(), strict=True):
        if all(_same(old[c], new[c]) for c in EDITABLE):
            continue
        role, academy = (
            owners.get(new["owner"], (None, None)) if _given(new["owner"]) else (None, None)
        )
        target = new["target_on"]
        decisions.append(
            actions.Decision(
                item_key=new["key"],
                area=items.loc[new["key"], "area"],
                status=by_label["status"].get(new["status"], "open"),
                owner_role=role,
                owner_academy=academy,
                action=by_label["action"].get(new["action"]) if _given(new["action"]) else None,
                target_on=pd.Timestamp(target).date() if _given(target) else None,
                reason=by_label["reason"].get(new["reason"]) if _given(new["reason"]) else None,
                note=new["note"] if _given(new["note"]) else None,
            )
        )
    return decisions


def _given(value) -> bool:
    return (
        value is not None
        and not (isinstance(value, float) and pd.isna(value))
        and not (value is pd.NaT or value is pd.NA or value == "")
    )


def _same(a, b) -> bool:
    if not _given(a) and not _given(b):
        return True
    if isinstance(a, dt.date) or isinstance(b, dt.date):
        return _given(a) and _given(b) and pd.Timestamp(a) == pd.Timestamp(b)
    return a == b


def history(trail: pd.DataFrame) -> None:
    with st.expander(f"The action register: every decision ({len(trail)})"):
        if trail.empty:
            st.caption("No decision recorded yet.")
            return
        shown = (
            trail.sort_values("decided_at", ascending=False)
            .head(500)
            .assign(
                owner_role=lambda f: f["owner_role"].map(actions.OWNER_ROLES),
                action=lambda f: f["action"].map(actions.ACTIONS),
                status=lambda f: f["status"].map(actions.STATUSES),
                reason=lambda f: f["reason"].map(actions.WONT_ACT_REASONS),
            )
        )
        tables.show(
            shown[list(HISTORY_COLUMNS)],
            missing={**NOT_DECIDED, "owner_role": "no owner yet", "owner_academy": "—"},
            width="stretch",
            column_config={
                "decided_at": st.column_config.DatetimeColumn("When", format="D MMM YYYY HH:mm"),
                "decided_by": "Who",
                "decided_as": "As",
                "item_key": "Item key",
                "owner_role": "Owner",
                "owner_academy": "Owner's academy",
                "action": "Agreed action",
                "target_on": st.column_config.DateColumn("Target date", format="D MMM YYYY"),
                "status": "Status",
                "reason": "Reason",
                "note": "Note",
            },
        )
        st.caption("Decisions are never overwritten: a change adds a row, so this is the history.")


def governor_counts(counts: pd.DataFrame, limit: int) -> None:
    st.info(agenda.GOVERNOR_NOTE.format(limit=limit), icon=":material/visibility_off:")
    if counts.empty:
        st.success("Nothing is on the agenda for these filters.")
        return
    components.download_csv(
        counts, "meeting-counts.csv", "Download the counts (CSV)", key="meeting_counts_csv"
    )
    st.dataframe(
        counts,
        hide_index=True,
        width="stretch",
        column_config={
            "area": "What",
            "academy_code": "Academy",
            "open": "Open",
            "overdue": "Overdue",
            "resolved": "Resolved since the last meeting",
        },
    )
