"""Policy review: which policies are overdue or due for review, which required policies an
academy lacks, and the register behind both — the CSE policy's "reviewed annually" promise."""

from __future__ import annotations

import streamlit as st

from safeguarding import standards
from safeguarding.policy_import import flags as policy_flags
from safeguarding.ui import components, data, headlines, session
from safeguarding.ui import policy_charts as pc

ctx = session.context()
filters = ctx.filters
st.title("Policy review")
st.caption(
    f"Policy register at {filters.as_of:%-d %B %Y} · {len(ctx.academy_codes)} "
    f"{'academy' if len(ctx.academy_codes) == 1 else 'academies'} in view "
    "and the trust-wide policies, which apply to every academy"
)
if not ctx.academy_codes:
    components.empty_state("academies")
    st.stop()

rules = standards.load()
due_soon = rules.policy_due_soon_days
names = {code: ctx.academy_name(code) for code in ctx.academy_codes}
codes = list(ctx.academy_codes)
values = data.metric_values(filters, codes)
register = data.query("dashboard/policy_register", filters.window, academy_codes=codes)
matrix = data.query("dashboard/policy_required_matrix", filters.window, academy_codes=codes)

where = headlines.focus(ctx)
headline = st.columns(3)
for column, metric_id in zip(
    headline, ("policies_overdue", "policies_due_soon", "required_policies_missing"), strict=True
):
    headlines.show(column, values, where, metric_id)
if where.is_own_academy:
    st.caption(
        f"{where.label}: its own policies. {where.beside}: every academy's and the trust-wide "
        "policies, which apply to every academy."
    )
elif where.label == "Trust":
    st.caption("Trust figures: every academy's policies and the trust-wide ones.")
else:
    st.caption(f"{where.label}: own policies and the trust-wide ones, which apply to each.")

# 1. Counts per academy
st.subheader("Reviews and gaps, by academy")
components.help_popover("policies_overdue", "policies_due_soon", "required_policies_missing")
components.chart(
    pc.counts_grid(values, register, names, filters.as_of, due_soon), key="policy_counts"
)

# 2. Timeline of review dates
st.subheader("When each policy is next reviewed")
components.help_popover("policies_overdue", "policies_due_soon")
if register.empty:
    components.empty_state("policies in the register")
else:
    undated = int((register["status"] == "no_date").sum())
    if undated < len(register):
        components.chart(
            pc.review_timeline(register, names, filters.as_of, due_soon), key="policy_timeline"
        )
    if undated:
        st.caption(
            f"{undated} {'policy has' if undated == 1 else 'policies have'} no review date and "
            'cannot be placed on the timeline: they are listed as "No date" in the register '
            "below."
        )

# 3. Required policies
st.subheader("Required policies: present or missing")
components.help_popover("required_policies_missing")
components.chart(pc.required_matrix(matrix, names, filters.as_of), key="policy_matrix")
st.caption(
    "Own: the academy's register has a policy of this type. Trust-wide: a trust policy covers "
    'it. A policy counts as present whatever its review date; "⚠ overdue" marks one whose '
    "review is overdue."
)
gaps = pc.missing_summary(matrix, names)
if gaps:
    st.markdown(
        "**Missing, with no trust-wide policy to cover them:**\n"
        + "\n".join(f"- {line}" for line in gaps)
    )
else:
    st.success("Every academy in view has every required policy, its own or trust-wide.")

# 4. The register
st.subheader("Policy register")
components.help_popover("policies_overdue", "policies_due_soon")
if register.empty:
    components.empty_state("policies in the register")
else:
    table = pc.register_table(register, names, due_soon)
    labels = list(pc.status_labels(due_soon).values())
    shown = st.multiselect(
        "Show policies that are", labels, default=labels, key="policy_status_filter"
    )
    table = table[table["Status"].isin(shown)]
    if table.empty:
        st.info("No policies with the chosen statuses.")
    else:
        st.dataframe(pc.style_register(table, due_soon), hide_index=True, width="stretch")
        components.download_csv(
            table,
            f"policy-register-{filters.as_of.isoformat()}.csv",
            "Download the register (CSV)",
            key="policy_register_csv",
        )

# 5. Flags: out-of-date guidance, linked policies missing or overdue, dates that do not fit,
# no owner (from the register and from imported policy documents)
st.markdown("#### Flags")
flags = data.query(
    "dashboard/policy_flags",
    filters.window,
    academy_codes=codes,
    **policy_flags.flag_parameters(rules),
)
st.caption(
    "Guidance cited older than the edition in force, policies referred to that are missing from "
    "the register or overdue, a next review before the issue date or beyond the review cycle, "
    "and policies with no owner. Imported documents are checked in full; other register rows "
    "on their dates, owner and KCSIE edition."
)
if flags.empty:
    st.success("No flags for the policies in view.")
else:
    st.dataframe(
        policy_flags.flags_table(flags, lambda c: names.get(c, pc.TRUST_WIDE_LABEL)),
        hide_index=True,
        width="stretch",
        key="policy_flags_table",
    )
documents = data.query("policy_import/documents", academy_codes=codes)
if not documents.empty:
    with st.expander(
        f"Imported policy documents ({len(documents)})", icon=":material/description:"
    ):
        st.dataframe(
            policy_flags.documents_table(documents, lambda c: names.get(c, pc.TRUST_WIDE_LABEL)),
            hide_index=True,
            width="stretch",
        )
