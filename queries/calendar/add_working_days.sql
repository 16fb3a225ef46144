-- add_working_days(d, n): the n-th working day after the date d (product.md §3), for n >= 1.
-- A Saturday plus 1 is the Monday (or the Tuesday after a bank-holiday Monday).
-- Null when d is null or the result would fall outside calendar_days.
-- Persisted in the database by the writer (a read-only connection cannot create it).
create or replace macro add_working_days(d, n) as (
    select deadline.day
    from calendar_days as start_day
    inner join calendar_days as deadline
        on deadline.working_day_no = start_day.working_day_no + n
        and deadline.is_working_day
    where start_day.day = d::date
)
