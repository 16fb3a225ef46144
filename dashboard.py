"""Entry point: `streamlit run dashboard.py`. Sets up who is looking and the shared filters,
then runs the chosen page from pages/."""

from __future__ import annotations

import streamlit as st

from safeguarding.ui import session

st.set_page_config(page_title="Safeguarding dashboard", page_icon="🛡️", layout="wide")

PAGES = {
    "Weekly meeting": [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    ],
    "Promises kept": [
        st.Page("pages/referrals.py", title="Referral timeliness", icon=":material/schedule:"),
        st.Page("pages/training.py", title="Training coverage", icon=":material/school:"),
        st.Page("pages/policies.py", title="Policy review", icon=":material/policy:"),
    ],
    "Governance": [
        st.Page("pages/compare.py", title="Compare academies", icon=":material/compare:"),
        st.Page("pages/trends.py", title="Trends", icon=":material/trending_up:"),
    ],
    "Data": [
        st.Page("pages/data.py", title="Data", icon=":material/upload_file:"),
        st.Page("pages/about.py", title="About the figures", icon=":material/menu_book:"),
    ],
}

navigation = st.navigation(PAGES)
session.follow_deep_link()
if session.start() is None:
    st.stop()
navigation.run()
