-- windows(windows): one row per window of the list, the snapshots every model is computed for.
-- A window is a struct {as_of, date_from, date_to, known_at}: figures are taken as at the end
-- of the as-of date, and events count when their date is in [date_from, date_to] and not after
-- the as-of date (product.md §4). Anything recorded as happening after the as-of date has not
-- happened yet. known_at is the knowledge time: the rows as the database held them at that
-- moment (product.md §2.5; null: the latest). The data layer binds `$windows` from
-- safeguarding.window.Window.
-- Columns: as_of_on, from_on, to_on, last_event_on (the last day an event counts: the earlier
-- of date_to and the as-of date), known_at (the latest knowledge: the end of time).
create or replace macro windows(windows) as table
    with listed as (
        select unnest(
            windows::struct(as_of date, date_from date, date_to date, known_at timestamp)[]
        ) as w
    ),

    final as (
        select
            w.as_of as as_of_on,
            w.date_from as from_on,
            w.date_to as to_on,
            least(w.date_to, w.as_of) as last_event_on,
            coalesce(w.known_at, timestamp '9999-12-31 23:59:59') as known_at
        from listed
    )

    select * from final
