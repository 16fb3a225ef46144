-- The register row a policy document updates, if any: the academy's row with the same key
-- (the title normalised), else the academy's only row of the same policy type (so importing
-- "Child Sexual Exploitation (CSE) Policy" updates a register row called "Trust CSE Policy").
-- Type `other` never matches by type: many unrelated policies share it. Zero or one row:
-- policy_key, policy_title, policy_type, is_same_key.
-- Parameters: $academy_code, $policy_key, $policy_type
with academy_rows as (
    select policy_key, policy_title, policy_type
    from policies
    where academy_code = $academy_code::varchar
),

same_key as (
    select *, true as is_same_key
    from academy_rows
    where policy_key = $policy_key::varchar
),

same_type as (
    select *, false as is_same_key
    from academy_rows
    where $policy_type::varchar <> 'other'
      and policy_type = $policy_type::varchar
      and (select count(*) from academy_rows where policy_type = $policy_type::varchar) = 1
),

final as (
    select * from same_key
    union all
    select * from same_type where not exists (select 1 from same_key)
)

select * from final
