"""Training coverage: who is trained and in date, academy by academy, and whose training runs
out next — for the weekly meeting's "training expiring" item and governors' assurance."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from safeguarding import standards
from safeguarding.codes import TRUST
from safeguarding.ui import components, data, headlines, session, tables
from safeguarding.ui import training_charts as tc

# What an empty cell of the lists below means, in words.
NOT_ON_RECORD = {
    "last_course": "none on record",
    "last_completed_on": "never",
    "expires_on": "—",
    "start_date": "not recorded",
    "last_dsl_full_on": "never",
    "dsl_full_expires_on": "—",
    "last_dsl_update_course": "none on record",
    "last_dsl_update_on": "never",
    "dsl_update_expires_on": "—",
}

ctx = session.context()
filters = ctx.filters
st.title("Training coverage")
st.caption(
    f"Training in date at {filters.as_of:%-d %B %Y} · starters in {filters.window_label} · "
    f"{len(ctx.academy_codes)} {'academy' if len(ctx.academy_codes) == 1 else 'academies'} "
    "in view"
)
if not ctx.academy_codes:
    components.empty_state("academies")
    st.stop()
components.window_before_data(filters, ctx.academy_codes)

rules = standards.load()
# Academy names, and what each total adds up under TRUST: the metrics' TRUST row follows the
# scope's rule (a local governor's covers the whole trust), a page query's the academies in view.
filtered = bool(filters.academy_codes or filters.phases)
academy_names = {code: ctx.academy_name(code) for code in ctx.academy_codes}
names = {
    **academy_names,
    TRUST: headlines.total_label(ctx.scope, ctx.academy_codes, filtered, ctx.academy_name),
}
view_names = {
    **academy_names,
    TRUST: headlines.total_label(None, ctx.academy_codes, filtered, ctx.academy_name),
}
codes = list(ctx.academy_codes)
values = data.metric_values(filters, codes)
trust = values[values["academy_code"] == TRUST].set_index("metric")

where = headlines.focus(ctx)
expiring_by = f"staff whose training expires by {filters.as_of + dt.timedelta(days=30):%-d %b}"
for column, (metric_id, label) in zip(
    st.columns(len(tc.HEADLINE)), tc.HEADLINE.items(), strict=True
):
    headlines.show(column, values, where, metric_id, label, noun="people", counts=expiring_by)

# 1. In date by academy and role
st.subheader("Safeguarding training in date, by academy and role")
components.help_popover("safeguarding_training_in_date_pct", "governor_training_in_date_pct")
by_role = data.query("dashboard/training_in_date_by_role", filters.window, academy_codes=codes)
trust_cells = by_role[by_role["academy_code"] == TRUST]
if trust_cells["people_judged"].sum() == 0:
    components.empty_state("staff or governors in post")
else:
    components.chart(tc.in_date_heatmap(by_role, view_names, filters.as_of), key="training_heatmap")
    st.caption(
        "Each cell: % in date and n, the people judged. Staff need a safeguarding induction, "
        f"update or full course within {rules.training_valid_months} months (new starters are "
        f"left out during their first {rules.induction_window_days} working days); governors "
        "and trustees are judged on governor safeguarding training. – means nobody in that "
        "role."
    )

# 2. Induction on time
st.subheader("New starters trained within the induction window")
components.help_popover("induction_on_time_pct")
if trust.at["induction_on_time_pct", "denominator"] == 0:
    components.empty_state("starters whose induction window has closed")
else:
    components.chart(
        tc.percent_by_academy(
            values,
            "induction_on_time_pct",
            names,
            f"Starters trained within {rules.induction_window_days} working days, by academy — "
            f"starters in {filters.window_label}",
            count_label="starters",
            empty_label="no starters",
        ),
        key="training_induction",
    )

# 3. DSLs and deputies
st.subheader("Designated safeguarding leads and deputies")
components.help_popover("dsl_training_in_date_pct", "academies_without_trained_deputy")
dsl_status = data.query("dashboard/training_dsl_status", filters.window, academy_codes=codes)
if dsl_status[["dsls_in_post", "deputies_in_post"]].to_numpy().sum() == 0:
    components.empty_state("DSLs or deputy DSLs in post")
else:
    st.dataframe(
        tc.flag_no_trained_deputy(tc.dsl_status_table(dsl_status, values, names)),
        hide_index=True,
        width="stretch",
    )
    st.caption(
        f"In date: DSL full training within {rules.dsl_full_valid_months} months and a full "
        f'course or refresher within {rules.dsl_update_valid_months} months. "No trained '
        'deputy": no deputy DSL in post whose DSL training is in date.'
    )

# 4. KCSIE reading
st.subheader(f"Keeping Children Safe in Education {rules.kcsie_edition} read")
components.help_popover("kcsie_part1_read_pct", "kcsie_annex_b_read_pct")
if trust.at["kcsie_part1_read_pct", "denominator"] == 0:
    components.empty_state("staff who must read KCSIE")
else:
    components.chart(
        tc.kcsie_bars(values, names, rules.kcsie_edition, filters.as_of), key="training_kcsie"
    )

# 5. Governors and trustees
st.subheader("Governors' and trustees' safeguarding training")
components.help_popover("governor_training_in_date_pct")
if trust.at["governor_training_in_date_pct", "denominator"] == 0:
    components.empty_state("governors or trustees in post")
else:
    components.chart(
        tc.percent_by_academy(
            values,
            "governor_training_in_date_pct",
            names,
            f"Governors and trustees with safeguarding training in date, by academy, at "
            f"{filters.as_of:%-d %b %Y}",
            count_label="governors and trustees",
            empty_label="no governors",
        ),
        key="training_governors",
    )

# 6. Expiry calendar and the lists behind it
st.subheader("Training about to expire")
components.help_popover(
    "training_expiring_30d", "dsl_training_in_date_pct", "governor_training_in_date_pct"
)
calendar = data.query(
    "dashboard/training_expiry_calendar",
    filters.window,
    academy_codes=codes,
    weeks_ahead=tc.EXPIRY_WEEKS,
)
if calendar["people"].sum() == 0:
    components.empty_state(f"training expiring in the next {tc.EXPIRY_WEEKS} weeks")
else:
    stack_by = st.radio(
        "Stack the weeks by",
        ["academy", "course"],
        format_func=str.capitalize,
        horizontal=True,
        key="training_stack_by",
    )
    components.chart(
        tc.expiry_calendar(calendar, view_names, stack_by, filters.as_of), key="training_calendar"
    )
    st.caption(
        "A person counts in the week their training stops being in date. A DSL or deputy can "
        "count twice: once for safeguarding training and once for DSL training."
    )

st.markdown("**Who to book on training** — out of date, never trained, or expiring within 30 days")
nobody_in_post = (
    trust.at["staff_in_post", "value"] == 0
    and trust.at["governor_training_in_date_pct", "denominator"] == 0
)
if not ctx.detail_codes:
    st.info(
        "Lists of named staff references are shown only for academies whose records you may see."
    )
else:
    staff_tab, dsl_tab = st.tabs(["Staff, governors and trustees", "DSLs and deputies"])
    with staff_tab:
        due = data.drill_down("staff_training_due_list", filters, ctx.detail_codes)
        if nobody_in_post:
            components.empty_state("staff or governors in post")
        elif due.empty:
            st.success("Everyone in post is in date for more than 30 days.")
        else:
            table = tc.staff_due_table(due, names)
            tables.show(
                table,
                width="stretch",
                missing=NOT_ON_RECORD,
                column_config={
                    "academy": "Academy",
                    "staff_ref": "Staff ref",
                    "role": "Role",
                    "safeguarding_role": "Safeguarding role",
                    "status": "Status",
                    "last_course": "Last course",
                    "last_completed_on": st.column_config.DateColumn(
                        "Completed", format="D MMM YYYY"
                    ),
                    "expires_on": st.column_config.DateColumn("Expires", format="D MMM YYYY"),
                    "start_date": st.column_config.DateColumn("Started", format="D MMM YYYY"),
                },
            )
            components.download_csv(
                table,
                f"staff-training-due-{filters.as_of.isoformat()}.csv",
                "Download this list (CSV)",
                key="training_staff_csv",
            )
    with dsl_tab:
        dsl_due = data.drill_down("dsl_training_due_list", filters, ctx.detail_codes)
        if nobody_in_post:
            components.empty_state("staff in post")
        elif dsl_due.empty:
            st.success("No DSL or deputy is out of date or expiring within 30 days.")
        else:
            dsl_table = tc.dsl_due_table(dsl_due, names)
            tables.show(
                dsl_table,
                width="stretch",
                missing=NOT_ON_RECORD,
                column_config={
                    "academy": "Academy",
                    "staff_ref": "Staff ref",
                    "safeguarding_role": "Safeguarding role",
                    "status": "Status",
                    "last_dsl_full_on": st.column_config.DateColumn(
                        "Last DSL full course", format="D MMM YYYY"
                    ),
                    "dsl_full_expires_on": st.column_config.DateColumn(
                        "Full course expires", format="D MMM YYYY"
                    ),
                    "last_dsl_update_course": "Last update",
                    "last_dsl_update_on": st.column_config.DateColumn(
                        "Updated", format="D MMM YYYY"
                    ),
                    "dsl_update_expires_on": st.column_config.DateColumn(
                        "Update expires", format="D MMM YYYY"
                    ),
                    "expires_on": st.column_config.DateColumn(
                        "Out of date from", format="D MMM YYYY"
                    ),
                },
            )
            components.download_csv(
                dsl_table,
                f"dsl-training-due-{filters.as_of.isoformat()}.csv",
                "Download this list (CSV)",
                key="training_dsl_csv",
            )
    components.changes_panel(
        "safeguarding_training_in_date_pct", filters, ctx.detail_codes, ctx.scope.role
    )
