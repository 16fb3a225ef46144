-- One row per policy register row overdue for review (next review date before the as-of
-- date) or due soon (next review date within $policy_due_soon_days from the as-of date), for
-- the academies in scope and the trust-wide rows (academy_code = 'TRUST'). Rows with no next
-- review date are neither. overdue_days is negative for a review still to come.
-- Parameters: $as_of, $academy_codes, $policy_due_soon_days.
with scoped_policies as (
    select policies.*
    from policies
    where list_contains($academy_codes::varchar[], policies.academy_code)
       or policies.academy_code = 'TRUST'
),

classified as (
    select
        *,
        case
            when next_review_on < $as_of::date then 'overdue'
            when next_review_on <= $as_of::date + $policy_due_soon_days::integer then 'due_soon'
        end as status
    from scoped_policies
),

final as (
    select
        academy_code,
        policy_title,
        policy_type,
        owner,
        last_reviewed_on,
        next_review_on,
        $as_of::date - next_review_on as overdue_days,
        status
    from classified
    where status is not null
)

select * from final
order by next_review_on, academy_code, policy_title
