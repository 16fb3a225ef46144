"""Entry point: `streamlit run dashboard.py`. Navigation over the pages in pages/."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="Safeguarding dashboard", page_icon="🛡️", layout="wide")

navigation = st.navigation(
    {
        "Data": [st.Page("pages/data.py", title="Data", icon="📥", default=True)],
    }
)
navigation.run()
