-- One row per policy register row of the academies in scope, plus every trust-wide row
-- (academy_code = 'TRUST', which applies to every academy), with its review status at the
-- as-of date:
--   overdue    next review date before the as-of date
--   due_soon   next review date from the as-of date to $policy_due_soon_days after it
--   in_date    next review date later than that
--   no_date    no next review date (neither review date given): neither overdue nor due soon
-- Register dates are not subject to the "not yet happened" rule (product.md §4).
-- days_to_review is negative for an overdue review.
-- Columns: academy_code, policy_title, policy_type, owner, approved_by, last_reviewed_on,
-- next_review_on, days_to_review, status.
-- Parameters: $as_of, $academy_codes, $policy_due_soon_days.
with scoped_policies as (
    select *
    from policies
    where list_contains($academy_codes::varchar[], academy_code)
       or academy_code = 'TRUST'
),

classified as (
    select
        *,
        next_review_on - $as_of::date as days_to_review,
        case
            when next_review_on is null then 'no_date'
            when next_review_on < $as_of::date then 'overdue'
            when next_review_on <= $as_of::date + $policy_due_soon_days::integer then 'due_soon'
            else 'in_date'
        end as status
    from scoped_policies
),

final as (
    select
        academy_code,
        policy_title,
        policy_type,
        owner,
        approved_by,
        last_reviewed_on,
        next_review_on,
        days_to_review,
        status
    from classified
)

select * from final
-- What needs action first: overdue, due soon, no date, then in date; soonest review first.
order by
    case status when 'overdue' then 1 when 'due_soon' then 2 when 'no_date' then 3 else 4 end,
    next_review_on,
    academy_code = 'TRUST',
    academy_code,
    policy_title
