-- One row per academy in scope, plus an academy_code = 'TRUST' row adding them up: the DSLs
-- and deputy DSLs in post at the as-of date and how many of each have DSL training in date
-- (as in dsl_training_in_date_pct: a dsl_full course within $dsl_full_valid_months and a
-- dsl_full or dsl_refresh within $dsl_update_valid_months; a refresher alone never counts).
-- Governors and trustees are never staff in post, whatever their safeguarding_role.
-- Columns: academy_code, dsls_in_post, dsls_in_date, deputies_in_post, deputies_in_date,
-- dsl_training_in_date_pct (DSLs and deputies together, percent_1dp, as the metrics round).
-- Parameters: $as_of, $academy_codes, $dsl_full_valid_months, $dsl_update_valid_months.
with scoped_academies as (
    select academy_code
    from academies
    where list_contains($academy_codes::varchar[], academy_code)
),

dsls_in_post as (
    select staff.academy_code, staff.staff_ref, staff.safeguarding_role
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
        max(training.completed_on) filter (where training.course = 'dsl_full') as dsl_full_on,
        max(training.completed_on) as dsl_update_on
    from dsls_in_post
    inner join training
        on training.academy_code = dsls_in_post.academy_code
        and training.staff_ref = dsls_in_post.staff_ref
        and training.completed_on <= $as_of::date
        and training.course in ('dsl_full', 'dsl_refresh')
    group by dsls_in_post.academy_code, dsls_in_post.staff_ref
),

judged as (
    select
        dsls_in_post.academy_code,
        dsls_in_post.safeguarding_role,
        coalesce(
            $as_of::date < (latest_courses.dsl_full_on + to_months($dsl_full_valid_months))::date
            and $as_of::date < (
                latest_courses.dsl_update_on + to_months($dsl_update_valid_months)
            )::date,
            false
        ) as is_in_date
    from dsls_in_post
    left join latest_courses
        on latest_courses.academy_code = dsls_in_post.academy_code
        and latest_courses.staff_ref = dsls_in_post.staff_ref
),

academy_counts as (
    select
        scoped_academies.academy_code,
        count(*) filter (where judged.safeguarding_role = 'dsl') as dsls_in_post,
        count(*) filter (where judged.safeguarding_role = 'dsl' and judged.is_in_date)
            as dsls_in_date,
        count(*) filter (where judged.safeguarding_role = 'deputy_dsl') as deputies_in_post,
        count(*) filter (where judged.safeguarding_role = 'deputy_dsl' and judged.is_in_date)
            as deputies_in_date
    from scoped_academies
    left join judged on judged.academy_code = scoped_academies.academy_code
    group by scoped_academies.academy_code
),

trust_counts as (
    select
        'TRUST' as academy_code,
        coalesce(sum(dsls_in_post), 0)::bigint as dsls_in_post,
        coalesce(sum(dsls_in_date), 0)::bigint as dsls_in_date,
        coalesce(sum(deputies_in_post), 0)::bigint as deputies_in_post,
        coalesce(sum(deputies_in_date), 0)::bigint as deputies_in_date
    from academy_counts
),

both_counts as (
    select * from academy_counts
    union all
    select * from trust_counts
),

final as (
    select
        *,
        percent_1dp(dsls_in_date + deputies_in_date, dsls_in_post + deputies_in_post)
            as dsl_training_in_date_pct
    from both_counts
)

select * from final
order by academy_code = 'TRUST', academy_code
