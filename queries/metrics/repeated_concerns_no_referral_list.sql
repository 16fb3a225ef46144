-- One row per pupil with repeated concerns in the window and no referral since the first of
-- them (the pupils that pupils_repeated_concerns_no_referral counts; both read the model
-- pupil_concern_patterns): $repeat_concerns_in_term or more concerns in one term, or CSE
-- concerns in two or more terms (CSE policy §8, wider patterns).
-- Parameters: $windows (one), $academy_codes, $standards.
-- Records: yes
with final as (
    select
        academy_code,
        pupil_ref,
        concerns_in_window,
        most_concerns_in_a_term,
        terms_with_cse,
        latest_category,
        first_logged_at,
        last_logged_at
    from pupil_concern_patterns($windows, $standards)
    where is_repeated_without_referral
      and list_contains($academy_codes::varchar[], academy_code)
)

select * from final
order by most_concerns_in_a_term desc, concerns_in_window desc, academy_code, pupil_ref
