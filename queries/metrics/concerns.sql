-- Concern metrics of product.md §4, from the model concern_reviews. One row per window, academy
-- and metric, plus an academy_code = 'TRUST' row per window and metric that adds numerators and
-- denominators (and, for the median, takes the median over all the trust's reviewed concerns).
-- pupil_informed_pct and pupil_views_recorded_pct need optional export columns: an academy that
-- does not send one (collected_fields) has null numerator and denominator ("not collected"),
-- and the TRUST row adds the academies that send it (null when none does).
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

collection as (
    select
        windows.as_of_on,
        scoped_academies.academy_code,
        coalesce(collected.collects_pupil_informed_on, false) as collects_pupil_informed_on,
        coalesce(collected.collects_pupil_views_recorded, false) as collects_pupil_views_recorded
    from windows
    cross join scoped_academies
    left join collected_fields($windows) as collected
        on collected.as_of_on = windows.as_of_on
        and collected.academy_code = scoped_academies.academy_code
),

-- The TRUST row collects a column when any academy in scope does.
collection_with_trust as (
    select * from collection
    union all
    select
        as_of_on,
        'TRUST' as academy_code,
        bool_or(collects_pupil_informed_on),
        bool_or(collects_pupil_views_recorded)
    from collection
    group by as_of_on
),

concerns_judged as (
    select concern_reviews.*, collection.* exclude (as_of_on, academy_code)
    from concern_reviews($windows, $standards) as concern_reviews
    inner join collection using (as_of_on, academy_code)
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
        count(*) filter (where is_review_due and category = 'sharing_nudes') as nudes_reviews_due,
        count(*) filter (
            where review_status = 'on_time' and category = 'sharing_nudes'
        ) as nudes_reviews_on_time,
        count(*) filter (where is_reviewed) as reviews_done,
        median(review_seconds) as median_review_seconds,
        count(*) filter (where is_decision_recorded) as decisions_recorded,
        count(*) filter (where is_cse and is_mentor_allocated) as cse_mentors_allocated,
        median(incident_to_logged_seconds) as median_incident_seconds,
        count(incident_to_logged_seconds) as incidents_dated,
        count(*) filter (where has_outcome and collects_pupil_informed_on) as outcomes_to_tell,
        count(*) filter (
            where has_outcome and collects_pupil_informed_on and pupil_informed_on is not null
        ) as pupils_informed,
        count(*) filter (where collects_pupil_views_recorded) as views_expected,
        count(*) filter (
            where collects_pupil_views_recorded and is_pupil_views_recorded
        ) as views_recorded
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
        coalesce(aggregated.nudes_reviews_due, 0) as nudes_reviews_due,
        coalesce(aggregated.nudes_reviews_on_time, 0) as nudes_reviews_on_time,
        coalesce(aggregated.reviews_done, 0) as reviews_done,
        aggregated.median_review_seconds,
        coalesce(aggregated.decisions_recorded, 0) as decisions_recorded,
        coalesce(aggregated.cse_mentors_allocated, 0) as cse_mentors_allocated,
        aggregated.median_incident_seconds,
        coalesce(aggregated.incidents_dated, 0) as incidents_dated,
        case
            when collection.collects_pupil_informed_on
                then coalesce(aggregated.pupils_informed, 0)
        end as pupils_informed,
        case
            when collection.collects_pupil_informed_on
                then coalesce(aggregated.outcomes_to_tell, 0)
        end as outcomes_to_tell,
        case
            when collection.collects_pupil_views_recorded
                then coalesce(aggregated.views_recorded, 0)
        end as views_recorded,
        case
            when collection.collects_pupil_views_recorded
                then coalesce(aggregated.views_expected, 0)
        end as views_expected
    from spine
    left join aggregated
        on aggregated.as_of_on = spine.as_of_on
        and aggregated.academy_code = spine.academy_code
    left join collection_with_trust as collection
        on collection.as_of_on = spine.as_of_on
        and collection.academy_code = spine.academy_code
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
            },
            {
                'metric': 'incident_to_logged_median_hours', 'is_pct': false,
                'value': ((2 * median_incident_seconds)::bigint + 360) // 720 / 10,
                'numerator': null::bigint, 'denominator': incidents_dated
            },
            {
                'metric': 'sharing_nudes_dsl_review_on_time_pct', 'is_pct': true,
                'value': null::double,
                'numerator': nudes_reviews_on_time, 'denominator': nudes_reviews_due
            },
            {
                'metric': 'pupil_informed_pct', 'is_pct': true,
                'value': null::double,
                'numerator': pupils_informed, 'denominator': outcomes_to_tell
            },
            {
                'metric': 'pupil_views_recorded_pct', 'is_pct': true,
                'value': null::double,
                'numerator': views_recorded, 'denominator': views_expected
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
