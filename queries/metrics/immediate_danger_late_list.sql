-- One row per concern flagged as immediate danger in the window that was not referred to
-- children's social care or the police on the same working day (the denominator but not the
-- numerator of immediate_danger_same_day_pct; both read the model immediate_danger_responses).
-- Parameters: $windows (one), $academy_codes, $standards.
-- Records: yes
with final as (
    select
        academy_code,
        concern_id,
        pupil_ref,
        logged_at,
        respond_by_on,
        first_urgent_referral_on
    from immediate_danger_responses($windows, $standards)
    where not is_same_working_day
      and list_contains($academy_codes::varchar[], academy_code)
)

select * from final
order by logged_at desc, academy_code, concern_id
