"""About the figures: what every measure means, the standards it is judged against and where
they come from, and where the data came from and how recent it is."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from safeguarding import standards
from safeguarding.contract import DATASETS
from safeguarding.ui import components, data, session, tables

ctx = session.context()
filters = ctx.filters
definitions = components.definitions()
in_force = standards.load()

UNITS = {"count": "count", "%": "percentage", "hours": "hours"}
KINDS = {
    "event": "Event: counts what happened in the window",
    "state": "State: a snapshot at the as-of date",
}
BETTER = {"higher": "Higher is better", "lower": "Lower is better", "neither": "Neither"}
# The standards file's sections, named for people (config/standards.toml).
STANDARD_NAMES = {
    "dsl_review": "DSL review of a concern",
    "csc_feedback": "Feedback from children's social care",
    "lado_referral": "Referral of an allegation to the LADO",
    "staff_training": "Staff safeguarding training",
    "induction": "Induction training for new staff",
    "dsl_training": "DSL and deputy DSL training",
    "governor_training": "Governor and trustee training",
    "kcsie": "Keeping Children Safe in Education",
    "policy_review": "Policy review",
    "data_freshness": "Data freshness",
    "suppression": "Small-number suppression",
    "required_policies": "Required policies",
    "cp_file_transfer": "Child-protection file transfer",
}

# The metric definitions name the query that computes them; the query is the topic.
TOPICS = {
    "metrics/concerns": "Concerns",
    "metrics/referrals": "Referrals",
    "metrics/staff_training": "Staff and training",
    "metrics/policies": "Policies",
    "metrics/patterns": "Patterns and follow-through",
    "metrics/transfers": "Children moving school",
}


def _threshold(d, value) -> str:
    if value is None:
        return "no target"
    comparison = "≥" if d.better == "higher" else "≤"
    return f"{comparison} {components.format_value(value, d.unit)}"


st.title("About the figures")
st.markdown(
    "Every figure on this dashboard is computed from the academies' own exports by one set of "
    "definitions, the same ones the `metrics` command prints. **Event** measures count what "
    "happened in the window chosen in the sidebar (by default the 365 days ending on the "
    "as-of date) and not after the as-of date; **state** measures are a snapshot at the "
    "as-of date. A percentage is 100 × numerator ÷ denominator, rounded half away from zero "
    "to one decimal place, and blank when nothing was due. The trust figure adds the "
    "academies' numerators and denominators: it never averages their percentages. Governor "
    "views show counts about children from 1 to "
    f"{in_force.suppression_threshold} as `c`."
)

# --- Measures -------------------------------------------------------------------------------
st.subheader("The measures")
search = st.text_input(
    "Find a measure",
    key="about_search",
    placeholder="e.g. feedback, training, policy",
    help="Filters the list by words in a measure's name, id, definition or source.",
)
words = search.lower().split()
shown = [
    d
    for d in definitions.values()
    if all(
        w in f"{d.id} {d.label} {d.definition} {d.source} {d.interpretation or ''}".lower()
        for w in words
    )
]
if not shown:
    st.info(f"No measure mentions “{search}”. Try a shorter word.")
else:
    definitions_tab, glance_tab = st.tabs(["Definitions", "At a glance"])
    with definitions_tab:
        st.caption("Open a measure for its full definition, its source and how it is read.")
        for query, topic in {d.query: TOPICS.get(d.query, "Other") for d in shown}.items():
            st.markdown(f"**{topic}**")
            for d in (d for d in shown if d.query == query):
                with st.expander(d.label):
                    st.markdown(d.definition)
                    facts = [
                        f"- **Id:** `{d.id}`",
                        f"- **Unit:** {UNITS[d.unit]}",
                        f"- **Kind:** {KINDS[d.kind]}"
                        + (f", dated by `{d.anchor}`" if d.anchor else ""),
                        f"- **Which way is better:** {BETTER[d.better]}",
                        f"- **Source:** {d.source}",
                    ]
                    if d.green_at is not None:
                        facts.append(
                            f"- **Thresholds:** green {_threshold(d, d.green_at)}, amber "
                            f"{_threshold(d, d.amber_at)}, red otherwise"
                        )
                    else:
                        facts.append("- **Thresholds:** none (a count to watch, not a target)")
                    if d.suppressible:
                        facts.append(
                            "- **Small numbers:** shown as `c` to governors when it rests on "
                            f"1 to {in_force.suppression_threshold} children"
                        )
                    if d.interpretation:
                        facts.append(f"- **How it is read:** {d.interpretation}")
                    st.markdown("\n".join(facts))
    with glance_tab:
        st.table(
            pd.DataFrame(
                {
                    "measure": [d.label for d in shown],
                    "unit": [UNITS[d.unit] for d in shown],
                    "kind": [d.kind for d in shown],
                    "better": [d.better for d in shown],
                    "green": [_threshold(d, d.green_at) for d in shown],
                    "amber": [_threshold(d, d.amber_at) for d in shown],
                    "source": [d.source for d in shown],
                }
            ),
            hide_index=True,
        )

# --- Standards ------------------------------------------------------------------------------
st.subheader("The standards in force")
st.caption(
    "The targets the measures are judged against, from the trust's standards file. The trust "
    "can change them without a code change; every one names where it comes from."
)
settings = []
for section, keys in standards.SCHEMA.items():
    values = []
    for key, (field_name, _) in keys.items():
        value = getattr(in_force, field_name)
        if isinstance(value, tuple):
            value = ", ".join(v.replace("_", " ") for v in value)
        values.append(f"{key.replace('_', ' ')}: {value}")
    settings.append(
        {
            "standard": STANDARD_NAMES.get(section, section.replace("_", " ").capitalize()),
            "setting": "; ".join(values),
            "source": in_force.sources.get(section, ""),
        }
    )
st.table(pd.DataFrame(settings), hide_index=True)

# --- Data -----------------------------------------------------------------------------------
st.subheader("Where the data comes from, and how recent it is")
st.markdown(
    "Each academy exports pseudonymised records from its own systems: concerns and referrals "
    "from CPOMS or MyConcern, staff from HR, training from the training platform, and policies "
    "from its register. They are loaded on the **Data** page or with the `ingest` command; "
    "each file is checked against the data contract, rows that break a rule are held back "
    "with the reason, and files holding names or other identifiers are refused."
)
freshness = data.query(
    "status/data_freshness",
    as_of=filters.as_of,
    known_at=filters.known_at,
    stale_after_days=in_force.stale_after_days,
    academy_codes=list(ctx.academy_codes),
)
if freshness.empty:
    components.empty_state("academies")
    st.stop()
exported = freshness["last_export_at"].dropna()
stale = freshness[freshness["is_stale"]]
if exported.empty:
    st.warning(
        f"No export had arrived for these academies by {filters.as_of:%-d %B %Y}.",
        icon=":material/schedule:",
    )
else:
    st.markdown(
        f"At {filters.as_of:%-d %B %Y}: the newest export arrived on "
        f"**{exported.max():%-d %B %Y}** and the oldest academy-and-dataset pair was last "
        f"exported on **{exported.min():%-d %B %Y}**. "
        + (
            f"**{len(stale)} of {len(freshness)}** pairs are stale (no export for more than "
            f"{in_force.stale_after_days} days, or never): figures built on them may miss "
            "recent events."
            if len(stale)
            else f"No pair is stale (over {in_force.stale_after_days} days without an export)."
        )
    )
order = {name: rank for rank, name in enumerate(DATASETS)}
sources = freshness.assign(_order=freshness["dataset"].map(order)).sort_values(
    ["academy_name", "_order"]
)
rows_held = sources["rows_held"]
tables.show(
    pd.DataFrame(
        {
            "academy": sources["academy_name"] + " (" + sources["academy_code"] + ")",
            "dataset": sources["dataset"],
            "last export": sources["last_export_at"],
            "file": sources["last_file_name"].fillna("none yet"),
            "days since": sources["days_since_export"],
            "stale": sources["is_stale"].map({True: "⚠ stale", False: "no"}),
            "rows held": rows_held,
            "latest date in the data": sources["latest_record_on"],
        }
    ),
    {
        "last export": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm"),
        "days since": st.column_config.NumberColumn(format="%d"),
        "rows held": (
            st.column_config.NumberColumn(format="localized")
            if pd.api.types.is_numeric_dtype(rows_held)
            else st.column_config.TextColumn()
        ),
        "latest date in the data": st.column_config.DateColumn(
            format="D MMM YYYY",
            help="The latest concern logged, referral made, staff start, course completed or "
            "policy review in what the database holds.",
        ),
    },
    missing={"last export": "never", "days since": "never", "latest date in the data": "none"},
    key="about_sources",
)
