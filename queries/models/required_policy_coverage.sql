-- required_policy_coverage(windows, standards): one row per window, academy and required policy
-- type ($required_policy_types): whether the academy's own register row or a trust-wide row
-- covers it. The review status does not decide presence: an overdue policy is present; a type
-- with neither is missing (product.md §4).
--   coverage        own, trust_wide, both, missing
--   worst_status    the most urgent review status among the covering rows (as
--                   policy_review_status; null when missing)
--   policy_titles   the covering rows' titles, the academy's own first
--   next_review_on  the earliest next review among them
--   type_order      the type's place in $required_policy_types
-- Columns: as_of_on, academy_code, academy_name, policy_type, type_order, coverage,
-- worst_status, policy_titles, next_review_on.
create or replace macro required_policy_coverage(windows, standards) as table
    with required_types as (
        select
            unnest(standards['required_policy_types']::varchar[]) as policy_type,
            generate_subscripts(standards['required_policy_types']::varchar[], 1) as type_order
    ),

    covering as (
        select
            windows.as_of_on,
            academies.academy_code,
            academies.academy_name,
            required_types.policy_type,
            required_types.type_order,
            coalesce(bool_or(register.academy_code = academies.academy_code), false) as has_own,
            coalesce(bool_or(register.is_trust_wide), false) as has_trust_wide,
            min(register.status_rank) as worst_rank,
            string_agg(
                register.policy_title || if(register.is_trust_wide, ' (trust-wide)', ''),
                '; ' order by register.is_trust_wide, register.policy_title
            ) as policy_titles,
            min(register.next_review_on) as next_review_on
        from academies
        cross join windows(windows) as windows
        cross join required_types
        left join policy_review_status(windows, standards) as register
            on register.as_of_on = windows.as_of_on
            and register.policy_type = required_types.policy_type
            and register.academy_code in (academies.academy_code, 'TRUST')
        group by all
    ),

    final as (
        select
            as_of_on,
            academy_code,
            academy_name,
            policy_type,
            type_order,
            case
                when has_own and has_trust_wide then 'both'
                when has_own then 'own'
                when has_trust_wide then 'trust_wide'
                else 'missing'
            end as coverage,
            case worst_rank
                when 1 then 'overdue'
                when 2 then 'due_soon'
                when 3 then 'no_date'
                when 4 then 'in_date'
            end as worst_status,
            policy_titles,
            next_review_on
        from covering
    )

    select * from final
