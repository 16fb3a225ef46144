"""How the overview shows the needs-attention list (built in safeguarding/attention.py)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from safeguarding.ui import components

# What the list holds about DSL reviews, said on the page (issue 14's choice).
SCOPE_NOTE = (
    "Each item counts against one headline figure, so the list and the tiles agree: referrals "
    "still waiting for social care feedback, staff and governor training out of date or "
    "expiring, DSL training, policy reviews and missing policies. DSL reviews: only concerns "
    "still waiting for their DSL review after the deadline are listed; a review that was late "
    "but is done counts in “DSL review on time” on the Referrals page and is not an action. "
    "Working days overdue are for statutory deadlines (Monday to Friday, not bank holidays); "
    "days overdue are calendar days."
)

SHOWN_COLUMNS = [
    "area",
    "academy_code",
    "item",
    "detail",
    "due_on",
    "overdue_working_days",
    "overdue_days",
]


def show(actions: pd.DataFrame, file_name: str) -> None:
    counts = actions.groupby("area", sort=False).size()
    # "DSL review overdue" stays DSL: only the first letter is lowered.
    st.markdown(" · ".join(f"**{n}** {area[0].lower()}{area[1:]}" for area, n in counts.items()))
    st.dataframe(
        actions[SHOWN_COLUMNS],
        hide_index=True,
        width="stretch",
        column_config={
            "area": "What",
            "academy_code": "Academy",
            "item": "Item",
            "detail": "Detail",
            "due_on": st.column_config.DateColumn("Due", format="D MMM YYYY"),
            "overdue_working_days": st.column_config.NumberColumn(
                "Working days overdue", format="%d"
            ),
            "overdue_days": st.column_config.NumberColumn("Days overdue", format="%d"),
        },
    )
    components.download_csv(
        actions[["key", "metric", *SHOWN_COLUMNS]],
        file_name,
        "Download the list (CSV)",
        key="attention_csv",
    )
