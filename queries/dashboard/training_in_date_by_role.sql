-- One row per academy in scope and role group, plus academy_code = 'TRUST' rows that add the
-- academies' counts: how many people are judged on safeguarding training at the as-of date and
-- how many of them are in date (the Training coverage heatmap).
-- Staff roles (teacher, support, leadership, principal, volunteer, other) are judged as in
-- safeguarding_training_in_date_pct: a $training_courses course within $training_valid_months,
-- a new starter left out while the as-of date is inside the induction window and no course is
-- in date. Role group 'all_staff' is every staff role together, so it equals that metric.
-- Role group 'governors' (roles governor and trustee, never staff in post) is judged as in
-- governor_training_in_date_pct: a $governor_training_courses course within
-- $governor_training_valid_months. Every academy gets every role group (0 people, null %).
-- Columns: academy_code, role_group, people_judged, people_in_date, in_date_pct.
-- Parameters: $as_of, $academy_codes, $training_courses, $training_valid_months,
-- $induction_window_days, $governor_training_courses, $governor_training_valid_months.
with scoped_academies as (
    select academy_code
    from academies
    where list_contains($academy_codes::varchar[], academy_code)
),

role_groups as (
    select unnest([
        'teacher', 'support', 'leadership', 'principal', 'volunteer', 'other',
        'all_staff', 'governors'
    ]) as role_group
),

-- The deadline per start date, from the calendar once rather than per person (as the metric).
induction_deadlines as (
    select
        day as start_on,
        add_working_days(day, $induction_window_days) as induction_deadline_on
    from calendar_days
),

in_post as (
    select
        staff.academy_code,
        staff.staff_ref,
        staff.role,
        staff.role in ('governor', 'trustee') as is_governor,
        induction_deadlines.induction_deadline_on
    from staff
    inner join scoped_academies on scoped_academies.academy_code = staff.academy_code
    left join induction_deadlines on induction_deadlines.start_on = staff.start_date
    where staff.start_date <= $as_of::date
      and coalesce(staff.leave_date, date '9999-12-31') > $as_of::date
),

-- Training completed after the as-of date has not happened yet; the latest completion decides.
latest_training as (
    select
        in_post.academy_code,
        in_post.staff_ref,
        max(training.completed_on) filter (
            where list_contains($training_courses::varchar[], training.course)
        ) as latest_staff_course_on,
        max(training.completed_on) filter (
            where list_contains($governor_training_courses::varchar[], training.course)
        ) as latest_governor_course_on
    from in_post
    inner join training
        on training.academy_code = in_post.academy_code
        and training.staff_ref = in_post.staff_ref
        and training.completed_on <= $as_of::date
    group by in_post.academy_code, in_post.staff_ref
),

judged as (
    select
        in_post.academy_code,
        in_post.is_governor,
        case when in_post.is_governor then 'governors' else in_post.role end as role_group,
        case
            when in_post.is_governor then coalesce(
                $as_of::date < (
                    latest_training.latest_governor_course_on
                    + to_months($governor_training_valid_months)
                )::date,
                false
            )
            else coalesce(
                $as_of::date < (
                    latest_training.latest_staff_course_on + to_months($training_valid_months)
                )::date,
                false
            )
        end as is_in_date,
        $as_of::date <= in_post.induction_deadline_on as is_in_induction_window
    from in_post
    left join latest_training
        on latest_training.academy_code = in_post.academy_code
        and latest_training.staff_ref = in_post.staff_ref
),

-- A new starter inside the induction window without a course in date is not yet due (product.md §4);
-- a null test is not counted, exactly as in the metric's filter.
counted as (
    select *
    from judged
    where is_governor
       or coalesce(not (is_in_induction_window and not is_in_date), false)
),

by_role as (
    select academy_code, role_group, is_in_date
    from counted
    union all
    select academy_code, 'all_staff' as role_group, is_in_date
    from counted
    where not is_governor
),

academy_counts as (
    select
        scoped_academies.academy_code,
        role_groups.role_group,
        count(by_role.academy_code) as people_judged,
        count(by_role.academy_code) filter (where by_role.is_in_date) as people_in_date
    from scoped_academies
    cross join role_groups
    left join by_role
        on by_role.academy_code = scoped_academies.academy_code
        and by_role.role_group = role_groups.role_group
    group by scoped_academies.academy_code, role_groups.role_group
),

-- The TRUST row adds numerators and denominators; it never averages percentages.
trust_counts as (
    select
        'TRUST' as academy_code,
        role_groups.role_group,
        coalesce(sum(academy_counts.people_judged), 0)::bigint as people_judged,
        coalesce(sum(academy_counts.people_in_date), 0)::bigint as people_in_date
    from role_groups
    left join academy_counts on academy_counts.role_group = role_groups.role_group
    group by role_groups.role_group
),

final as (
    select
        academy_code,
        role_group,
        people_judged,
        people_in_date,
        percent_1dp(people_in_date, people_judged) as in_date_pct
    from (
        select * from academy_counts
        union all
        select * from trust_counts
    )
)

select * from final
order by academy_code = 'TRUST', academy_code, role_group
