-- One row per policy register row of the academies in scope, plus every trust-wide row
-- (academy_code = 'TRUST', which applies to every academy), with its review status at the
-- as-of date from the model policy_review_status (overdue, due_soon, in_date, no_date), which
-- the policy figures read too. days_to_review is negative for an overdue review.
-- Columns: academy_code, policy_title, policy_type, owner, approved_by, last_reviewed_on,
-- next_review_on, days_to_review, status.
-- Parameters: $windows (one), $academy_codes, $standards.
with final as (
    select
        academy_code,
        policy_title,
        policy_type,
        owner,
        approved_by,
        last_reviewed_on,
        next_review_on,
        days_to_review,
        status,
        status_rank
    from policy_review_status($windows, $standards)
    where is_trust_wide or list_contains($academy_codes::varchar[], academy_code)
)

select * exclude (status_rank) from final
-- What needs action first: overdue, due soon, no date, then in date; soonest review first.
order by status_rank, next_review_on, academy_code = 'TRUST', academy_code, policy_title
