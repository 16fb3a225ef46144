-- One row per week ahead, academy, requirement and course: how many people in post at the
-- as-of date have training that stops being in date in that week (the expiry calendar).
-- Week 0 is the 7 days after the as-of date, week 1 the next 7, ... up to $weeks_ahead weeks;
-- a week with no expiries has one row with a null academy_code and people = 0, so every week
-- shows. Training expires on the day it stops being in date (completed_on + validity), as in
-- training_expiring_30d: as-of < expires_on.
-- requirement:
--   staff      staff in post: latest $training_courses course + $training_valid_months
--   governor   governors and trustees: latest $governor_training_courses course
--              + $governor_training_valid_months
--   dsl        DSLs and deputies in post: the earlier of the latest dsl_full
--              + $dsl_full_valid_months and the latest dsl_full/dsl_refresh
--              + $dsl_update_valid_months (as dsl_training_due_list)
-- A DSL can count twice in a week: once for safeguarding training, once for DSL training.
-- course is the course whose completion sets the expiry date.
-- Columns: week_no, week_starts_on, week_ends_on, academy_code, requirement, course, people.
-- Parameters: $as_of, $academy_codes, $weeks_ahead, $training_courses, $training_valid_months,
-- $governor_training_courses, $governor_training_valid_months, $dsl_full_valid_months,
-- $dsl_update_valid_months.
with scoped_academies as (
    select academy_code
    from academies
    where list_contains($academy_codes::varchar[], academy_code)
),

weeks as (
    select
        week_no,
        $as_of::date + (1 + 7 * week_no)::integer as week_starts_on,
        $as_of::date + (7 + 7 * week_no)::integer as week_ends_on
    from range($weeks_ahead::bigint) as t(week_no)
),

in_post as (
    select
        staff.academy_code,
        staff.staff_ref,
        staff.role in ('governor', 'trustee') as is_governor,
        staff.role not in ('governor', 'trustee')
        and staff.safeguarding_role in ('dsl', 'deputy_dsl') as is_dsl_or_deputy
    from staff
    inner join scoped_academies on scoped_academies.academy_code = staff.academy_code
    where staff.start_date <= $as_of::date
      and coalesce(staff.leave_date, date '9999-12-31') > $as_of::date
),

-- Each person's training by the as-of date (later completions have not happened yet).
person_training as (
    select
        in_post.academy_code,
        in_post.staff_ref,
        in_post.is_governor,
        in_post.is_dsl_or_deputy,
        max(training.completed_on) filter (
            where list_contains($training_courses::varchar[], training.course)
        ) as staff_course_on,
        arg_max(training.course, training.completed_on) filter (
            where list_contains($training_courses::varchar[], training.course)
        ) as staff_course,
        max(training.completed_on) filter (
            where list_contains($governor_training_courses::varchar[], training.course)
        ) as governor_course_on,
        arg_max(training.course, training.completed_on) filter (
            where list_contains($governor_training_courses::varchar[], training.course)
        ) as governor_course,
        max(training.completed_on) filter (where training.course = 'dsl_full') as dsl_full_on,
        max(training.completed_on) filter (
            where training.course in ('dsl_full', 'dsl_refresh')
        ) as dsl_update_on,
        arg_max(training.course, training.completed_on) filter (
            where training.course in ('dsl_full', 'dsl_refresh')
        ) as dsl_update_course
    from in_post
    inner join training
        on training.academy_code = in_post.academy_code
        and training.staff_ref = in_post.staff_ref
        and training.completed_on <= $as_of::date
    group by all
),

dsl_expiries as (
    select
        *,
        (dsl_full_on + to_months($dsl_full_valid_months))::date as dsl_full_expires_on,
        (dsl_update_on + to_months($dsl_update_valid_months))::date as dsl_update_expires_on
    from person_training
    where is_dsl_or_deputy and dsl_full_on is not null
),

expiries as (
    select
        academy_code,
        'staff' as requirement,
        staff_course as course,
        (staff_course_on + to_months($training_valid_months))::date as expires_on
    from person_training
    where not is_governor and staff_course_on is not null
    union all
    select
        academy_code,
        'governor' as requirement,
        governor_course as course,
        (governor_course_on + to_months($governor_training_valid_months))::date as expires_on
    from person_training
    where is_governor and governor_course_on is not null
    union all
    select
        academy_code,
        'dsl' as requirement,
        case
            when dsl_full_expires_on <= dsl_update_expires_on then 'dsl_full'
            else dsl_update_course
        end as course,
        least(dsl_full_expires_on, dsl_update_expires_on) as expires_on
    from dsl_expiries
),

weekly as (
    select
        weeks.week_no,
        expiries.academy_code,
        expiries.requirement,
        expiries.course,
        count(*) as people
    from expiries
    inner join weeks
        on expiries.expires_on between weeks.week_starts_on and weeks.week_ends_on
    group by all
),

final as (
    select
        weeks.week_no,
        weeks.week_starts_on,
        weeks.week_ends_on,
        weekly.academy_code,
        weekly.requirement,
        weekly.course,
        coalesce(weekly.people, 0) as people
    from weeks
    left join weekly on weekly.week_no = weeks.week_no
)

select * from final
order by week_no, academy_code, requirement, course
