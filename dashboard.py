"""Entry point: `streamlit run dashboard.py`. Sets up who is looking and the shared filters,
then runs the chosen page from pages/."""

from __future__ import annotations

import streamlit as st

from safeguarding.ui import layout, navigation, session

st.set_page_config(page_title="Safeguarding dashboard", page_icon="🛡️", layout="wide")
layout.style()

chosen_page = st.navigation(navigation.pages())
if session.start(chosen_page.url_path) is None:
    st.stop()
chosen_page.run()
