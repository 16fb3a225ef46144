"""The dashboard's pages, grouped as the sidebar shows them."""

from __future__ import annotations

import streamlit as st


def pages() -> dict[str, list]:
    return {
        "Weekly meeting": [
            st.Page(
                "pages/overview.py", title="Overview", icon=":material/dashboard:", default=True
            ),
        ],
        "Promises kept": [
            st.Page("pages/referrals.py", title="Referral timeliness", icon=":material/schedule:"),
            st.Page("pages/training.py", title="Training coverage", icon=":material/school:"),
            st.Page("pages/policies.py", title="Policy review", icon=":material/policy:"),
            st.Page(
                "pages/commitments.py", title="Policy commitments", icon=":material/handshake:"
            ),
        ],
        "Governance": [
            st.Page("pages/compare.py", title="Compare academies", icon=":material/compare:"),
            st.Page("pages/trends.py", title="Trends", icon=":material/trending_up:"),
            st.Page("pages/chronology.py", title="Child chronology", icon=":material/timeline:"),
        ],
        "Data": [
            st.Page("pages/data.py", title="Data", icon=":material/upload_file:"),
            st.Page("pages/about.py", title="About the figures", icon=":material/menu_book:"),
        ],
    }
