-- Referral metrics of product.md §4, from the model referral_deadlines. One row per window,
-- academy and metric, plus an academy_code = 'TRUST' row per window and metric that adds
-- numerators and denominators. Event metrics count referrals whose anchor date (referred_on;
-- allegation_on for LADO) is in the window; csc_feedback_overdue is a state at the as-of date,
-- whatever the referral date.
-- Columns: as_of_on, academy_code, metric, value, numerator, denominator.
-- Parameters: $windows, $academy_codes, $standards.
with windows as (
    select * from windows($windows)
),

scoped_academies as (
    select academy_code
    from academies
    where list_contains($academy_codes::varchar[], academy_code)
),

referrals_judged as (
    select referral_deadlines.*
    from referral_deadlines($windows, $standards) as referral_deadlines
    inner join scoped_academies using (academy_code)
),

measured as (
    select
        as_of_on,
        academy_code,
        count(*) filter (where is_referred_in_window) as referrals_made,
        count(*) filter (where is_referred_in_window and is_feedback_due) as csc_feedback_due,
        count(*) filter (
            where is_referred_in_window and is_feedback_on_time
        ) as csc_feedback_on_time,
        count(*) filter (
            where is_referred_in_window and is_feedback_due and not is_feedback_on_time
        ) as csc_feedback_missed,
        count(*) filter (
            where is_referred_in_window and is_feedback_due and not is_feedback_on_time
            and is_followed_up
        ) as csc_missed_followed_up,
        count(*) filter (where is_feedback_overdue) as csc_feedback_overdue,
        count(*) filter (where is_alleged_in_window and is_lado_due) as lado_due,
        count(*) filter (where is_alleged_in_window and is_lado_on_time) as lado_on_time
    from referrals_judged
    group by as_of_on, academy_code
),

academy_totals as (
    select
        windows.as_of_on,
        scoped_academies.academy_code,
        coalesce(columns(measured.* exclude (as_of_on, academy_code)), 0)
    from windows
    cross join scoped_academies
    left join measured
        on measured.as_of_on = windows.as_of_on
        and measured.academy_code = scoped_academies.academy_code
),

-- The TRUST row adds the academies' numerators and denominators.
trust_totals as (
    select
        windows.as_of_on,
        'TRUST' as academy_code,
        coalesce(sum(columns(academy_totals.* exclude (as_of_on, academy_code))), 0)
    from windows
    left join academy_totals on academy_totals.as_of_on = windows.as_of_on
    group by windows.as_of_on
),
totals as (
    select * from academy_totals
    union all by name
    select * from trust_totals
),

measures as (
    select
        as_of_on,
        academy_code,
        unnest([
            {
                'metric': 'referrals_made', 'is_pct': false,
                'value': referrals_made::double,
                'numerator': null::bigint, 'denominator': null::bigint
            },
            {
                'metric': 'csc_feedback_on_time_pct', 'is_pct': true,
                'value': null::double,
                'numerator': csc_feedback_on_time, 'denominator': csc_feedback_due
            },
            {
                'metric': 'csc_feedback_overdue', 'is_pct': false,
                'value': csc_feedback_overdue::double,
                'numerator': null::bigint, 'denominator': null::bigint
            },
            {
                'metric': 'csc_followed_up_pct', 'is_pct': true,
                'value': null::double,
                'numerator': csc_missed_followed_up, 'denominator': csc_feedback_missed
            },
            {
                'metric': 'lado_on_time_pct', 'is_pct': true,
                'value': null::double,
                'numerator': lado_on_time, 'denominator': lado_due
            }
        ], recursive := true)
    from totals
),

final as (
    select
        as_of_on,
        academy_code,
        metric,
        case when is_pct then percent_1dp(numerator, denominator) else value end as value,
        numerator,
        denominator
    from measures
)

select * from final
