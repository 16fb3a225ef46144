-- One row per working-days bucket and feedback status: the referrals to children's social care
-- made in the window by the academies in $academy_codes together, counted by the working days
-- from the referral date to the feedback date (product.md §3 working days), from the model
-- referral_deadlines that csc_feedback_on_time_pct reads.
-- Columns:
--   working_days      0 to 5 (5 = five or more); null = no feedback by the end of the as-of date
--   feedback_status   on_time (feedback on or before the deadline day), late (after it),
--                     overdue (no feedback, deadline passed), awaiting (no feedback, deadline
--                     after the as-of date)
--   referrals         how many referrals
-- Working days elapsed and on time can disagree for feedback given on a weekend after the
-- deadline day (no further working day, but a later date): such feedback is late.
-- Parameters: $windows (one), $academy_codes, $standards.
-- Suppress: referrals
with referred as (
    select
        -- least() skips nulls in DuckDB, so no feedback must stay null explicitly.
        case when feedback_on is not null then least(feedback_working_days, 5) end
            as working_days,
        feedback_status
    from referral_deadlines($windows, $standards)
    where agency = 'children_social_care'
      and is_referred_in_window
      and list_contains($academy_codes::varchar[], academy_code)
),

final as (
    select working_days, feedback_status, count(*) as referrals
    from referred
    group by all
)

select * from final
order by working_days nulls last, feedback_status
