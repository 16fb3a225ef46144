-- Referral metrics of product.md §4. One row per snapshot, academy and metric, plus an
-- academy_code = 'TRUST' row per snapshot and metric that adds numerators and denominators.
-- A snapshot is an as-of date with its window [from, to]. Event metrics count referrals whose
-- anchor date (referred_at; allegation_at for LADO) is in the window and not after the as-of
-- date; csc_feedback_overdue is a state at the as-of date, whatever the referral date.
-- Feedback or a follow-up after the end of the as-of date has not happened yet.
-- Columns: as_of_on, academy_code, metric, value, numerator, denominator.
-- Parameters: $as_of_dates, $from_dates, $to_dates (parallel lists, one snapshot each),
-- $academy_codes, $csc_feedback_target_days, $lado_referral_target_days.
with snapshots as (
    select
        unnest($as_of_dates::date[]) as as_of_on,
        unnest($from_dates::date[]) as from_on,
        unnest($to_dates::date[]) as to_on
),

scoped_academies as (
    select academy_code
    from academies
    where list_contains($academy_codes::varchar[], academy_code)
),

-- Deadlines per calendar day, computed once per day rather than once per referral.
deadlines as (
    select
        day,
        add_working_days(day, $csc_feedback_target_days) as feedback_deadline_on,
        add_working_days(day, $lado_referral_target_days) as lado_deadline_on
    from calendar_days
),

scoped_referrals as (
    select
        referrals.academy_code,
        referrals.agency,
        referrals.referred_at::date as referred_on,
        referrals.allegation_at::date as allegation_on,
        referrals.feedback_at::date as feedback_on,
        referrals.followed_up_at::date as followed_up_on,
        referral_deadlines.feedback_deadline_on,
        allegation_deadlines.lado_deadline_on
    from referrals
    inner join scoped_academies on scoped_academies.academy_code = referrals.academy_code
    left join deadlines as referral_deadlines
        on referral_deadlines.day = referrals.referred_at::date
    left join deadlines as allegation_deadlines
        on allegation_deadlines.day = referrals.allegation_at::date
),

referred_in_window as (
    select
        snapshots.as_of_on,
        scoped_referrals.*,
        scoped_referrals.agency = 'children_social_care'
        and scoped_referrals.feedback_deadline_on <= snapshots.as_of_on as is_csc_feedback_due
    from scoped_referrals
    inner join snapshots
        on scoped_referrals.referred_on between snapshots.from_on
        and least(snapshots.to_on, snapshots.as_of_on)
),

referral_events as (
    select
        as_of_on,
        academy_code,
        count(*) as referrals_made,
        count(*) filter (where is_csc_feedback_due) as csc_feedback_due,
        count(*) filter (
            where is_csc_feedback_due and feedback_on <= feedback_deadline_on
        ) as csc_feedback_on_time,
        -- Missed: feedback after the deadline, or none yet (feedback after the as-of date
        -- is also after the deadline, since the deadline is on or before the as-of date).
        count(*) filter (
            where is_csc_feedback_due and coalesce(feedback_on > feedback_deadline_on, true)
        ) as csc_feedback_missed,
        count(*) filter (
            where is_csc_feedback_due
            and coalesce(feedback_on > feedback_deadline_on, true)
            and followed_up_on <= as_of_on
        ) as csc_missed_followed_up
    from referred_in_window
    group by as_of_on, academy_code
),

lado_events as (
    select
        snapshots.as_of_on,
        scoped_referrals.academy_code,
        count(*) filter (
            where scoped_referrals.lado_deadline_on <= snapshots.as_of_on
        ) as lado_due,
        -- A referral made after the as-of date is after a deadline that has passed.
        count(*) filter (
            where scoped_referrals.lado_deadline_on <= snapshots.as_of_on
            and scoped_referrals.referred_on <= scoped_referrals.lado_deadline_on
        ) as lado_on_time
    from scoped_referrals
    inner join snapshots
        on scoped_referrals.allegation_on between snapshots.from_on
        and least(snapshots.to_on, snapshots.as_of_on)
    where scoped_referrals.agency = 'lado'
    group by snapshots.as_of_on, scoped_referrals.academy_code
),

-- State at the as-of date: every children's social care referral, however old, whose
-- deadline has passed with no feedback by the end of the as-of date.
csc_overdue as (
    select
        snapshots.as_of_on,
        scoped_referrals.academy_code,
        count(*) as csc_feedback_overdue
    from scoped_referrals
    inner join snapshots
        on scoped_referrals.feedback_deadline_on <= snapshots.as_of_on
        and coalesce(scoped_referrals.feedback_on, date '9999-12-31') > snapshots.as_of_on
    where scoped_referrals.agency = 'children_social_care'
    group by snapshots.as_of_on, scoped_referrals.academy_code
),

academy_totals as (
    select
        snapshots.as_of_on,
        scoped_academies.academy_code,
        coalesce(referral_events.referrals_made, 0) as referrals_made,
        coalesce(referral_events.csc_feedback_due, 0) as csc_feedback_due,
        coalesce(referral_events.csc_feedback_on_time, 0) as csc_feedback_on_time,
        coalesce(referral_events.csc_feedback_missed, 0) as csc_feedback_missed,
        coalesce(referral_events.csc_missed_followed_up, 0) as csc_missed_followed_up,
        coalesce(csc_overdue.csc_feedback_overdue, 0) as csc_feedback_overdue,
        coalesce(lado_events.lado_due, 0) as lado_due,
        coalesce(lado_events.lado_on_time, 0) as lado_on_time
    from snapshots
    cross join scoped_academies
    left join referral_events
        on referral_events.as_of_on = snapshots.as_of_on
        and referral_events.academy_code = scoped_academies.academy_code
    left join lado_events
        on lado_events.as_of_on = snapshots.as_of_on
        and lado_events.academy_code = scoped_academies.academy_code
    left join csc_overdue
        on csc_overdue.as_of_on = snapshots.as_of_on
        and csc_overdue.academy_code = scoped_academies.academy_code
),

-- The TRUST row adds the academies' numerators and denominators.
trust_totals as (
    select
        snapshots.as_of_on,
        'TRUST' as academy_code,
        coalesce(sum(columns(academy_totals.* exclude (as_of_on, academy_code))), 0)
    from snapshots
    left join academy_totals on academy_totals.as_of_on = snapshots.as_of_on
    group by snapshots.as_of_on
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
