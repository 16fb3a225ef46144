"""Overview, for the trust's weekly safeguarding meeting: the headline figures against their
targets, and the list of things to act on this week."""

from __future__ import annotations

import streamlit as st

from safeguarding import actions, disclosure
from safeguarding.ui import (
    attention,
    components,
    data,
    headlines,
    layout,
    meeting,
    session,
    tiles,
)

ctx = session.context()
filters = ctx.filters
st.title("Weekly safeguarding overview")
if not ctx.academy_codes:
    components.empty_state("academies")
    st.stop()
components.window_before_data(filters, ctx.academy_codes)

# A DSL or a local governor leads with their own academy, the trust beside it.
where = headlines.focus(ctx)
when = f"as of {filters.as_of:%-d %B %Y} · events in {filters.window_label}"
if where.is_own_academy:
    st.caption(f"{where.label}'s figures {when} · beside each, {where.beside}'s")
else:
    in_view = len(ctx.academy_codes)
    st.caption(f"{where.label}: figures {when} · {in_view} academ{'y' if in_view == 1 else 'ies'}")
values = data.metric_values(filters, ctx.academy_codes)
week_values = data.metric_values(filters, ctx.academy_codes, days_earlier=7)
now = tiles.trust_figures(values, where.code)
week_ago = tiles.trust_figures(week_values, where.code)
trust_now = tiles.trust_figures(values) if where.is_own_academy else {}
# On a phone the agenda comes first and the tiles after it (layout.py).
with st.container(key=layout.HEADLINE_TILES):
    columns = st.columns(3)
    for position, metric_id in enumerate(tiles.HEADLINE_METRICS):
        with columns[position % 3]:
            tiles.tile(
                metric_id,
                now.get(metric_id, {}),
                week_ago.get(metric_id, {}),
                beside=(where.beside, trust_now.get(metric_id, {})) if where.beside else None,
                as_of=filters.as_of,
            )

st.subheader("Since the last meeting")
last_recorded = data.last_meeting(filters.as_of)
since = meeting.since_picker(filters.as_of, last_recorded)
if ctx.scope.role not in data.AGENDA_ROLES:
    meeting.governor_counts(
        data.meeting_counts(filters.window, since, ctx.academy_codes), disclosure.threshold()
    )
else:
    st.caption(
        "The needs-attention list now against the list the last meeting saw (as the database "
        "stood at the end of that day): feedback overdue from children's social care, DSL "
        "reviews overdue, training out of date or expiring within 30 days, policies overdue, due "
        "soon or missing, policy flags and stale data. Escalations first (statutory items open "
        "more than the standard's working days past their deadline), then items past their "
        "target date, new items and the longest open. Closing an item (done, or won't act with "
        "a reason) takes it off the agenda, never out of the figures."
    )
    items = data.meeting_agenda(filters.window, since, ctx.academy_codes)
    if items.empty:
        st.success("Nothing needs attention for these filters.")
    else:
        meeting.show_counts(items)
        meeting.agenda_cards(items)
        decisions = meeting.agenda_editor(
            items, ctx.scope.aggregate_academies, can_decide=not filters.known_at
        )
        if decisions:
            try:
                saved = data.record_decisions(ctx.user.email, decisions)
            except actions.DecisionRefused as refused:
                st.error(f"Nothing was saved: {refused}")
            else:
                st.toast(f"Saved {saved} decision(s).")
                st.rerun()
        elif decisions == []:
            st.info("No change to save.")
        if filters.known_at:
            st.caption("Decisions are recorded on the latest view only, not as known earlier.")
        st.download_button(
            "Download the meeting record (Excel)",
            data=lambda: data.meeting_record_bytes(filters.window, since, ctx.academy_codes),
            file_name=f"meeting-record-{filters.as_of.isoformat()}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="meeting_record_download",
            icon=":material/download:",
        )
        st.caption(attention.SCOPE_NOTE)
    meeting.history(data.decision_history(ctx.academy_codes))
    may_record = ctx.scope.role == "trust_lead" and last_recorded != filters.as_of
    if may_record and st.button(
        f"Record a meeting held on {filters.as_of:%-d %B %Y}", key="record_meeting"
    ):
        data.record_meeting(ctx.user.email, filters.as_of)
        st.rerun()

board_pack = data.board_pack_maker(filters)
if board_pack is not None:
    st.subheader("Board pack")
    st.caption(
        "The figures on these pages as an Excel workbook for the board: a cover sheet, one sheet "
        "per area with charts, termly trends and the definitions. Governors' packs show small "
        "numbers as c."
    )
    st.download_button(
        "Download the board pack (Excel)",
        data=board_pack,
        file_name=f"board-pack-{ctx.scope.role}-{filters.as_of.isoformat()}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="board_pack_download",
        icon=":material/download:",
    )
