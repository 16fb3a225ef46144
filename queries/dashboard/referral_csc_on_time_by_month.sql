-- One row per month of referral and academy, plus academy_code = 'TRUST' per month (the
-- academies in $academy_codes together): csc_feedback_on_time_pct for the referrals to
-- children's social care made that month, within [$date_from, $date_to] and not after the
-- as-of date, judged at the as-of date. Months partition the window, so the months' numerators
-- and denominators add up to the metric's for the whole window.
-- Columns: referred_month_on (first day of the month), academy_code,
--   due_referrals (deadline on or before the as-of date: the denominator),
--   on_time_referrals (of those, feedback on or before the deadline day: the numerator).
-- Rows only for months and academies with a referral. The arithmetic is that of
-- queries/metrics/referrals.sql (deadline = add_working_days(referral date, target)).
-- Parameters: $as_of, $date_from, $date_to, $academy_codes, $csc_feedback_target_days.
-- Suppress: due_referrals, on_time_referrals
-- Suppress-across: referred_month_on
with scoped_referrals as (
    select
        academy_code,
        referred_at::date as referred_on,
        case when feedback_at::date <= $as_of::date then feedback_at::date end as feedback_on
    from referrals
    where agency = 'children_social_care'
      and list_contains($academy_codes::varchar[], academy_code)
      and referred_at::date between $date_from::date and least($date_to::date, $as_of::date)
),

deadlines as (
    select day, add_working_days(day, $csc_feedback_target_days) as feedback_deadline_on
    from calendar_days
    where day between $date_from::date and least($date_to::date, $as_of::date)
),

judged as (
    select
        scoped_referrals.academy_code,
        date_trunc('month', scoped_referrals.referred_on)::date as referred_month_on,
        deadlines.feedback_deadline_on <= $as_of::date as is_due,
        coalesce(scoped_referrals.feedback_on <= deadlines.feedback_deadline_on, false)
            as is_on_time
    from scoped_referrals
    inner join deadlines on deadlines.day = scoped_referrals.referred_on
),

-- Grouping sets give each academy's months and the TRUST months from the same referrals.
final as (
    select
        referred_month_on,
        coalesce(academy_code, 'TRUST') as academy_code,
        count(*) filter (where is_due) as due_referrals,
        count(*) filter (where is_due and is_on_time) as on_time_referrals
    from judged
    group by grouping sets ((referred_month_on, academy_code), (referred_month_on))
)

select * from final
order by academy_code, referred_month_on
