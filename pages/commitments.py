"""Policy commitments: each measurable promise of a policy (the CSE policy's §6, §10, §15,
§16, §17, ...) with its clause, the figures that measure it, target, RAG and trend. Which
clause is measured by which metric comes from config/commitments/*.toml."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from safeguarding import commitments, metrics_definitions, patterns, standards
from safeguarding.contract import label as readable_code
from safeguarding.ui import commitment_charts as cc
from safeguarding.ui import components, data, headlines, session, tables
from safeguarding.ui.charts import RAG_LABELS
from safeguarding.window import Window

PATTERN_METRICS = (
    "pupils_repeated_concerns_no_referral",
    "nfa_reconsidered_pct",
    "immediate_danger_same_day_pct",
)
PATTERN_NOUNS = {
    "pupils_repeated_concerns_no_referral": "pupils",
    "nfa_reconsidered_pct": "new concerns after NFA",
    "immediate_danger_same_day_pct": "immediate-danger concerns",
}
PUPIL = "Pupil (pseudonym)"
PATTERN_LISTS = {
    "repeated_concerns_no_referral_list": (
        "Pupils with repeated concerns and no referral",
        "Three or more concerns in one term, or CSE concerns in two terms, and no referral "
        "since the first: for the DSL to look at the whole picture.",
        {
            "academy": "Academy",
            "pupil_ref": PUPIL,
            "concerns_in_window": st.column_config.NumberColumn("Concerns", format="%d"),
            "most_concerns_in_a_term": st.column_config.NumberColumn("Most in a term", format="%d"),
            "terms_with_cse": st.column_config.NumberColumn("Terms with CSE", format="%d"),
            "latest_category": "Latest category",
            "last_logged_at": st.column_config.DatetimeColumn("Latest", format="D MMM YYYY"),
        },
    ),
    "nfa_new_concern_list": (
        "New concerns after no further action",
        "A referral children's social care closed with no further action, then a new concern "
        "about the same pupil within 90 days: was re-referral considered?",
        {
            "academy": "Academy",
            "pupil_ref": PUPIL,
            "referral_id": "NFA referral",
            "decided_on": st.column_config.DateColumn("Decided", format="D MMM YYYY"),
            "new_concern_logged_at": st.column_config.DatetimeColumn(
                "New concern", format="D MMM YYYY"
            ),
            "is_reconsidered": st.column_config.CheckboxColumn("Re-referral considered"),
        },
    ),
    "immediate_danger_late_list": (
        "Immediate danger not referred the same working day",
        "A referral flagged the pupil in immediate danger, but no referral to children's social "
        "care or the police was made on the working day the concern was logged.",
        {
            "academy": "Academy",
            "pupil_ref": PUPIL,
            "concern_id": "Concern",
            "logged_at": st.column_config.DatetimeColumn("Logged", format="D MMM YYYY HH:mm"),
            "respond_by_on": st.column_config.DateColumn("Refer by", format="D MMM YYYY"),
            "first_urgent_referral_on": st.column_config.DateColumn(
                "Referred to CSC or police", format="D MMM YYYY"
            ),
        },
    ),
}
BADGE_COLOURS = {"green": "green", "amber": "orange", "red": "red", None: "gray"}

ctx = session.context()
filters = ctx.filters
as_of_text = f"{filters.as_of:%-d %B %Y}"
st.title("Policy commitments")

try:
    mappings = commitments.load_all()
except commitments.CommitmentsError as problem:
    st.error(str(problem), icon=":material/error:")
    st.stop()
if not mappings:
    st.info(
        "No policy's commitments are mapped yet: add a file to config/commitments/ "
        "(see st-barts-cse.toml)."
    )
    st.stop()
key = (
    st.selectbox(
        "Policy",
        list(mappings),
        format_func=lambda k: mappings[k].title,
        key="commitments_policy",
    )
    if len(mappings) > 1
    else next(iter(mappings))
)
mapping = mappings[key]
st.caption(
    f"{mapping.title}, {mapping.organisation} ({mapping.document}). Figures as of "
    f"{as_of_text} · events in {filters.window_label} · {len(ctx.academy_codes)} "
    f"{'academy' if len(ctx.academy_codes) == 1 else 'academies'} in view. Each promise is "
    "quoted from the policy with the figures that measure it; targets are the trust's."
)
if not ctx.academy_codes:
    components.empty_state("academies")
    st.stop()
components.window_before_data(filters, ctx.academy_codes)

codes = list(ctx.academy_codes)
names = {code: ctx.academy_name(code) for code in codes}
# A DSL or local governor sees their own academy's promises first; the grid below has the rest.
where = headlines.focus(ctx)
who = where.label
rules = standards.load()
values = data.metric_values(filters, codes)
terms = data.term_windows(
    filters.as_of - dt.timedelta(days=3 * 365), filters.as_of + dt.timedelta(days=366)
)
periods = commitments.term_periods(terms, filters.as_of)
series = data.metric_series([p.window for p in periods], codes, known_at=filters.known_at)
card = commitments.scorecard(mapping, values, series, periods, code=where.code)
kept = commitments.commitment_rag(card)
review_rows = data.query(
    "dashboard/commitment_policy_review",
    filters.window,
    academy_codes=codes,
    policy_type=mapping.policy_type,
)

# 1. The promises at a glance: every promise of the policy, measured or not
listed = commitments.promises(mapping, card)
total = len(listed)
columns = st.columns(5)
for column, (rag, label) in zip(
    columns,
    (
        ("green", "On target"),
        ("amber", "Near target"),
        ("red", "Off target"),
        (None, "No figure"),
        (commitments.NOT_MEASURED, "Not measured"),
    ),
    strict=True,
):
    count = sum(
        1
        for promise in listed
        if promise["rag"] == rag
        or (rag is None and promise["rag"] == metrics_definitions.NOT_COLLECTED)
    )
    # Short label and a bare count: five tiles side by side cut "Promises on target" and
    # "20 of 34" to "Promises …" and "20 …" at a laptop's width; the total is said below.
    column.metric(
        label,
        f"{count}",
        border=True,
        help="A promise is on target only when every figure that measures it is. "
        "Figures without a target, with no cases or not collected count as no figure. "
        "Not measured: no data the academies send can show it (each says what would).",
    )
measured = len(mapping.measured)
st.caption(
    f"The policy makes {total} checkable promises; {measured} ({100 * measured / total:.0f}%) "
    f"are measured by the figures below and {total - measured} are not, each with the reason "
    "and the data that would measure it."
)

st.subheader("How each promise stands")
components.help_popover(*mapping.metric_ids)
components.chart(cc.scorecard_figure(card, who, as_of_text), key="commitments_scorecard")
st.caption(
    "One bar per measure, so a promise measured two ways has two bars; the tiles above count "
    "promises, each on target only when all its measures are. Percentages only; counts and "
    "hours (feedback overdue, median hours to review, policies overdue) are in each clause "
    "below and in the table at the end. The black tick is the target (green at or beyond it)."
)

# 2. Clause by clause
for clause, heading, items in mapping.clauses():
    st.subheader(f"§{clause} {heading}")
    for commitment in items:
        rows = card[card["commitment_id"] == commitment.id]
        with st.container(border=True):
            st.markdown(f"**{commitment.promise}**")
            st.markdown(f"> “{commitment.text}”")
            if not commitment.is_measured:
                st.badge("Not measured", color="gray", icon=":material/visibility_off:")
                st.caption(
                    f"Why not: {commitment.why_not_measured} "
                    f"What would measure it: {commitment.data_needed}"
                )
                continue
            tiles = st.columns(max(2, len(rows)))
            for tile, row in zip(tiles, rows.itertuples(index=False), strict=False):
                with tile:
                    shown = row.shown
                    st.metric(
                        row.label,
                        shown,
                        help=components.metric_help_text(row.metric),
                        chart_data=[v for v in row.term_values if v is not None] or None,
                    )
                    if shown == metrics_definitions.NOT_COLLECTED:
                        st.badge("Not collected", color="gray")
                    else:
                        st.badge(RAG_LABELS[row.rag], color=BADGE_COLOURS[row.rag])
                    count = ""
                    if row.unit == "%" and commitments.is_number(row.denominator):
                        count = f" · {row.numerator} of {row.denominator}"
                    st.caption(f"Target {row.target} · {cc.trend_text(row.trend)}{count}")
            if commitment.policy_review:
                rag, sentence = commitments.review_rag(review_rows)
                st.markdown("**This policy in the register**")
                st.badge(RAG_LABELS[rag], color=BADGE_COLOURS[rag])
                st.caption(sentence)
                if not review_rows.empty:
                    tables.show(
                        review_rows.assign(
                            academy_code=review_rows["academy_code"].map(
                                lambda c: names.get(c, "Trust-wide")
                            ),
                            status=review_rows["status"].map(cc.REVIEW_STATUS),
                        ),
                        {
                            "academy_code": "Academy",
                            "policy_title": "Register title",
                            "last_reviewed_on": st.column_config.DateColumn(
                                "Last reviewed", format="D MMM YYYY"
                            ),
                            "next_review_on": st.column_config.DateColumn(
                                "Next review", format="D MMM YYYY"
                            ),
                            "review_cycle_months": st.column_config.NumberColumn(
                                "Cycle (months)", format="%d"
                            ),
                            "status": "Status",
                            "is_documented": st.column_config.CheckboxColumn("Document imported"),
                            "file_name": "Document",
                        },
                        missing={
                            "file_name": "not imported",
                            "last_reviewed_on": "not recorded",
                            "next_review_on": "not recorded",
                            "review_cycle_months": "not recorded",
                        },
                        key=f"commitments_review_{commitment.id}",
                    )

# 3. Term by term, and academy by academy
st.subheader("Term by term")
if periods:
    components.chart(cc.terms_figure(card, who), key="commitments_terms")
    st.caption(
        "Each point is the figure at the end of a term: events (concerns, referrals, starters) "
        "in the term, states (training, policies) on its last day. The sidebar window does not "
        "apply here."
    )
else:
    components.empty_state(f"terms up to {as_of_text}")

st.subheader("Each academy against each promise")
components.chart(
    cc.academy_grid(values, mapping, names, where.beside or where.label),
    key="commitments_academies",
)

# 4. Patterns behind the counts (§8): who needs a second look, and categories rising
st.subheader("Patterns behind the counts")
components.help_popover(*PATTERN_METRICS)
pattern_tiles = st.columns(len(PATTERN_METRICS))
for tile, metric_id in zip(pattern_tiles, PATTERN_METRICS, strict=True):
    headlines.show(tile, values, where, metric_id, noun=PATTERN_NOUNS[metric_id])
detail = [code for code in codes if code in ctx.detail_codes]
if not detail:
    st.info(
        "The pupils behind these figures, and the categories rising month by month, are shown "
        "to the trust's safeguarding lead and the DSLs only; the figures above are yours."
    )
else:
    for name, (title, caption, columns) in PATTERN_LISTS.items():
        listed = data.drill_down(name, filters, detail)
        st.markdown(f"**{title}** ({len(listed):,})")
        if listed.empty:
            st.caption(f"Nothing to list for {filters.window_label}.")
            continue
        st.caption(caption)
        listed = listed.assign(academy=listed["academy_code"].map(names))
        tables.show(listed[list(columns)], columns, key=f"commitments_{name}")
    months = data.query(
        "dashboard/concern_category_months",
        Window(
            filters.as_of, patterns.window_start(filters.as_of), filters.as_of, filters.known_at
        ),
        academy_codes=detail,
    )
    rising = patterns.rising_categories(months, filters.as_of)
    judged = patterns.judged_month(filters.as_of)
    st.markdown(f"**Categories rising in {judged:%B %Y}** ({len(rising)})")
    st.caption(
        f"An academy's monthly count of a category above its own control limit (the mean of "
        f"the {patterns.BASELINE_MONTHS} months before plus three standard deviations), and "
        f"at least {patterns.MIN_RISING} concerns."
    )
    if not rising.empty:
        tables.show(
            rising.assign(
                academy=rising["academy_code"].map(names),
                category=rising["category"].map(readable_code),
            )[["academy", "category", "concerns", "centre", "upper"]],
            {
                "academy": "Academy",
                "category": "Category",
                "concerns": st.column_config.NumberColumn("Concerns in the month", format="%d"),
                "centre": st.column_config.NumberColumn("Usual month (mean)", format="%.1f"),
                "upper": st.column_config.NumberColumn("Upper limit", format="%.1f"),
            },
            key="commitments_rising",
        )

# 5. The whole scorecard
st.subheader("Every promise")
table = cc.scorecard_table(card, mapping)
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        "Terms": st.column_config.LineChartColumn("Last terms", width="small"),
        "Clause text": st.column_config.TextColumn(width="large"),
    },
    key="commitments_table",
)
components.download_csv(
    table.drop(columns="Terms"),
    f"policy-commitments-{mapping.key}-{filters.as_of.isoformat()}.csv",
    "Download the scorecard (CSV)",
    key="commitments_csv",
)
