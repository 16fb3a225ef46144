-- One row per policy register row overdue for review (next review date before the as-of date)
-- or due soon (within $policy_due_soon_days of it), for the academies in scope and the
-- trust-wide rows (academy_code = 'TRUST'), from the model policy_review_status (which
-- policies_overdue and policies_due_soon read too). overdue_days: calendar days since the
-- next review date, negative for a review still to come.
-- Parameters: $windows (one), $academy_codes, $standards.
with final as (
    select
        academy_code,
        policy_title,
        policy_type,
        owner,
        last_reviewed_on,
        next_review_on,
        -days_to_review as overdue_days,
        status
    from policy_review_status($windows, $standards)
    where status in ('overdue', 'due_soon')
      and (is_trust_wide or list_contains($academy_codes::varchar[], academy_code))
)

select * from final
order by next_review_on, academy_code, policy_title
