-- Staff and training metrics of product.md §4. One row per snapshot, academy and metric, plus an
-- academy_code = 'TRUST' row per snapshot and metric that adds numerators and denominators
-- (academies_without_trained_deputy: the count of academies).
-- A snapshot is an as-of date with its window [from, to]. State metrics look at the people in
-- post at the as-of date; induction_on_time_pct counts starters whose start date is in the
-- window and not after the as-of date. Training completed after the as-of date has not
-- happened yet. "Within N months": completed_on <= as-of < completed_on + N months, so the
-- latest completion by the as-of date decides (a later completion never expires sooner).
-- Columns: as_of_on, academy_code, metric, value, numerator, denominator.
-- Parameters: $as_of_dates, $from_dates, $to_dates (parallel lists, one snapshot each),
-- $academy_codes, $training_courses, $training_valid_months, $induction_window_days,
-- $dsl_full_valid_months, $dsl_update_valid_months, $governor_training_courses,
-- $governor_training_valid_months, $kcsie_edition.
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

induction_deadlines as (
    select
        day as start_on,
        add_working_days(day, $induction_window_days) as induction_deadline_on
    from calendar_days
),

scoped_staff as (
    select
        staff.academy_code,
        staff.staff_ref,
        staff.role,
        staff.safeguarding_role,
        staff.works_with_children,
        staff.start_date,
        staff.leave_date,
        -- product.md §4: staff in post never includes governors or trustees.
        staff.role in ('governor', 'trustee') as is_governor,
        induction_deadlines.induction_deadline_on
    from staff
    inner join scoped_academies on scoped_academies.academy_code = staff.academy_code
    left join induction_deadlines on induction_deadlines.start_on = staff.start_date
),

-- The first qualifying course of each person: induction counts one done even before the
-- start date.
first_qualifying_training as (
    select academy_code, staff_ref, min(completed_on) as first_qualifying_on
    from training
    where list_contains($training_courses::varchar[], course)
    group by academy_code, staff_ref
),

in_post as (
    select
        snapshots.as_of_on,
        scoped_staff.*
    from scoped_staff
    inner join snapshots
        on scoped_staff.start_date <= snapshots.as_of_on
        and coalesce(scoped_staff.leave_date, date '9999-12-31') > snapshots.as_of_on
),

-- A person's training is the training rows with their academy and staff_ref, completed by the
-- as-of date. (A plain join and group by measured faster than as-of joins, for one snapshot
-- and for sixty.)
training_by_as_of as (
    select
        in_post.as_of_on,
        in_post.academy_code,
        in_post.staff_ref,
        max(training.completed_on) filter (
            where list_contains($training_courses::varchar[], training.course)
        ) as latest_qualifying_on,
        max(training.completed_on) filter (
            where training.course = 'dsl_full'
        ) as latest_dsl_full_on,
        -- The 12-month DSL update can be a full course or a refresher; a refresher alone
        -- never makes a DSL in date, because the full course is checked too (product.md §4).
        max(training.completed_on) filter (
            where training.course in ('dsl_full', 'dsl_refresh')
        ) as latest_dsl_update_on,
        max(training.completed_on) filter (
            where list_contains($governor_training_courses::varchar[], training.course)
        ) as latest_governor_training_on,
        -- KCSIE reads are of the current edition and never expire; Annex A is not Part 1.
        coalesce(bool_or(
            training.course = 'kcsie_part1' and training.kcsie_edition = $kcsie_edition
        ), false) as has_read_kcsie_part1,
        coalesce(bool_or(
            training.course = 'kcsie_annex_b' and training.kcsie_edition = $kcsie_edition
        ), false) as has_read_kcsie_annex_b
    from in_post
    inner join training
        on training.academy_code = in_post.academy_code
        and training.staff_ref = in_post.staff_ref
        and training.completed_on <= in_post.as_of_on
    group by in_post.as_of_on, in_post.academy_code, in_post.staff_ref
),

expiries as (
    select
        *,
        (latest_qualifying_on + to_months($training_valid_months))::date as training_expires_on,
        (latest_dsl_full_on + to_months($dsl_full_valid_months))::date as dsl_full_expires_on,
        (latest_dsl_update_on + to_months($dsl_update_valid_months))::date
            as dsl_update_expires_on,
        (latest_governor_training_on + to_months($governor_training_valid_months))::date
            as governor_training_expires_on
    from training_by_as_of
),

people_at_as_of as (
    select
        in_post.as_of_on,
        in_post.academy_code,
        in_post.is_governor,
        not in_post.is_governor
        and in_post.safeguarding_role in ('dsl', 'deputy_dsl') as is_dsl_or_deputy,
        not in_post.is_governor and in_post.safeguarding_role = 'deputy_dsl' as is_deputy_dsl,
        not in_post.is_governor and in_post.works_with_children as is_kcsie_part1_reader,
        not in_post.is_governor
        and (in_post.works_with_children or in_post.role in ('leadership', 'principal'))
            as is_kcsie_annex_b_reader,
        in_post.as_of_on <= in_post.induction_deadline_on as is_in_induction_window,
        coalesce(in_post.as_of_on < expiries.training_expires_on, false) as is_training_in_date,
        expiries.training_expires_on,
        coalesce(
            in_post.as_of_on < expiries.dsl_full_expires_on
            and in_post.as_of_on < expiries.dsl_update_expires_on,
            false
        ) as is_dsl_training_in_date,
        coalesce(
            in_post.as_of_on < expiries.governor_training_expires_on, false
        ) as is_governor_training_in_date,
        coalesce(expiries.has_read_kcsie_part1, false) as has_read_kcsie_part1,
        coalesce(expiries.has_read_kcsie_annex_b, false) as has_read_kcsie_annex_b
    from in_post
    left join expiries
        on expiries.as_of_on = in_post.as_of_on
        and expiries.academy_code = in_post.academy_code
        and expiries.staff_ref = in_post.staff_ref
),

people_measures as (
    select
        as_of_on,
        academy_code,
        count(*) filter (where not is_governor) as staff_in_post,
        -- A new starter is left out only while still inside the induction window and not
        -- yet in date (product.md §4).
        count(*) filter (
            where not is_governor and not (is_in_induction_window and not is_training_in_date)
        ) as training_due,
        count(*) filter (where not is_governor and is_training_in_date) as training_in_date,
        count(*) filter (where is_dsl_or_deputy) as dsls,
        count(*) filter (where is_dsl_or_deputy and is_dsl_training_in_date) as dsls_in_date,
        count(*) filter (where is_deputy_dsl and is_dsl_training_in_date) as trained_deputies,
        count(*) filter (where is_kcsie_part1_reader) as kcsie_part1_readers,
        count(*) filter (where is_kcsie_part1_reader and has_read_kcsie_part1) as kcsie_part1_read,
        count(*) filter (where is_kcsie_annex_b_reader) as kcsie_annex_b_readers,
        count(*) filter (
            where is_kcsie_annex_b_reader and has_read_kcsie_annex_b
        ) as kcsie_annex_b_read,
        count(*) filter (where is_governor) as governors,
        count(*) filter (where is_governor and is_governor_training_in_date) as governors_in_date,
        count(*) filter (
            where not is_governor
            and training_expires_on > as_of_on
            and training_expires_on <= as_of_on + 30
        ) as training_expiring
    from people_at_as_of
    group by as_of_on, academy_code
),

starters_in_window as (
    select
        snapshots.as_of_on,
        scoped_staff.academy_code,
        count(*) as inductions_due,
        count(*) filter (
            where first_qualifying_training.first_qualifying_on
                <= scoped_staff.induction_deadline_on
        ) as inductions_on_time
    from scoped_staff
    inner join snapshots
        on scoped_staff.start_date between snapshots.from_on
        and least(snapshots.to_on, snapshots.as_of_on)
        and scoped_staff.induction_deadline_on <= snapshots.as_of_on
    left join first_qualifying_training
        on first_qualifying_training.academy_code = scoped_staff.academy_code
        and first_qualifying_training.staff_ref = scoped_staff.staff_ref
    where not scoped_staff.is_governor
    group by snapshots.as_of_on, scoped_staff.academy_code
),

academy_totals as (
    select
        snapshots.as_of_on,
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
        coalesce(people_measures.training_expiring, 0) as training_expiring
    from snapshots
    cross join scoped_academies
    left join people_measures
        on people_measures.as_of_on = snapshots.as_of_on
        and people_measures.academy_code = scoped_academies.academy_code
    left join starters_in_window
        on starters_in_window.as_of_on = snapshots.as_of_on
        and starters_in_window.academy_code = scoped_academies.academy_code
),

-- The TRUST row adds the academies' numerators and denominators (and counts the academies
-- without a trained deputy).
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
