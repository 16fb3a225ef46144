-- One row per academy in scope and required policy type ($required_policy_types): whether the
-- academy's own register row or a trust-wide row covers it, and the most urgent review status
-- among the covering rows, from the model required_policy_coverage that
-- required_policies_missing counts.
-- coverage: own, trust_wide, both, missing. worst_status: overdue, due_soon, no_date, in_date;
-- null when missing.
-- Columns: academy_code, policy_type, type_order, coverage, worst_status, policy_titles,
-- next_review_on (the earliest among the covering rows).
-- Parameters: $windows (one), $academy_codes, $standards.
with final as (
    select
        academy_code,
        policy_type,
        type_order,
        coverage,
        worst_status,
        policy_titles,
        next_review_on
    from required_policy_coverage($windows, $standards)
    where list_contains($academy_codes::varchar[], academy_code)
)

select * from final
order by academy_code, type_order
