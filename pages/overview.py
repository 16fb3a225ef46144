"""Overview, for the trust's weekly safeguarding meeting: the headline figures against their
targets, and the list of things to act on this week."""

from __future__ import annotations

import streamlit as st

from safeguarding.ui import attention, components, data, session, tiles

ctx = session.context()
filters = ctx.filters
st.title("Weekly safeguarding overview")
st.caption(
    f"Trust figures as of {filters.as_of:%-d %B %Y} · events in {filters.window_label} · "
    f"{len(ctx.academy_codes)} academies in view"
)
if not ctx.academy_codes:
    components.empty_state("academies")
    st.stop()

now = tiles.trust_figures(data.metric_values(filters, ctx.academy_codes))
week_ago = tiles.trust_figures(data.metric_values(filters, ctx.academy_codes, days_earlier=7))
columns = st.columns(3)
for position, metric_id in enumerate(tiles.HEADLINE_METRICS):
    with columns[position % 3]:
        tiles.tile(metric_id, now.get(metric_id, {}), week_ago.get(metric_id, {}))

st.subheader("Needs attention")
st.caption(
    "Feedback overdue from children's social care, DSL reviews overdue, training out of date or "
    "expiring within 30 days, policies overdue, due soon or missing, policy flags and academies "
    "whose data is stale — most urgent first."
)
actions = data.needs_attention(filters.window, ctx.academy_codes)
if actions.empty:
    st.success("Nothing needs attention for these filters.")
else:
    attention.show(actions, f"needs-attention-{filters.as_of.isoformat()}.csv")
    st.caption(attention.SCOPE_NOTE)

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
