-- One row per working-days bucket and feedback status: the referrals to children's social care
-- made in [$date_from, $date_to] and not after the as-of date, by the academies in
-- $academy_codes together, counted by the working days from the referral date to the feedback
-- date (product.md §3 working days).
-- Columns:
--   working_days      0 to 5 (5 = five or more); null = no feedback by the end of the as-of date
--   feedback_status   on_time (feedback on or before the deadline day), late (after it),
--                     overdue (no feedback, deadline passed), awaiting (no feedback, deadline
--                     after the as-of date)
--   referrals         how many referrals
-- The deadline is add_working_days(referral date, $csc_feedback_target_days), as in
-- queries/metrics/referrals.sql. Working days elapsed and on time can disagree for feedback
-- given on a weekend after the deadline day (no further working day, but a later date): such
-- feedback is late.
-- Parameters: $as_of, $date_from, $date_to, $academy_codes, $csc_feedback_target_days.
-- Suppress: referrals
with scoped_referrals as (
    select
        academy_code,
        referred_at::date as referred_on,
        -- Feedback after the end of the as-of date has not happened yet.
        case when feedback_at::date <= $as_of::date then feedback_at::date end as feedback_on
    from referrals
    where agency = 'children_social_care'
      and list_contains($academy_codes::varchar[], academy_code)
      and referred_at::date between $date_from::date and least($date_to::date, $as_of::date)
),

-- One deadline per calendar day rather than per referral.
deadlines as (
    select day, add_working_days(day, $csc_feedback_target_days) as feedback_deadline_on
    from calendar_days
    where day between $date_from::date and least($date_to::date, $as_of::date)
),

timed as (
    select
        -- least() skips nulls in DuckDB, so no feedback must stay null explicitly.
        case
            when feedback_day.day is not null
                then least(feedback_day.working_day_no - referral_day.working_day_no, 5)
        end as working_days,
        case
            when scoped_referrals.feedback_on <= deadlines.feedback_deadline_on then 'on_time'
            when scoped_referrals.feedback_on is not null then 'late'
            when deadlines.feedback_deadline_on <= $as_of::date then 'overdue'
            else 'awaiting'
        end as feedback_status
    from scoped_referrals
    inner join deadlines on deadlines.day = scoped_referrals.referred_on
    inner join calendar_days as referral_day on referral_day.day = scoped_referrals.referred_on
    left join calendar_days as feedback_day on feedback_day.day = scoped_referrals.feedback_on
),

final as (
    select working_days, feedback_status, count(*) as referrals
    from timed
    group by all
)

select * from final
order by working_days nulls last, feedback_status
