-- One row per person in post at the as-of date whose safeguarding training is out of date or
-- expires within 30 days. Staff are judged on $training_courses over $training_valid_months;
-- governors and trustees (never "staff in post") on $governor_training_courses over
-- $governor_training_valid_months. status:
--   never_trained  no qualifying course by the as-of date (and past the induction window)
--   expired        the latest course's validity ended on or before the as-of date
--   induction_due  a new starter still inside the induction window with no course in date
--                  (left out of safeguarding_training_in_date_pct, but an action to take)
--   expiring       in date, expiring after the as-of date and within 30 days of it
-- Parameters: $as_of, $academy_codes, $training_courses, $training_valid_months,
-- $governor_training_courses, $governor_training_valid_months, $induction_window_days.
with scoped_academies as (
    select academy_code
    from academies
    where list_contains($academy_codes::varchar[], academy_code)
),

in_post as (
    select
        staff.academy_code,
        staff.staff_ref,
        staff.role,
        staff.safeguarding_role,
        staff.start_date,
        staff.role in ('governor', 'trustee') as is_governor,
        add_working_days(staff.start_date, $induction_window_days) as induction_deadline_on
    from staff
    inner join scoped_academies on scoped_academies.academy_code = staff.academy_code
    where staff.start_date <= $as_of::date
      and coalesce(staff.leave_date, date '9999-12-31') > $as_of::date
),

latest_courses as (
    select
        in_post.academy_code,
        in_post.staff_ref,
        arg_max(training.course, training.completed_on) as last_course,
        max(training.completed_on) as last_completed_on
    from in_post
    inner join training
        on training.academy_code = in_post.academy_code
        and training.staff_ref = in_post.staff_ref
        and training.completed_on <= $as_of::date
        and list_contains(
            if(
                in_post.is_governor,
                $governor_training_courses::varchar[],
                $training_courses::varchar[]
            ),
            training.course
        )
    group by in_post.academy_code, in_post.staff_ref
),

with_expiry as (
    select
        in_post.*,
        latest_courses.last_course,
        latest_courses.last_completed_on,
        (
            latest_courses.last_completed_on + to_months(
                if(
                    in_post.is_governor,
                    $governor_training_valid_months,
                    $training_valid_months
                )
            )
        )::date as expires_on
    from in_post
    left join latest_courses
        on latest_courses.academy_code = in_post.academy_code
        and latest_courses.staff_ref = in_post.staff_ref
),

classified as (
    select
        *,
        case
            when coalesce(expires_on > $as_of::date, false)
                then case when expires_on <= $as_of::date + 30 then 'expiring' end
            when not is_governor and $as_of::date <= induction_deadline_on
                then 'induction_due'
            when last_completed_on is null then 'never_trained'
            else 'expired'
        end as status
    from with_expiry
),

final as (
    select
        academy_code,
        staff_ref,
        role,
        safeguarding_role,
        start_date,
        last_course,
        last_completed_on,
        expires_on,
        status
    from classified
    where status is not null
)

select * from final
order by
    academy_code,
    case status
        when 'never_trained' then 1 when 'expired' then 2 when 'induction_due' then 3 else 4
    end,
    expires_on nulls first,
    staff_ref
