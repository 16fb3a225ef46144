-- Staff and training metrics of product.md §4, from the models training_status and inductions.
-- One row per window, academy and metric, plus an academy_code = 'TRUST' row per window and
-- metric that adds numerators and denominators (academies_without_trained_deputy: the count of
-- academies). State metrics look at the people in post at the as-of date; induction_on_time_pct
-- counts the starters of the window whose induction deadline has passed.
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

people as (
    select training_status.*
    from training_status($windows, $standards) as training_status
    inner join scoped_academies using (academy_code)
),

people_measures as (
    select
        as_of_on,
        academy_code,
        count(*) filter (where is_staff) as staff_in_post,
        count(*) filter (where is_staff and is_training_judged) as training_due,
        count(*) filter (where is_staff and is_training_in_date) as training_in_date,
        count(*) filter (where is_dsl_or_deputy) as dsls,
        count(*) filter (where is_dsl_training_in_date) as dsls_in_date,
        count(*) filter (where is_deputy_dsl and is_dsl_training_in_date) as trained_deputies,
        count(*) filter (where is_kcsie_part1_reader) as kcsie_part1_readers,
        count(*) filter (where is_kcsie_part1_reader and has_read_kcsie_part1) as kcsie_part1_read,
        count(*) filter (where is_kcsie_annex_b_reader) as kcsie_annex_b_readers,
        count(*) filter (
            where is_kcsie_annex_b_reader and has_read_kcsie_annex_b
        ) as kcsie_annex_b_read,
        count(*) filter (where is_governor) as governors,
        count(*) filter (where is_governor and is_training_in_date) as governors_in_date,
        count(*) filter (where is_staff and training_status = 'expiring') as training_expiring,
        count(*) filter (
            where is_kcsie_annex_b_reader and has_cse_awareness_in_date
        ) as cse_awareness_in_date,
        count(*) filter (where is_staff and has_online_safety_in_date) as online_safety_in_date,
        count(*) filter (where is_staff and has_prevent_in_date) as prevent_in_date
    from people
    group by as_of_on, academy_code
),

starters_in_window as (
    select
        inductions.as_of_on,
        inductions.academy_code,
        count(*) as inductions_due,
        count(*) filter (where inductions.is_on_time) as inductions_on_time
    from inductions($windows, $standards) as inductions
    inner join scoped_academies using (academy_code)
    group by inductions.as_of_on, inductions.academy_code
),

academy_totals as (
    select
        windows.as_of_on,
        scoped_academies.academy_code,
        coalesce(people_measures.staff_in_post, 0) as staff_in_post,
        coalesce(people_measures.training_due, 0) as training_due,
        coalesce(people_measures.training_in_date, 0) as training_in_date,
        coalesce(starters_in_window.inductions_due, 0) as inductions_due,
        coalesce(starters_in_window.inductions_on_time, 0) as inductions_on_time,
        coalesce(people_measures.dsls, 0) as dsls,
        coalesce(people_measures.dsls_in_date, 0) as dsls_in_date,
        -- An academy with no deputy at all has no trained deputy (product.md §4).
        case
            when coalesce(people_measures.trained_deputies, 0) = 0 then 1 else 0
        end as without_trained_deputy,
        coalesce(people_measures.kcsie_part1_readers, 0) as kcsie_part1_readers,
        coalesce(people_measures.kcsie_part1_read, 0) as kcsie_part1_read,
        coalesce(people_measures.kcsie_annex_b_readers, 0) as kcsie_annex_b_readers,
        coalesce(people_measures.kcsie_annex_b_read, 0) as kcsie_annex_b_read,
        coalesce(people_measures.governors, 0) as governors,
        coalesce(people_measures.governors_in_date, 0) as governors_in_date,
        coalesce(people_measures.training_expiring, 0) as training_expiring,
        coalesce(people_measures.cse_awareness_in_date, 0) as cse_awareness_in_date,
        coalesce(people_measures.online_safety_in_date, 0) as online_safety_in_date,
        coalesce(people_measures.prevent_in_date, 0) as prevent_in_date
    from windows
    cross join scoped_academies
    left join people_measures
        on people_measures.as_of_on = windows.as_of_on
        and people_measures.academy_code = scoped_academies.academy_code
    left join starters_in_window
        on starters_in_window.as_of_on = windows.as_of_on
        and starters_in_window.academy_code = scoped_academies.academy_code
),

-- The TRUST row adds the academies' numerators and denominators (and counts the academies
-- without a trained deputy).
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
                'metric': 'staff_in_post', 'is_pct': false,
                'value': staff_in_post::double,
                'numerator': null::bigint, 'denominator': null::bigint
            },
            {
                'metric': 'safeguarding_training_in_date_pct', 'is_pct': true,
                'value': null::double,
                'numerator': training_in_date, 'denominator': training_due
            },
            {
                'metric': 'induction_on_time_pct', 'is_pct': true,
                'value': null::double,
                'numerator': inductions_on_time, 'denominator': inductions_due
            },
            {
                'metric': 'dsl_training_in_date_pct', 'is_pct': true,
                'value': null::double,
                'numerator': dsls_in_date, 'denominator': dsls
            },
            {
                'metric': 'academies_without_trained_deputy', 'is_pct': false,
                'value': without_trained_deputy::double,
                'numerator': null::bigint, 'denominator': null::bigint
            },
            {
                'metric': 'kcsie_part1_read_pct', 'is_pct': true,
                'value': null::double,
                'numerator': kcsie_part1_read, 'denominator': kcsie_part1_readers
            },
            {
                'metric': 'kcsie_annex_b_read_pct', 'is_pct': true,
                'value': null::double,
                'numerator': kcsie_annex_b_read, 'denominator': kcsie_annex_b_readers
            },
            {
                'metric': 'governor_training_in_date_pct', 'is_pct': true,
                'value': null::double,
                'numerator': governors_in_date, 'denominator': governors
            },
            {
                'metric': 'training_expiring_30d', 'is_pct': false,
                'value': training_expiring::double,
                'numerator': null::bigint, 'denominator': null::bigint
            },
            {
                'metric': 'cse_awareness_training_pct', 'is_pct': true,
                'value': null::double,
                'numerator': cse_awareness_in_date, 'denominator': kcsie_annex_b_readers
            },
            {
                'metric': 'online_safety_training_pct', 'is_pct': true,
                'value': null::double,
                'numerator': online_safety_in_date, 'denominator': staff_in_post
            },
            {
                'metric': 'prevent_training_pct', 'is_pct': true,
                'value': null::double,
                'numerator': prevent_in_date, 'denominator': staff_in_post
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
