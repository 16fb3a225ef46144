-- Concern metrics of product.md §4. One row per snapshot, academy and metric, plus an
-- academy_code = 'TRUST' row per snapshot and metric that adds numerators and denominators
-- (and, for the median, takes the median over all the trust's reviewed concerns).
-- A snapshot is an as-of date with its window [from, to]; a concern counts in it when its
-- logged date is in the window and not after the as-of date. Any later timestamp (a review
-- after the as-of date) has not happened yet.
-- Columns: as_of_on, academy_code, metric, value, numerator, denominator.
-- Parameters: $as_of_dates, $from_dates, $to_dates (parallel lists, one snapshot each),
-- $academy_codes, $dsl_review_target_days.
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

-- The deadline for each logged date, computed once per calendar day rather than per concern.
review_deadlines as (
    select
        day as logged_on,
        add_working_days(day, $dsl_review_target_days) as review_deadline_on
    from calendar_days
),

concerns_in_window as (
    select
        snapshots.as_of_on,
        concerns.academy_code,
        concerns.logged_at,
        review_deadlines.review_deadline_on,
        case
            when concerns.dsl_reviewed_at::date <= snapshots.as_of_on
                then concerns.dsl_reviewed_at
        end as reviewed_at,
        coalesce(concerns.decision_recorded, false) as is_decision_recorded,
        -- product.md §4: a CSE-category concern is CSE whatever its flag says.
        concerns.category = 'child_sexual_exploitation'
        or coalesce(concerns.cse_flag, false) as is_cse,
        coalesce(concerns.mentor_allocated, false) as is_mentor_allocated
    from concerns
    inner join scoped_academies on scoped_academies.academy_code = concerns.academy_code
    inner join snapshots
        on concerns.logged_at::date between snapshots.from_on
        and least(snapshots.to_on, snapshots.as_of_on)
    left join review_deadlines on review_deadlines.logged_on = concerns.logged_at::date
),

-- Grouping sets give the academy rows and the TRUST row from the same concerns, so the
-- TRUST row's counts are the sums and its median is taken over every concern.
aggregated as (
    select
        as_of_on,
        coalesce(academy_code, 'TRUST') as academy_code,
        count(*) as concerns_logged,
        count(*) filter (where is_cse) as cse_concerns_logged,
        count(*) filter (where review_deadline_on <= as_of_on) as reviews_due,
        count(*) filter (
            where review_deadline_on <= as_of_on and reviewed_at::date <= review_deadline_on
        ) as reviews_on_time,
        count(reviewed_at) as reviews_done,
        median(date_diff('second', logged_at, reviewed_at)) as median_review_seconds,
        count(*) filter (where is_decision_recorded) as decisions_recorded,
        count(*) filter (where is_cse and is_mentor_allocated) as cse_mentors_allocated
    from concerns_in_window
    group by grouping sets ((as_of_on, academy_code), (as_of_on))
),

-- Every academy in scope, and the TRUST row, for every snapshot: no data still gives a row.
spine as (
    select snapshots.as_of_on, scoped_academies.academy_code
    from snapshots
    cross join scoped_academies
    union all
    select as_of_on, 'TRUST' as academy_code
    from snapshots
),

totals as (
    select
        spine.as_of_on,
        spine.academy_code,
        coalesce(aggregated.concerns_logged, 0) as concerns_logged,
        coalesce(aggregated.cse_concerns_logged, 0) as cse_concerns_logged,
        coalesce(aggregated.reviews_due, 0) as reviews_due,
        coalesce(aggregated.reviews_on_time, 0) as reviews_on_time,
        coalesce(aggregated.reviews_done, 0) as reviews_done,
        aggregated.median_review_seconds,
        coalesce(aggregated.decisions_recorded, 0) as decisions_recorded,
        coalesce(aggregated.cse_mentors_allocated, 0) as cse_mentors_allocated
    from spine
    left join aggregated
        on aggregated.as_of_on = spine.as_of_on
        and aggregated.academy_code = spine.academy_code
),

measures as (
    select
        as_of_on,
        academy_code,
        unnest([
            {
                'metric': 'concerns_logged', 'is_pct': false,
                'value': concerns_logged::double,
                'numerator': null::bigint, 'denominator': null::bigint
            },
            {
                'metric': 'cse_concerns_logged', 'is_pct': false,
                'value': cse_concerns_logged::double,
                'numerator': null::bigint, 'denominator': null::bigint
            },
            {
                'metric': 'dsl_review_on_time_pct', 'is_pct': true,
                'value': null::double,
                'numerator': reviews_on_time, 'denominator': reviews_due
            },
            {
                'metric': 'dsl_review_median_hours', 'is_pct': false,
                -- Hours to 1 dp, half away from zero, in exact integer arithmetic: the
                -- median is a whole or half second, so twice it is a whole number.
                'value': ((2 * median_review_seconds)::bigint + 360) // 720 / 10,
                'numerator': null::bigint, 'denominator': reviews_done
            },
            {
                'metric': 'decision_recorded_pct', 'is_pct': true,
                'value': null::double,
                'numerator': decisions_recorded, 'denominator': concerns_logged
            },
            {
                'metric': 'cse_mentor_allocated_pct', 'is_pct': true,
                'value': null::double,
                'numerator': cse_mentors_allocated, 'denominator': cse_concerns_logged
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
