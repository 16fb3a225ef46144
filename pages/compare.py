"""Compare academies: rates per 100 pupils, funnel plots and ranked intervals for the DSL
network, so academies of different sizes are compared fairly."""

from __future__ import annotations

import streamlit as st

from safeguarding.codes import TRUST
from safeguarding.ui import compare_charts, components, data, session, tables

ctx = session.context()
filters = ctx.filters
definitions = components.definitions()
labels = {metric_id: d.label for metric_id, d in definitions.items()}

st.title("Compare academies")
if not ctx.academy_codes:
    components.empty_state("academies")
    st.stop()
components.window_before_data(filters, ctx.academy_codes)

# The reference is the whole trust as this viewer may see it, whatever the academy and phase
# filters pick: a filtered academy is still compared with the trust, not with itself.
trust_academies = data.academies()
reference_codes = tuple(trust_academies["academy_code"])
values = data.metric_values(filters, reference_codes)
# The rolls the TRUST row's academies add up to (for a local governor, the whole trust's).
every_academy = data.every_academy()
trust_rolls = every_academy[
    every_academy["academy_code"].isin(ctx.scope.total_over(reference_codes))
]
when = f"{filters.date_from:%-d %b %Y} to {filters.date_to:%-d %b %Y} ({filters.window_label})"
st.caption(
    f"As of {filters.as_of:%-d %B %Y}; events from {when}. "
    f"{len(ctx.academy_codes)} of {len(trust_academies)} academies shown; the trust line is "
    "always the whole trust, whatever the filters pick."
)
if ctx.own_academy:
    st.caption(
        f"Your academy, {ctx.academy_name(ctx.own_academy)}, is marked “(yours)” on each chart."
    )
st.info(
    "**Judge an academy against the limits, not against its rank.** Someone is always at "
    "the bottom of a list. An academy inside the funnel's limits is not shown to differ from "
    "the trust, however it ranks; one outside the 99.8% limits is unlikely to differ by "
    "chance alone and is worth a conversation.",
    icon=":material/balance:",
)

# --- Rates per 100 pupils -------------------------------------------------------------------
st.subheader("Rates per 100 pupils on roll")
rates = compare_charts.rates_per_100(
    values, trust_academies, ctx.academy_codes, trust_rolls=trust_rolls
)
left, right = st.columns([4, 1], vertical_alignment="bottom")
rate_metric = left.radio(
    "Measure",
    compare_charts.RATE_METRICS,
    format_func=labels.get,
    horizontal=True,
    key="compare_rate_metric",
)
with right:
    components.help_popover(*compare_charts.RATE_METRICS)
st.caption(
    "A count divided by the academy's pupils on roll (from the academies file), times 100. "
    "It puts a 1,600-pupil secondary and a 150-pupil primary on the same scale; it does not "
    "say whether more concerns is better or worse (a culture of reporting raises it)."
)
if rates.loc[rates["academy_code"] != TRUST, "rate_per_100"].notna().any():
    components.chart(
        compare_charts.rates_chart(
            rates, rate_metric, labels[rate_metric], when, own=ctx.own_academy
        ),
        key="compare_rates",
    )
else:
    st.info(
        "No academy in view has a pupils-on-roll figure, so no rate can be shown. Add "
        "pupils_on_roll to the academies file and load it again."
    )
rates_table = compare_charts.rates_table(rates, labels)
with st.expander("Rates for every measure, as a table"):
    tables.show(rates_table)
    components.download_csv(
        rates_table, "rates-per-100-pupils.csv", "Download the rates (CSV)", "compare_rates_csv"
    )

# --- Funnel plot and ranked view ------------------------------------------------------------
st.subheader("On time, allowing for size: funnel plot")
left, right = st.columns([4, 1], vertical_alignment="bottom")
funnel_metric = left.radio(
    "Measure",
    compare_charts.FUNNEL_METRICS,
    format_func=labels.get,
    horizontal=True,
    key="compare_funnel_metric",
)
with right, st.popover("About these figures", icon=":material/info:"):
    st.markdown(components.metric_help_text(funnel_metric))
    st.markdown(compare_charts.FUNNEL_METHOD)

table, trust_p = compare_charts.funnel_table(
    values, trust_academies, funnel_metric, ctx.academy_codes
)
units = compare_charts.FUNNEL_UNITS[funnel_metric]
if trust_p is None or not (table["denominator"] > 0).any():
    components.empty_state(units[1])
    st.stop()

st.caption(
    f"Each point is an academy: across, how many {units[1]} it had; up, the % {units[0]}. "
    f"The lines are the trust's {100 * trust_p:.1f}% and the range an academy of that size "
    "would fall in by chance alone (dashed 95%, dotted 99.8%). Small academies have wide "
    "limits because a few cases swing their percentage a long way. The % axis starts just "
    "below the lowest point or limit, so that the differences can be seen."
    + (
        f" With more than {compare_charts.MAX_LABELLED_POINTS} academies only those outside "
        "the 95% limits are labelled; point at the others for their names."
        if (table["denominator"] > 0).sum() > compare_charts.MAX_LABELLED_POINTS
        else ""
    )
)
components.chart(
    compare_charts.funnel_chart(
        table, trust_p, funnel_metric, labels[funnel_metric], when, own=ctx.own_academy
    ),
    key="compare_funnel",
)
nothing_due = table.loc[table["denominator"] == 0, "academy_name"].tolist()
if nothing_due:
    st.caption(f"Not plotted, no {units[1]} in the window: {', '.join(nothing_due)}.")
small_numbers = table.loc[table["suppressed"], "academy_name"].tolist()
if small_numbers:
    st.caption(
        f"Not plotted, figures resting on 1 to 5 children (shown as c): {', '.join(small_numbers)}."
    )

st.subheader("Ranked, with 95% confidence intervals")
st.caption(
    "The same figures in order. The bar around each point is the range its true rate "
    "probably lies in (Wilson 95% interval); where the bars overlap the trust line or each "
    "other, the difference in rank may be chance. Judge against the funnel's limits, not "
    "the order."
)
components.chart(
    compare_charts.ranked_chart(table, trust_p, labels[funnel_metric], when, own=ctx.own_academy),
    key="compare_ranked",
)
display = compare_charts.funnel_display_table(table)
tables.show(
    display,
    {
        "%": st.column_config.NumberColumn("%", format="%.1f%%"),
        "95% CI low": st.column_config.NumberColumn(format="%.1f%%"),
        "95% CI high": st.column_config.NumberColumn(format="%.1f%%"),
    },
)
components.download_csv(
    display, f"{funnel_metric}-by-academy.csv", "Download this table (CSV)", "compare_funnel_csv"
)

# Children who moved between academies: one child across the trust (issue 20) ----------------
st.subheader("Children who moved between academies")
moves = data.query(
    "dashboard/cross_academy_moves", filters.window, academy_codes=list(ctx.academy_codes)
)
st.caption(
    f"Children known by the trust's pseudonym whose records, {when}, are at one academy and then "
    "at another: the moves, and the CSE concerns logged at the receiving academy after a child "
    "came from the other (CSE often shows as a pattern across settings). Only academies that "
    "add trust_pupil_ref to their exports are seen (docs/anonymise.md)."
)
if moves.empty:
    st.info("No child known by a trust pseudonym moved between these academies in the window.")
else:
    # the trust reference names every academy a child may have come from, in view or not
    names = dict(zip(every_academy["academy_code"], every_academy["academy_name"], strict=True))
    tables.show(
        moves.assign(
            from_academy_code=[names.get(c, c) for c in moves["from_academy_code"]],
            to_academy_code=[names.get(c, c) for c in moves["to_academy_code"]],
        ),
        {
            "from_academy_code": "From",
            "to_academy_code": "To",
            "moves": "Moves (records here after there)",
            "cse_concerns_after_move": "CSE concerns after the move",
        },
    )
