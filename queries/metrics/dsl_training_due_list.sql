-- One row per DSL or deputy DSL in post at the as-of date whose DSL training is out of date
-- or stops being in date within 30 days. In date needs both a dsl_full course within
-- $dsl_full_valid_months and a dsl_full or dsl_refresh within $dsl_update_valid_months, so
-- expires_on is the earlier of the two expiries. status:
--   never_trained  no dsl_full course by the as-of date (a refresher alone never counts)
--   expired        expires_on is on or before the as-of date
--   expiring       in date, with expires_on within 30 days after the as-of date
-- Parameters: $as_of, $academy_codes, $dsl_full_valid_months, $dsl_update_valid_months.
with scoped_academies as (
    select academy_code
    from academies
    where list_contains($academy_codes::varchar[], academy_code)
),

dsls_in_post as (
    select
        staff.academy_code,
        staff.staff_ref,
        staff.role,
        staff.safeguarding_role
    from staff
    inner join scoped_academies on scoped_academies.academy_code = staff.academy_code
    where staff.safeguarding_role in ('dsl', 'deputy_dsl')
      and staff.role not in ('governor', 'trustee')
      and staff.start_date <= $as_of::date
      and coalesce(staff.leave_date, date '9999-12-31') > $as_of::date
),

latest_courses as (
    select
        dsls_in_post.academy_code,
        dsls_in_post.staff_ref,
        max(training.completed_on) filter (
            where training.course = 'dsl_full'
        ) as last_dsl_full_on,
        max(training.completed_on) as last_dsl_update_on,
        arg_max(training.course, training.completed_on) as last_dsl_update_course
    from dsls_in_post
    inner join training
        on training.academy_code = dsls_in_post.academy_code
        and training.staff_ref = dsls_in_post.staff_ref
        and training.completed_on <= $as_of::date
        and training.course in ('dsl_full', 'dsl_refresh')
    group by dsls_in_post.academy_code, dsls_in_post.staff_ref
),

with_expiry as (
    select
        dsls_in_post.*,
        latest_courses.last_dsl_full_on,
        (latest_courses.last_dsl_full_on + to_months($dsl_full_valid_months))::date
            as dsl_full_expires_on,
        latest_courses.last_dsl_update_course,
        latest_courses.last_dsl_update_on,
        (latest_courses.last_dsl_update_on + to_months($dsl_update_valid_months))::date
            as dsl_update_expires_on
    from dsls_in_post
    left join latest_courses
        on latest_courses.academy_code = dsls_in_post.academy_code
        and latest_courses.staff_ref = dsls_in_post.staff_ref
),

-- Without a full course there is no in-date period (least() would skip the null).
with_overall_expiry as (
    select
        *,
        case
            when dsl_full_expires_on is not null
                then least(dsl_full_expires_on, dsl_update_expires_on)
        end as expires_on
    from with_expiry
),

classified as (
    select
        *,
        case
            when expires_on is null then 'never_trained'
            when expires_on <= $as_of::date then 'expired'
            when expires_on <= $as_of::date + 30 then 'expiring'
        end as status
    from with_overall_expiry
),

final as (
    select
        academy_code,
        staff_ref,
        role,
        safeguarding_role,
        last_dsl_full_on,
        dsl_full_expires_on,
        last_dsl_update_course,
        last_dsl_update_on,
        dsl_update_expires_on,
        expires_on,
        status
    from classified
    where status is not null
)

select * from final
order by academy_code, expires_on nulls first, staff_ref
