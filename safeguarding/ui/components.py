"""Small page pieces used everywhere: metric help, empty states, formatted figures, downloads."""

from __future__ import annotations

import functools

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from safeguarding import metrics_definitions
from safeguarding.exports import csv_bytes
from safeguarding.ui import access


@functools.cache
def definitions() -> dict[str, metrics_definitions.MetricDefinition]:
    return metrics_definitions.load()


def metric_help_text(metric_id: str) -> str:
    d = definitions()[metric_id]
    parts = [f"**{d.label}**", d.definition, f"*Source:* {d.source}"]
    if d.green_at is not None:
        comparison = "≥" if d.better == "higher" else "≤"
        parts.append(
            f"*Target:* green {comparison} {format_value(d.green_at, d.unit)}, "
            f"amber {comparison} {format_value(d.amber_at, d.unit)}, red otherwise."
        )
    if d.interpretation:
        parts.append(f"*How it is read:* {d.interpretation}")
    return "\n\n".join(parts)


def help_popover(*metric_ids: str, label: str = "About these figures") -> None:
    """The definition and policy clause behind a chart, one click away."""
    with st.popover(label, icon=":material/info:"):
        for metric_id in metric_ids:
            st.markdown(metric_help_text(metric_id))


def format_value(value, unit: str) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    if isinstance(value, str):
        return value  # already suppressed, e.g. "c"
    if unit == "%":
        return f"{value:.1f}%"
    if unit == "hours":
        return f"{value:.1f} h"
    return f"{int(value):,}"


def chart(figure: go.Figure, key: str) -> None:
    st.plotly_chart(figure, key=key, config={"displaylogo": False})


def empty_state(what: str) -> None:
    st.info(f"No {what} for these filters. Try a wider window, more academies, or another date.")


def window_before_data(filters, academy_codes) -> None:
    """Said when the window opens before the first concern or referral of the academies in view:
    the months before it count nothing, which is not the same as nothing happening."""
    from safeguarding.ui import data

    span = data.query(
        "dashboard/trend_data_span", filters.window, academy_codes=list(academy_codes)
    )
    first = span["first_event_on"].iloc[0] if not span.empty else None
    if first is None or pd.isna(first):
        return
    first = pd.Timestamp(first).date()
    if filters.date_from < first:
        st.warning(
            f"The window starts on {filters.date_from:%-d %B %Y}, before the data does: the "
            f"first concern or referral on record for these academies is on {first:%-d %B %Y}. "
            "Events before then are not in the exports, so counts and percentages cover less "
            "than the whole window.",
            icon=":material/history_toggle_off:",
        )


def no_months_note() -> None:
    """Said where a suppressed view leaves out a monthly chart: months set beside the term
    they make up would let a hidden count be worked out (SECURITY.md, the suppression rule)."""
    st.info(
        "Month by month is not shown in this view: small numbers are hidden here, and months "
        "set beside their term would reveal them. The figures are for whole terms.",
        icon=":material/shield:",
    )


CHANGES_SHOWN = 500


def changes_panel(metric_id: str, filters, academies, role: str) -> None:
    """For the trust lead, beside a figure's list: the rows behind it that changed in the week
    up to the knowledge time shown, so a figure that moved since the last meeting is explained."""
    if role != "trust_lead":
        return
    import datetime as dt

    from safeguarding import clock
    from safeguarding.ui import data

    # Up to the end of this minute: the list is cached by its arguments, and a clock read to
    # the microsecond would miss the cache on every rerun (nothing is known after now).
    until = filters.known_at or (
        clock.now().replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    )
    since = until - dt.timedelta(days=7)
    label = definitions()[metric_id].label
    to_day = filters.known_at or clock.now()
    with st.expander(f"Why “{label}” moved: rows changed in the 7 days to {to_day:%-d %b %Y}"):
        rows = data.changes(metric_id, since, until, academies)
        if rows.empty:
            st.caption("No export added, changed or retired a row behind this figure that week.")
            return
        counts = rows.groupby("change").size()
        st.markdown(" · ".join(f"**{n:,}** {change}" for change, n in counts.items()))
        if len(rows) > CHANGES_SHOWN:
            st.caption(
                f"The first {CHANGES_SHOWN:,} of {len(rows):,}; `safeguarding changes --metric "
                f"{metric_id}` lists them all."
            )
        st.dataframe(
            rows.head(CHANGES_SHOWN),
            hide_index=True,
            width="stretch",
            column_config={
                "dataset": "Dataset",
                "academy_code": "Academy",
                "row_ref": "Row (pseudonymous)",
                "change": "Change",
                "changed_at": st.column_config.DatetimeColumn("When", format="DD/MM/YYYY HH:mm"),
                "by_file": "By the export",
            },
        )


def _logged_csv(frame: pd.DataFrame, file_name: str, viewer) -> bytes:
    """The file, once its download is in the access log (an export; a failure stops it)."""
    academies = frame["academy_code"].dropna().unique() if "academy_code" in frame else ()
    access.exported(viewer, file_name, frame, academies)
    return csv_bytes(frame)


def download_csv(frame: pd.DataFrame, file_name: str, label: str, key: str) -> None:
    # The file is written when the button is clicked, not on every rerun: a list of a few
    # thousand rows costs tens of milliseconds to neutralise and encode, and is rarely wanted.
    st.download_button(
        label,
        data=functools.partial(_logged_csv, frame, file_name, access.current_viewer()),
        file_name=file_name,
        mime="text/csv",
        key=key,
        icon=":material/download:",
    )
