"""Data: what the database holds, and how fresh each academy's exports are."""

from __future__ import annotations

import streamlit as st

from safeguarding import database, status

st.title("Data")
try:
    con = database.reader()
except database.DatabaseMissing as missing:
    st.info(str(missing))
    st.stop()
with con:
    counts = status.row_counts(con)
    history = status.ingest_history(con, limit=50)

st.subheader("Rows held, by dataset")
st.dataframe(
    counts,
    hide_index=True,
    column_config={"row_count": st.column_config.NumberColumn("rows", format="%d")},
)
st.subheader("Ingest history (newest first)")
st.dataframe(history, hide_index=True)
