-- One row per academy in scope and required policy type that has neither a register row of the
-- academy's own nor a trust-wide row of that type, from the model required_policy_coverage
-- (which required_policies_missing counts). The review state does not matter: an overdue
-- policy is present.
-- Parameters: $windows (one), $academy_codes, $standards.
with final as (
    select academy_code, academy_name, policy_type
    from required_policy_coverage($windows, $standards)
    where coverage = 'missing'
      and list_contains($academy_codes::varchar[], academy_code)
)

select * from final
order by academy_code, policy_type
