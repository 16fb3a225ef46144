-- One row per person in post at the as-of date whose safeguarding training is out of date,
-- still due at induction, or expires within 30 days, from the model training_status (which the
-- training figures read too). Staff are judged on $training_courses, governors and trustees
-- (never "staff in post") on $governor_training_courses. status:
--   never_trained  no qualifying course by the as-of date (and past the induction window)
--   expired        the latest course's validity ended on or before the as-of date
--   induction_due  a new starter still inside the induction window with no course in date
--                  (left out of safeguarding_training_in_date_pct, but an action to take)
--   expiring       in date, expiring after the as-of date and within 30 days of it
-- is_governor: judged on governor training (governor_training_in_date_pct), else staff.
-- Parameters: $windows (one), $academy_codes, $standards.
-- Records: yes
with final as (
    select
        academy_code,
        staff_ref,
        role,
        safeguarding_role,
        is_governor,
        start_date,
        last_course,
        last_completed_on,
        expires_on,
        training_status as status
    from training_status($windows, $standards)
    where training_status <> 'in_date'
      and list_contains($academy_codes::varchar[], academy_code)
)

select * from final
order by
    academy_code,
    case status
        when 'never_trained' then 1 when 'expired' then 2 when 'induction_due' then 3 else 4
    end,
    expires_on nulls first,
    staff_ref
