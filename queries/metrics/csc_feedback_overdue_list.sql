-- One row per children's social care referral past its feedback deadline with no feedback by
-- the end of the as-of date, however old: the referrals csc_feedback_overdue counts (both read
-- the model referral_deadlines). overdue_working_days: working days after the deadline up to
-- the as-of date (0 = the deadline was the as-of date itself). is_followed_up: the academy
-- chased the feedback by the as-of date (followed_up_at, else null).
-- Parameters: $windows (one), $academy_codes, $standards.
-- Records: yes
with final as (
    select
        academy_code,
        referral_id,
        pupil_ref,
        concern_id,
        referred_at,
        feedback_deadline_on,
        overdue_working_days,
        is_followed_up,
        followed_up_at
    from referral_deadlines($windows, $standards)
    where is_feedback_overdue
      and list_contains($academy_codes::varchar[], academy_code)
)

select * from final
order by overdue_working_days desc, academy_code, referred_at, referral_id
