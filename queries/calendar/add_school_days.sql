-- add_school_days(d, n): the n-th school day after the date d, for n >= 1: a working day in a
-- term and in no school holiday (config/terms.toml). A day in a holiday plus 1 is the first day
-- back. Null when d is null or the result would fall outside calendar_days.
-- Persisted in the database by the writer (a read-only connection cannot create it).
create or replace macro add_school_days(d, n) as (
    select deadline.day
    from calendar_days as start_day
    inner join calendar_days as deadline
        on deadline.school_day_no = start_day.school_day_no + n
        and deadline.is_school_day
    where start_day.day = d::date
)
