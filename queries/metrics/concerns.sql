-- Concern metrics of product.md §4, from the model concern_reviews. One row per window, academy
-- and metric, plus an academy_code = 'TRUST' row per window and metric that adds numerators and
-- denominators (and, for the median, takes the median over all the trust's reviewed concerns).
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

concerns_judged as (
    select concern_reviews.*
    from concern_reviews($windows, $standards) as concern_reviews
    inner join scoped_academies using (academy_code)
),

-- Grouping sets give the academy rows and the TRUST row from the same concerns, so the
-- TRUST row's counts are the sums and its median is taken over every concern.
aggregated as (
    select
        as_of_on,
        coalesce(academy_code, 'TRUST') as academy_code,
        count(*) as concerns_logged,
        count(*) filter (where is_cse) as cse_concerns_logged,
        count(*) filter (where is_review_due) as reviews_due,
        count(*) filter (where review_status = 'on_time') as reviews_on_time,
        count(*) filter (where is_reviewed) as reviews_done,
        median(review_seconds) as median_review_seconds,
        count(*) filter (where is_decision_recorded) as decisions_recorded,
        count(*) filter (where is_cse and is_mentor_allocated) as cse_mentors_allocated
    from concerns_judged
    group by grouping sets ((as_of_on, academy_code), (as_of_on))
),

-- Every academy in scope, and the TRUST row, for every window: no data still gives a row.
spine as (
    select windows.as_of_on, scoped_academies.academy_code
    from windows
    cross join scoped_academies
    union all
    select as_of_on, 'TRUST' as academy_code
    from windows
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
