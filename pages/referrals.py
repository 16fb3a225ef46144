"""Referral timeliness: does the referrer hear back from children's social care within one
working day (Working Together 2023; CSE policy §15), which referrals are still waiting, and are
LADO referrals and DSL reviews of concerns made on time?"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from safeguarding import contract, standards
from safeguarding.codes import TRUST
from safeguarding.ui import components, data, headlines, session, tables
from safeguarding.ui import referral_charts as charts

ctx = session.context()
filters = ctx.filters
when = filters.window_label
as_of_text = f"{filters.as_of:%-d %b %Y}"
in_view = f"{len(ctx.academy_codes)} {'academy' if len(ctx.academy_codes) == 1 else 'academies'}"

st.title("Referral timeliness")
st.caption(
    f"Referrals made in {when} ({filters.date_from:%-d %b %Y} to {filters.date_to:%-d %b %Y}), "
    f"as known at the end of {as_of_text}, for {in_view}. "
    "Lists of records waiting for action cover every referral date."
)
if not ctx.academy_codes:
    components.empty_state("academies")
    st.stop()
components.window_before_data(filters, ctx.academy_codes)
if ctx.scope.suppress_small_numbers:
    st.caption(
        "Counts of 1 to 5 children are shown as c, and so are figures that would give them "
        "away, to protect children's identities."
    )

# What a TRUST row adds up: the whole trust, the academies a filter left, or one academy. The
# metrics' TRUST row follows the scope's rule (a local governor's covers the whole trust); the
# page's own queries total the academies in view. A DSL or local governor leads with their own.
filtered = bool(filters.academy_codes or filters.phases)
total_label = headlines.total_label(ctx.scope, ctx.academy_codes, filtered, ctx.academy_name)
view_label = headlines.total_label(None, ctx.academy_codes, filtered, ctx.academy_name)
where = headlines.focus(ctx)
own = ctx.own_academy
names = dict(zip(ctx.academies["academy_code"], ctx.academies["academy_name"], strict=True))
in_force = standards.load()
target_days = in_force.csc_feedback_target_days
day_word = "working day" if target_days == 1 else "working days"
values = data.metric_values(filters, ctx.academy_codes)
trust = values[values["academy_code"] == TRUST].set_index("metric")
window = filters.window
codes = list(ctx.academy_codes)


def _anything_due(metric_id: str) -> bool:
    """The trust figure has a denominator: some cases are due (a hidden count is some)."""
    denominator = trust.loc[metric_id, "denominator"]
    return charts.is_hidden(denominator) or bool(charts.number(denominator))


def _by_academy(metric_id: str, what: str, key: str, **labels) -> bool:
    """The by-academy chart of a metric, or (when every academy's figure is hidden) a sentence
    saying why there is none. True when the chart was drawn."""
    rows = values[(values["metric"] == metric_id) & (values["academy_code"] != TRUST)]
    if headlines.hidden_everywhere(rows["value"]):
        headlines.hidden_note(what, when)
        return False
    components.chart(
        charts.by_academy_figure(
            values, metric_id, names, trust_label=total_label, own=own, **labels
        ),
        key=key,
    )
    return True


SHOWN_ROWS = 500
# What an empty cell of a record list means, said in words.
MEANING_OF_MISSING = {
    "followed_up_at": "not chased",
    "dsl_reviewed_at": "not yet",
    "concern_id": "not linked",
    "feedback_at": "not yet",
    "cp_file_sent_on": "not yet",
    "receipt_confirmed_on": "not yet",
}


def _record_list(frame: pd.DataFrame, columns: dict, file_name: str, key: str) -> None:
    """A drill-down list with academy names, and a CSV download of the whole list. Lists come
    worst first; a long one shows its first SHOWN_ROWS rows on screen (a large trust's list of
    late reviews runs to many thousands, too many to read and slow to send every rerun)."""
    listed = frame.assign(academy=frame["academy_code"].map(names))[list(columns)]
    if len(listed) > SHOWN_ROWS:
        st.caption(f"The {SHOWN_ROWS:,} at the top of {len(listed):,}; the download has them all.")
    tables.show(listed.head(SHOWN_ROWS), columns, missing=MEANING_OF_MISSING, key=f"{key}_table")
    components.download_csv(listed, file_name, "Download this list (CSV)", key=f"{key}_csv")


headline = st.columns(4)
headlines.show(
    headline[0],
    values,
    where,
    "csc_feedback_on_time_pct",
    "Social care feedback on time",
    noun="referrals due",
)
headlines.show(headline[1], values, where, "csc_feedback_overdue", "Feedback overdue now")
headlines.show(
    headline[2], values, where, "csc_followed_up_pct", "Missed feedback chased", noun="missed"
)
headlines.show(
    headline[3], values, where, "lado_on_time_pct", "LADO referrals on time", noun="allegations due"
)

# 1. How long feedback takes -------------------------------------------------------------------
st.subheader("How long feedback from children's social care takes")
components.help_popover("csc_feedback_on_time_pct", "csc_feedback_overdue")
days = data.query("dashboard/referral_csc_feedback_days", window, academy_codes=codes)
if days.empty:
    components.empty_state("referrals to children's social care")
elif headlines.hidden_everywhere(days["referrals"]):
    headlines.hidden_note("referrals to children's social care", when)
else:
    components.chart(
        charts.feedback_days_figure(charts.feedback_days_distribution(days), target_days, when),
        key="referrals_feedback_days",
    )
    st.caption(
        f"Working days (Monday to Friday, not bank holidays) from the referral date to the date "
        f"the referrer was told the action to be taken, for {in_view}. Feedback is due within "
        f"{target_days} {day_word}; feedback after the end of {as_of_text} counts as none yet."
    )

# 2. On time by academy and by month -----------------------------------------------------------
by_month = "" if ctx.scope.suppress_small_numbers else " and by month"
st.subheader(f"Feedback within {target_days} {day_word}, by academy{by_month}")
components.help_popover("csc_feedback_on_time_pct")
if not _anything_due("csc_feedback_on_time_pct"):
    components.empty_state("referrals to children's social care past their feedback deadline")
else:
    if _by_academy(
        "csc_feedback_on_time_pct",
        "referrals to children's social care",
        key="referrals_on_time_by_academy",
        title=f"Feedback within {target_days} {day_word}, by academy, {when}",
        value_title="Referrals with feedback by the deadline day (%)",
        count_noun="referrals due",
        none_text="no referrals due",
    ):
        st.caption(
            "Each bar shows the percentage and, in brackets, referrals with feedback on time / "
            f"referrals whose deadline has passed. The dashed line: {total_label}."
        )
    if ctx.scope.suppress_small_numbers:
        components.no_months_note()
    else:
        chosen = st.multiselect(
            "Add academies to the monthly chart",
            list(ctx.academy_codes),
            format_func=ctx.academy_name,
            key="referrals_month_academies",
            placeholder="Trust only",
        )
        months = data.query("dashboard/referral_csc_on_time_by_month", window, academy_codes=codes)
        components.chart(
            charts.on_time_by_month_figure(
                charts.on_time_by_month(months),
                chosen,
                names,
                title=f"Feedback within {target_days} {day_word}, by month of referral, {when}",
                green_at=components.definitions()["csc_feedback_on_time_pct"].green_at,
                trust_label=view_label,
            ),
            key="referrals_on_time_by_month",
        )
        st.caption(
            "n under each month: referrals due that month. A month with few referrals swings "
            "widely. Months at the edges of the window count only the days inside it."
        )

# 3. Agency mix --------------------------------------------------------------------------------
st.subheader("Who the academies referred to")
components.help_popover("referrals_made")
mix = data.query("dashboard/referral_agency_mix", window, academy_codes=codes)
if mix.empty:
    components.empty_state("referrals")
elif headlines.hidden_everywhere(mix["referrals"]):
    headlines.hidden_note("referrals", when)
else:
    components.chart(
        charts.agency_mix_figure(mix, f"Referrals by agency, {when}"), key="referrals_agency_mix"
    )

# 3a. What the concerns are about --------------------------------------------------------------
st.subheader("What the concerns are about")
components.help_popover("concerns_logged", "referrals_made")
by_category = data.query("dashboard/concerns_by_category", window, academy_codes=codes)
if by_category.empty:
    components.empty_state("concerns")
elif headlines.hidden_everywhere(by_category["concerns"]):
    headlines.hidden_note("concerns", when)
else:
    # The shares' denominator: the categories' sum, or with a category hidden the concerns
    # logged figure this view already shows for the same academies (never a sum over c).
    view_code = TRUST if len(codes) > 1 else codes[0]
    concerns_total = charts.concerns_total(
        by_category["concerns"], headlines.figure(values, view_code, "concerns_logged").get("value")
    )
    profile = st.radio(
        "Concerns by",
        ["category", "marker", "year_group"],
        format_func={
            "category": "Category",
            "marker": "Vulnerability marker",
            "year_group": "Year group",
        }.get,
        horizontal=True,
        key="referrals_concerns_profile",
    )
    st.caption(
        f"{charts.count_text(concerns_total)} concerns logged in {when} by {in_view}. Referred: "
        f"concerns with a referral (linked by the concern's ID) made by the end of {as_of_text}, "
        "whenever the referral was made; referred rate: referred / concerns in the row."
    )
    if profile == "category":
        components.chart(
            charts.concerns_by_category_figure(by_category, f"Concerns by category, {when}"),
            key="referrals_concerns_by_category",
        )
        st.dataframe(
            charts.category_table(by_category, concerns_total, data.percentage),
            hide_index=True,
            key="referrals_concerns_category_table",
        )
    elif profile == "marker":
        markers = data.query("dashboard/concerns_by_marker", window, academy_codes=codes)
        if headlines.hidden_everywhere(markers[["concerns", "unknown"]].stack()):
            headlines.hidden_note("concerns with a vulnerability marker", when)
        else:
            st.dataframe(
                charts.marker_table(markers, concerns_total, data.percentage),
                hide_index=True,
                key="referrals_concerns_marker_table",
            )
            st.caption(
                "The pupil's markers as recorded on the concern. A concern can carry several "
                "markers, so the rows do not add up to all concerns. Marker blank: the export "
                "left it empty, which is not known, not no."
            )
    else:
        year_groups = data.query("dashboard/concerns_by_year_group", window, academy_codes=codes)
        if headlines.hidden_everywhere(year_groups["concerns"]):
            headlines.hidden_note("concerns by year group", when)
        else:
            components.chart(
                charts.concerns_by_year_group_figure(
                    year_groups, f"Concerns by year group of the pupil, {when}"
                ),
                key="referrals_concerns_by_year_group",
            )
            st.dataframe(
                charts.year_group_table(year_groups, concerns_total, data.percentage),
                hide_index=True,
                key="referrals_concerns_year_group_table",
            )
            st.caption(
                "Year group as recorded on the concern (reception is 0, nursery −1). Not "
                "recorded: left blank in the export."
            )

# 4. Decisions and escalations -----------------------------------------------------------------
st.subheader("Decisions and escalations")
components.help_popover("referrals_made")
agency = st.radio(
    "Referrals to",
    ["children_social_care", "all"],
    format_func={"children_social_care": "Children's social care", "all": "All agencies"}.get,
    horizontal=True,
    key="referrals_decisions_scope",
)
decisions = charts.decisions_in_order(
    data.query("dashboard/referral_decisions", window, academy_codes=codes, agency=agency)
)
if decisions.empty:
    components.empty_state("referrals")
elif headlines.hidden_everywhere(decisions["referrals"]):
    headlines.hidden_note("referrals", when)
else:
    shares = data.query(
        "dashboard/referral_decision_shares", window, academy_codes=codes, agency=agency
    ).iloc[0]
    for column, (label, value, detail) in zip(
        st.columns(3), charts.decision_shares(shares, decisions, data.percentage), strict=True
    ):
        column.metric(label, value, delta=detail, delta_color="off", delta_arrow="off", border=True)
    who = "children's social care" if agency != "all" else "all agencies"
    components.chart(
        charts.decisions_figure(decisions, f"Decisions on referrals to {who}, {when}"),
        key="referrals_decisions",
    )
    st.caption(
        "Decisions as given in the latest export. Escalated: the academy escalated or "
        f"re-referred after the decision (escalated_at) by the end of {as_of_text}."
    )

# 5. Overdue list ------------------------------------------------------------------------------
overdue_count = headlines.count_text(
    headlines.figure(values, where.code, "csc_feedback_overdue").get("value")
)
st.subheader(f"Referrals waiting for feedback past the deadline ({overdue_count})")
components.help_popover("csc_feedback_overdue", "csc_followed_up_pct")
if not ctx.detail_codes:
    st.info("Record lists are not shown in this view; the count above includes them.")
else:
    overdue = data.drill_down("csc_feedback_overdue_list", filters, ctx.detail_codes)
    if overdue.empty:
        st.success(
            f"No referral to children's social care is waiting for feedback past its deadline "
            f"at {as_of_text}."
        )
    else:
        st.caption(
            f"Every referral to children's social care, whatever its date, whose feedback "
            f"deadline has passed with no feedback by the end of {as_of_text}; longest wait "
            "first. Chased: the academy followed the referral up."
        )
        _record_list(
            overdue,
            {
                "academy": "Academy",
                "referral_id": "Referral",
                "pupil_ref": "Pupil (pseudonym)",
                "referred_at": st.column_config.DatetimeColumn(
                    "Referred", format="DD/MM/YYYY HH:mm"
                ),
                "feedback_deadline_on": st.column_config.DateColumn(
                    "Feedback due", format="DD/MM/YYYY"
                ),
                "overdue_working_days": st.column_config.NumberColumn(
                    "Working days overdue", format="%d"
                ),
                "is_followed_up": st.column_config.CheckboxColumn("Chased"),
                "followed_up_at": st.column_config.DatetimeColumn(
                    "Chased on", format="DD/MM/YYYY HH:mm"
                ),
                "concern_id": "Concern",
            },
            f"csc-feedback-overdue-{filters.as_of.isoformat()}.csv",
            key="referrals_overdue",
        )
    components.changes_panel("csc_feedback_overdue", filters, ctx.detail_codes, ctx.scope.role)

# 6. LADO --------------------------------------------------------------------------------------
lado_days = in_force.lado_referral_target_days
lado_word = "working day" if lado_days == 1 else "working days"
st.subheader("Referrals to the LADO (allegations about adults)")
components.help_popover("lado_on_time_pct")
if not _anything_due("lado_on_time_pct"):
    components.empty_state("allegations about adults with a LADO referral deadline passed")
else:
    _by_academy(
        "lado_on_time_pct",
        "allegations about adults",
        key="referrals_lado_by_academy",
        title=f"LADO referrals within {lado_days} {lado_word} of the allegation, {when}",
        value_title="Allegations referred to the LADO by the deadline day (%)",
        count_noun="allegations due",
        none_text="no allegations due",
    )
    lado = values[values["metric"] == "lado_on_time_pct"]
    st.dataframe(
        pd.DataFrame(
            {
                "Academy": lado["academy_code"].map(lambda code: names.get(code, total_label)),
                "Allegations due": lado["denominator"].map(charts.count_text),
                "Referred on time": lado["numerator"].map(charts.count_text),
                "On time": lado["value"].map(
                    lambda v: v if charts.is_hidden(v) else components.format_value(v, "%")
                ),
            }
        ),
        hide_index=True,
        key="referrals_lado_table",
    )
    st.caption(
        f"Allegations due: allegations received in the window whose deadline ({lado_days} "
        f"{lado_word} after the allegation) has passed. – : none due."
    )

# 7. DSL review of concerns --------------------------------------------------------------------
review_days = in_force.dsl_review_target_days
review_word = "working day" if review_days == 1 else "working days"
st.subheader("DSL review of concerns")
components.help_popover("dsl_review_on_time_pct", "dsl_review_median_hours")
if not _anything_due("dsl_review_on_time_pct"):
    components.empty_state("concerns past their DSL review deadline")
else:
    _by_academy(
        "dsl_review_on_time_pct",
        "concerns",
        key="referrals_dsl_on_time",
        title=f"Concerns reviewed by the DSL within {review_days} {review_word}, {when}",
        value_title="Concerns reviewed by the deadline day (%)",
        count_noun="concerns due",
        none_text="no concerns due",
    )
    _by_academy(
        "dsl_review_median_hours",
        "concerns",
        key="referrals_dsl_median_hours",
        title=f"Median hours from logging to DSL review, {when}",
        value_title="Median time from logging to review (hours)",
        count_noun="reviewed concerns",
        none_text="no reviewed concerns",
    )
    if ctx.detail_codes:
        late = data.drill_down("dsl_review_late_list", filters, ctx.detail_codes)
        with st.expander(f"Concerns reviewed late or not yet reviewed ({len(late)})"):
            if late.empty:
                st.success("Every concern past its review deadline was reviewed on time.")
            else:
                _record_list(
                    late.assign(category=late["category"].map(contract.label)),
                    {
                        "academy": "Academy",
                        "concern_id": "Concern",
                        "pupil_ref": "Pupil (pseudonym)",
                        "category": "Category",
                        "logged_at": st.column_config.DatetimeColumn(
                            "Logged", format="DD/MM/YYYY HH:mm"
                        ),
                        "review_deadline_on": st.column_config.DateColumn(
                            "Review due", format="DD/MM/YYYY"
                        ),
                        "dsl_reviewed_at": st.column_config.DatetimeColumn(
                            "Reviewed", format="DD/MM/YYYY HH:mm"
                        ),
                        "late_working_days": st.column_config.NumberColumn(
                            "Working days late", format="%d"
                        ),
                    },
                    f"dsl-review-late-{filters.as_of.isoformat()}.csv",
                    key="referrals_dsl_late",
                )

# 8. Child-protection files follow a child who moves school -------------------------------------
file_days = in_force.cp_file_transfer_school_days
st.subheader("Child-protection files when a child moves school")
components.help_popover("cp_file_sent_on_time_pct", "cp_file_receipt_confirmed_pct")
if not _anything_due("cp_file_sent_on_time_pct"):
    components.empty_state("leavers with a child-protection file whose transfer deadline passed")
else:
    _by_academy(
        "cp_file_sent_on_time_pct",
        "leavers with a child-protection file",
        key="referrals_cp_file_on_time",
        title=f"Files sent within {file_days} school days of the move, {when}",
        value_title="Files sent to the new school by the deadline day (%)",
        count_noun="files due",
        none_text="no files due",
    )
    if _anything_due("cp_file_receipt_confirmed_pct"):
        _by_academy(
            "cp_file_receipt_confirmed_pct",
            "child-protection files sent",
            key="referrals_cp_file_receipt",
            title=f"Files whose receipt the new school confirmed, {when}",
            value_title="Files sent with receipt confirmed (%)",
            count_noun="files sent",
            none_text="no files sent",
        )
    st.caption(
        f"The academy the child left sends the file within {file_days} school days (a working "
        "day in a term and not in a school holiday, config/terms.toml): a move in the summer "
        "holiday counts from the first day of the new term."
    )
    if ctx.detail_codes:
        late_files = data.drill_down("cp_file_late_list", filters, ctx.detail_codes)
        with st.expander(f"Files sent late or not yet sent ({len(late_files)})"):
            if late_files.empty:
                st.success("Every file past its deadline was sent on time.")
            else:
                _record_list(
                    late_files.assign(
                        to_academy=late_files["to_academy_code"]
                        .map(names)
                        .fillna("outside the trust")
                    ),
                    {
                        "academy": "Left",
                        "trust_pupil_ref": "Pupil (trust pseudonym)",
                        "left_on": st.column_config.DateColumn("Left on", format="DD/MM/YYYY"),
                        "to_academy": "Moved to",
                        "cp_file_deadline_on": st.column_config.DateColumn(
                            "File due", format="DD/MM/YYYY"
                        ),
                        "cp_file_sent_on": st.column_config.DateColumn(
                            "File sent", format="DD/MM/YYYY"
                        ),
                        "receipt_confirmed_on": st.column_config.DateColumn(
                            "Receipt confirmed", format="DD/MM/YYYY"
                        ),
                    },
                    f"cp-files-late-{filters.as_of.isoformat()}.csv",
                    key="referrals_cp_file_late",
                )
