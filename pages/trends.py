"""Trends: the headline figures term by term or month by month, with control limits that show
whether a change is more than ordinary variation, and this school year against the last."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from safeguarding import metrics_definitions, standards
from safeguarding.codes import TRUST
from safeguarding.ui import components, data, headlines, session
from safeguarding.ui import trend_charts as charts

ctx = session.context()
filters = ctx.filters
rules = standards.load()
as_of_text = f"{filters.as_of:%-d %b %Y}"

st.title("Trends")
if not ctx.academy_codes:
    components.empty_state("academies")
    st.stop()

span = data.query(
    "dashboard/trend_data_span", filters.window, academy_codes=list(ctx.academy_codes)
)
first_event_on = span["first_event_on"].iloc[0] if not span.empty else None
if first_event_on is None or pd.isna(first_event_on):
    components.empty_state(f"concerns or referrals up to {as_of_text}")
    st.stop()
start = charts.trend_start(filters.as_of, pd.Timestamp(first_event_on).date())
st.caption(
    f"From {start:%-d %b %Y} to {as_of_text}: this school year to date and up to "
    f"{charts.YEARS_BEFORE} before it, from the first month with data. {len(ctx.academy_codes)} "
    f"{'academy' if len(ctx.academy_codes) == 1 else 'academies'} in view. Each point is the "
    "figure at the end of its period: events (concerns, referrals, starters) in the period, "
    "states (training, policies) on its last day. The sidebar window does not apply here."
)

left, right = st.columns(2)
whole_terms_only = ctx.scope.suppress_small_numbers
if whole_terms_only:
    # Months beside the terms they make up, or a term not over yet, would reveal hidden counts.
    period_kind = "term"
    left.caption("By term: whole terms that have ended (small numbers are hidden here).")
else:
    period_kind = left.radio(
        "Points",
        ["term", "month"],
        format_func={"term": "By term", "month": "By month"}.get,
        horizontal=True,
        key="trends_period",
    )
# Without academy or phase filters the academies in view are the whole trust.
filtered = bool(filters.academy_codes or filters.phases)
total_label = headlines.total_label(ctx.scope, ctx.academy_codes, filtered, ctx.academy_name)
# With one academy in view its figures are the total: no second entry for it. A DSL or local
# governor starts on their own academy.
choices = [TRUST, *[c for c in ctx.academy_codes if ctx.academy_name(c) != total_label]]
own = headlines.focus(ctx).code
who_code = right.selectbox(
    "Figures for",
    choices,
    index=choices.index(own) if own in choices else 0,
    format_func=lambda c: total_label if c == TRUST else ctx.academy_name(c),
    key="trends_who",
)
who = total_label if who_code == TRUST else ctx.academy_name(who_code)

if period_kind == "term":
    periods = charts.term_periods(
        data.term_windows(start, filters.as_of.replace(year=filters.as_of.year + 1)),
        filters.as_of,
    )
else:
    periods = charts.month_periods(start, filters.as_of)
series = data.metric_series(
    [p.window for p in periods],
    ctx.academy_codes,
    metric_ids=charts.HEADLINE_METRICS,
    known_at=filters.known_at,
)

st.subheader("Control charts")
st.caption(
    "Grey dashed lines are control limits, 3 sigma either side of the average (grey line): "
    "percentages use a p-chart, whose limits are wider for periods with fewer cases; counts a "
    "c-chart (average ± 3 × its square root). A red diamond marks a point outside the limits, "
    "unlikely to be chance. An open circle is a period not over yet. Counts follow the school "
    "year, so holidays (August) often fall below the limits."
)
for metric_id in charts.HEADLINE_METRICS:
    applies = metrics_definitions.applies_from(metric_id, rules)
    frame = charts.points(series, periods, metric_id, who_code, applies)
    components.help_popover(metric_id, label=f"About: {components.definitions()[metric_id].label}")
    if frame["value"].notna().any():
        components.chart(
            charts.control_chart_figure(
                frame,
                metric_id,
                who,
                period_kind,
                is_trust=who_code == TRUST,
                not_applicable=applies.reason if applies else None,
            ),
            key=f"trends_{metric_id}",
        )
        note = charts.not_applicable_note(frame, applies)
        if note:
            st.caption(note)
    else:
        components.empty_state(f"figures for {components.definitions()[metric_id].label.lower()}")

st.subheader("This year against last")
if whole_terms_only:
    components.no_months_note()
    st.stop()
compared = st.selectbox(
    "Figure",
    charts.HEADLINE_METRICS,
    format_func=lambda m: components.definitions()[m].label,
    key="trends_year_metric",
)
components.help_popover(compared)
if period_kind == "month":
    month_periods, month_series = periods, series
else:
    # Months of two school years, of the one figure compared: the monthly staff and training
    # figures of the whole span would cost most of a second on the largest trust.
    this_year_start = charts.academic_year_start(filters.as_of)
    last_year_start = this_year_start.replace(year=this_year_start.year - 1)
    month_periods = charts.month_periods(max(start, last_year_start), filters.as_of)
    month_series = data.metric_series(
        [p.window for p in month_periods],
        ctx.academy_codes,
        metric_ids=(compared,),
        known_at=filters.known_at,
    )
compared_applies = metrics_definitions.applies_from(compared, rules)
years = charts.year_against_last(
    charts.points(month_series, month_periods, compared, who_code, compared_applies),
    filters.as_of,
)
if years["value"].notna().any():
    components.chart(
        charts.year_against_last_figure(
            years,
            compared,
            who,
            filters.as_of,
            not_applicable=compared_applies.reason if compared_applies else None,
        ),
        key="trends_year_against_last",
    )
    for note in (
        charts.too_few_note(years, compared),
        charts.not_applicable_note(years, compared_applies),
    ):
        if note:
            st.caption(note)
    if not (~years["is_this_year"]).any():
        st.caption("There are no figures for last school year: the data starts this year.")
else:
    components.empty_state("figures this school year or last")
