-- One row per DSL or deputy DSL in post at the as-of date whose DSL training is out of date or
-- stops being in date within 30 days, from the model training_status (which
-- dsl_training_in_date_pct reads too). In date needs both a dsl_full course within
-- $dsl_full_valid_months and a dsl_full or dsl_refresh within $dsl_update_valid_months, so
-- expires_on is the earlier of the two expiries. status:
--   never_trained  no dsl_full course by the as-of date (a refresher alone never counts)
--   expired        expires_on is on or before the as-of date
--   expiring       in date, with expires_on within 30 days after the as-of date
-- Parameters: $windows (one), $academy_codes, $standards.
-- Records: yes
with final as (
    select
        academy_code,
        staff_ref,
        role,
        safeguarding_role,
        last_dsl_full_on,
        dsl_full_expires_on,
        last_dsl_update_course,
        last_dsl_update_on,
        dsl_update_expires_on,
        dsl_expires_on as expires_on,
        dsl_training_status as status
    from training_status($windows, $standards)
    where dsl_training_status in ('never_trained', 'expired', 'expiring')
      and list_contains($academy_codes::varchar[], academy_code)
)

select * from final
order by academy_code, expires_on nulls first, staff_ref
