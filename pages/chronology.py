"""A child's chronology: every concern and referral about one child at every academy of the
trust, in time order, with the gaps between them and the moves between academies. For the
trust's safeguarding lead, and a DSL for a child who is or was at their academy; governors are
refused by the data layer (safeguarding/chronology.py)."""

from __future__ import annotations

import streamlit as st

from safeguarding.chronology import ChronologyRefused
from safeguarding.ui import chronology_charts, components, data, session, tables

ctx = session.context()
filters = ctx.filters
st.title("Child chronology")
st.caption(
    f"One child's concerns and referrals at every academy, up to {filters.as_of:%-d %B %Y}. "
    "A child is known only by their trust pseudonym (trust_pupil_ref), the same at every "
    "academy; nobody here can see who they are."
)

try:
    children = data.linked_pupils(filters.window)
except ChronologyRefused as refused:
    st.info(str(refused), icon=":material/lock:")
    st.stop()

if children.empty:
    st.info(
        "No concern or referral carries a trust pseudonym yet. Academies add one when they "
        "anonymise their exports with the trust's linking key (`safeguarding anonymise "
        "--trust-key-file`, see docs/anonymise.md).",
        icon=":material/link_off:",
    )
    st.stop()

names = {code: ctx.academy_name(code) for code in ctx.scope.aggregate_academies}
across = int((children["academies"] > 1).sum())
st.caption(
    f"{len(children):,} children you may look at; {across:,} of them with records at more than "
    "one academy (listed first)."
)


def describe(ref: str) -> str:
    row = children.loc[children["trust_pupil_ref"] == ref].iloc[0]
    where = ", ".join(names.get(code, code) for code in row["academy_codes"])
    concerns, referrals = int(row["concerns"]), int(row["referrals"])
    return (
        f"{ref} · {concerns} concern{'s' * (concerns != 1)}, "
        f"{referrals} referral{'s' * (referrals != 1)} · {where}"
    )


chosen = st.selectbox(
    "Child (trust pseudonym)", children["trust_pupil_ref"], format_func=describe, key="child"
)
rows = data.chronology(chosen, filters.window)

moves = int(rows["is_move"].sum())
gap = rows["days_since_previous"].max()
headline = st.columns(4)
headline[0].metric("Concerns", int((rows["record"] == "concern").sum()))
headline[1].metric("Referrals", int((rows["record"] == "referral").sum()))
headline[2].metric("Moves between academies", moves)
headline[3].metric(
    "Longest gap", "—" if rows["days_since_previous"].isna().all() else f"{int(gap)} days"
)

components.chart(chronology_charts.timeline(rows, names), key="chronology_timeline")

st.subheader("Record by record")
tables.show(
    rows.assign(
        academy=[names.get(code, code) for code in rows["academy_code"]],
        category=rows["category"].str.replace("_", " ").str.capitalize(),
        agency=rows["agency"].str.replace("_", " ").str.capitalize(),
        outcome=rows["outcome"].str.replace("_", " "),
        timeliness=[
            chronology_charts.TIMELINESS.get(t, chronology_charts.TIMELINESS[None])[0]
            for t in rows["timeliness"]
        ],
        move=["moved here" if m else "" for m in rows["is_move"]],
    )[
        [
            "record_no",
            "at",
            "academy",
            "record",
            "concern_id",
            "referral_id",
            "category",
            "agency",
            "status",
            "outcome",
            "timeliness",
            "days_since_previous",
            "move",
        ]
    ],
    column_config={
        "record_no": st.column_config.NumberColumn("#", format="%d", width="small"),
        "at": st.column_config.DatetimeColumn("When", format="D MMM YYYY, HH:mm"),
        "academy": "Academy",
        "record": "Record",
        "concern_id": "Concern",
        "referral_id": "Referral",
        "category": "Category",
        "agency": "Referred to",
        "status": "Status",
        "outcome": "Outcome or decision",
        "timeliness": "Dealt with in time?",
        "days_since_previous": st.column_config.NumberColumn(
            "Days since the previous", format="%d"
        ),
        "move": "Move",
    },
    missing={"concern_id": "", "referral_id": "", "agency": "", "status": "", "move": ""},
)
