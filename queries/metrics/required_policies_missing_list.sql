-- One row per academy in scope and required policy type that has neither a register row of
-- the academy's own nor a trust-wide row (academy_code = 'TRUST') of that type. The review
-- state does not matter: an overdue policy is present. (required_policies_missing counts
-- these rows.)
-- Parameters: $academy_codes, $required_policy_types.
with scoped_academies as (
    select academy_code, academy_name
    from academies
    where list_contains($academy_codes::varchar[], academy_code)
),

required_types as (
    select unnest($required_policy_types::varchar[]) as policy_type
),

present_types as (
    select distinct academy_code, policy_type
    from policies
),

final as (
    select
        scoped_academies.academy_code,
        scoped_academies.academy_name,
        required_types.policy_type
    from scoped_academies
    cross join required_types
    where not exists (
        select 1
        from present_types
        where present_types.policy_type = required_types.policy_type
          and present_types.academy_code in (scoped_academies.academy_code, 'TRUST')
    )
)

select * from final
order by academy_code, policy_type
