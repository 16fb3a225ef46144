-- One row: the first and last dates of event data (concerns logged, referrals made) on or
-- before the as-of date for the academies in view, from the model event_dates, so trend charts
-- start where data starts rather than showing empty years. Null dates when there is none.
-- Columns: first_event_on, last_event_on.
-- Parameters: $windows (one), $as_of, $academy_codes.
with events as (
    select event_on
    from event_dates($windows)
    where list_contains($academy_codes::varchar[], academy_code)
      and event_on <= $as_of::date
),

final as (
    select min(event_on) as first_event_on, max(event_on) as last_event_on
    from events
)

select * from final
