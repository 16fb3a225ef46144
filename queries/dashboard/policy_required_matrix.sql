-- One row per academy in scope and required policy type ($required_policy_types): whether the
-- academy has a register row of that type of its own, whether a trust-wide row (academy_code
-- = 'TRUST') covers it, and the review status of those rows at the as-of date. A type with
-- neither is missing (as required_policies_missing and required_policies_missing_list); the
-- review status does not decide presence.
-- coverage: own, trust_wide, both, missing.
-- worst_status: the most urgent review status among the covering rows (overdue, due_soon,
-- no_date, in_date; null when missing), with $policy_due_soon_days as in policy_register.
-- Columns: academy_code, policy_type, type_order, coverage, worst_status, policy_titles,
-- next_review_on (the earliest among the covering rows).
-- Parameters: $as_of, $academy_codes, $required_policy_types, $policy_due_soon_days.
with scoped_academies as (
    select academy_code
    from academies
    where list_contains($academy_codes::varchar[], academy_code)
),

required_types as (
    select
        unnest($required_policy_types::varchar[]) as policy_type,
        generate_subscripts($required_policy_types::varchar[], 1) as type_order
),

classified as (
    select
        academy_code,
        policy_type,
        policy_title,
        next_review_on,
        case
            when next_review_on is null then 3
            when next_review_on < $as_of::date then 1
            when next_review_on <= $as_of::date + $policy_due_soon_days::integer then 2
            else 4
        end as status_rank
    from policies
    where list_contains($academy_codes::varchar[], academy_code)
       or academy_code = 'TRUST'
),

covering as (
    select
        scoped_academies.academy_code,
        required_types.policy_type,
        required_types.type_order,
        bool_or(classified.academy_code = scoped_academies.academy_code) as has_own,
        bool_or(classified.academy_code = 'TRUST') as has_trust_wide,
        min(classified.status_rank) as worst_rank,
        string_agg(
            classified.policy_title
            || if(classified.academy_code = 'TRUST', ' (trust-wide)', ''),
            '; ' order by classified.academy_code = 'TRUST', classified.policy_title
        ) as policy_titles,
        min(classified.next_review_on) as next_review_on
    from scoped_academies
    cross join required_types
    left join classified
        on classified.policy_type = required_types.policy_type
        and classified.academy_code in (scoped_academies.academy_code, 'TRUST')
    group by all
),

final as (
    select
        academy_code,
        policy_type,
        type_order,
        case
            when has_own and has_trust_wide then 'both'
            when has_own then 'own'
            when has_trust_wide then 'trust_wide'
            else 'missing'
        end as coverage,
        case worst_rank
            when 1 then 'overdue' when 2 then 'due_soon' when 3 then 'no_date' when 4 then 'in_date'
        end as worst_status,
        policy_titles,
        next_review_on
    from covering
)

select * from final
order by academy_code, type_order
