-- policy_review_status(windows, standards): one row per window and policy register row, the
-- academies' own and the trust-wide ones (academy_code = 'TRUST', which apply to every
-- academy), with its review status at the as-of date (product.md §4):
--   overdue    next review date before the as-of date
--   due_soon   next review date from the as-of date to $policy_due_soon_days after it
--   in_date    later than that
--   no_date    no next review date: neither overdue nor due soon
-- Register dates are not subject to the "not yet happened" rule. days_to_review is calendar
-- days from the as-of date to the next review, negative when overdue. status_rank orders the
-- statuses by urgency (1 overdue ... 4 in_date).
-- Columns: as_of_on, every column of the register (policies), is_trust_wide, days_to_review,
-- status, status_rank.
create or replace macro policy_review_status(windows, standards) as table
    with classified as (
        select
            windows.as_of_on,
            policies.* exclude (known_from, known_until, retired_by),
            policies.academy_code = 'TRUST' as is_trust_wide,
            policies.next_review_on - windows.as_of_on as days_to_review,
            case
                when policies.next_review_on is null then 'no_date'
                when policies.next_review_on < windows.as_of_on then 'overdue'
                when policies.next_review_on
                    <= windows.as_of_on + standards['policy_due_soon_days']::integer
                    then 'due_soon'
                else 'in_date'
            end as status
        from policies_versions as policies
        inner join windows(windows) as windows
            on is_known(policies.known_from, policies.known_until, windows.known_at)
    ),

    final as (
        select
            *,
            case status
                when 'overdue' then 1 when 'due_soon' then 2 when 'no_date' then 3 else 4
            end as status_rank
        from classified
    )

    select * from final
