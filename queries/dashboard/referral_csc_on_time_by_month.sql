-- One row per month of referral and academy, plus academy_code = 'TRUST' per month (the
-- academies in $academy_codes together): csc_feedback_on_time_pct for the referrals to
-- children's social care made that month within the window, judged at the as-of date, from the
-- model referral_deadlines that the metric reads. Months partition the window, so the months'
-- numerators and denominators add up to the metric's for the whole window.
-- Columns: referred_month_on (first day of the month), academy_code,
--   due_referrals (deadline on or before the as-of date: the denominator),
--   on_time_referrals (of those, feedback on or before the deadline day: the numerator),
--   on_time_pct (percent_1dp of the two, as the metric rounds).
-- Rows only for months and academies with a referral.
-- Parameters: $windows (one), $academy_codes, $standards.
-- Suppress: due_referrals, on_time_referrals
-- Suppress-across: referred_month_on
with referred as (
    select
        academy_code,
        date_trunc('month', referred_on)::date as referred_month_on,
        is_feedback_due,
        is_feedback_on_time
    from referral_deadlines($windows, $standards)
    where agency = 'children_social_care'
      and is_referred_in_window
      and list_contains($academy_codes::varchar[], academy_code)
),

-- Grouping sets give each academy's months and the TRUST months from the same referrals.
counted as (
    select
        referred_month_on,
        coalesce(academy_code, 'TRUST') as academy_code,
        count(*) filter (where is_feedback_due) as due_referrals,
        count(*) filter (where is_feedback_on_time) as on_time_referrals
    from referred
    group by grouping sets ((referred_month_on, academy_code), (referred_month_on))
),

final as (
    select *, percent_1dp(on_time_referrals, due_referrals) as on_time_pct
    from counted
)

select * from final
order by academy_code, referred_month_on
