-- One row per concern logged in the window whose DSL review deadline has passed by the as-of
-- date and whose review came after the deadline or has not happened by the as-of date (the
-- concerns in the denominator but not the numerator of dsl_review_on_time_pct).
-- late_working_days: working days from the deadline to the review, or to the as-of date when
-- there is no review yet.
-- Parameters: $as_of, $from, $to, $academy_codes, $dsl_review_target_days.
with scoped_academies as (
    select academy_code
    from academies
    where list_contains($academy_codes::varchar[], academy_code)
),

concerns_in_window as (
    select
        concerns.academy_code,
        concerns.concern_id,
        concerns.pupil_ref,
        concerns.category,
        concerns.logged_at,
        add_working_days(concerns.logged_at::date, $dsl_review_target_days)
            as review_deadline_on,
        case
            when concerns.dsl_reviewed_at::date <= $as_of::date then concerns.dsl_reviewed_at
        end as dsl_reviewed_at
    from concerns
    inner join scoped_academies on scoped_academies.academy_code = concerns.academy_code
    where concerns.logged_at::date between $from::date and least($to::date, $as_of::date)
),

late as (
    select
        *,
        coalesce(dsl_reviewed_at::date, $as_of::date) as late_until_on
    from concerns_in_window
    where review_deadline_on <= $as_of::date
      and coalesce(dsl_reviewed_at::date > review_deadline_on, true)
),

final as (
    select
        late.academy_code,
        late.concern_id,
        late.pupil_ref,
        late.category,
        late.logged_at,
        late.review_deadline_on,
        late.dsl_reviewed_at,
        late.dsl_reviewed_at is not null as is_reviewed,
        until_day.working_day_no - deadline_day.working_day_no as late_working_days
    from late
    inner join calendar_days as deadline_day on deadline_day.day = late.review_deadline_on
    inner join calendar_days as until_day on until_day.day = late.late_until_on
)

select * from final
order by late_working_days desc, academy_code, logged_at, concern_id
