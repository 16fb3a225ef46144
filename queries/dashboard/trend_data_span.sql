-- One row: the first and last dates of event data (concerns logged, referrals made) on or
-- before the as-of date for the academies in view, so trend charts start where data starts
-- rather than showing empty years. Null dates when there is no such data.
-- Columns: first_event_on, last_event_on.
-- Parameters: $as_of, $academy_codes.
with events as (
    select logged_at::date as event_on
    from concerns
    where list_contains($academy_codes::varchar[], academy_code)
      and logged_at::date <= $as_of::date
    union all
    select referred_at::date
    from referrals
    where list_contains($academy_codes::varchar[], academy_code)
      and referred_at::date <= $as_of::date
),

final as (
    select min(event_on) as first_event_on, max(event_on) as last_event_on
    from events
)

select * from final
