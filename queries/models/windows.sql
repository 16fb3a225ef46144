-- windows(windows): one row per window of the list, the snapshots every model is computed for.
-- A window is a struct {as_of, date_from, date_to}: figures are taken as at the end of the as-of
-- date, and events count when their date is in [date_from, date_to] and not after the as-of
-- date (product.md §4). Anything recorded as happening after the as-of date has not happened
-- yet. The data layer binds `$windows` from safeguarding.window.Window.
-- Columns: as_of_on, from_on, to_on, last_event_on (the last day an event counts: the earlier
-- of date_to and the as-of date).
create or replace macro windows(windows) as table
    with listed as (
        select unnest(windows::struct(as_of date, date_from date, date_to date)[]) as w
    ),

    final as (
        select
            w.as_of as as_of_on,
            w.date_from as from_on,
            w.date_to as to_on,
            least(w.date_to, w.as_of) as last_event_on
        from listed
    )

    select * from final
