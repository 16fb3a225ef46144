-- (Re)builds calendar_days: one row per day from $first_day to $last_day.
-- A working day is Monday to Friday and not a bank holiday in England and Wales (product.md §3).
-- working_day_no counts the working days on or before the day, so the n-th working day after
-- a date d is the working day numbered working_day_no(d) + n (a Saturday shares Friday's number,
-- so Saturday + 1 is Monday).
-- Parameters: $first_day, $last_day; $bank_holiday_days, $bank_holiday_names (parallel lists);
-- $term_names, $term_academic_years, $term_starts, $term_ends (parallel lists, one per term).
create or replace table calendar_days as

with days as (
    select range::date as day
    from range($first_day::timestamp, $last_day::timestamp + interval 1 day, interval 1 day)
),

bank_holidays as (
    select
        unnest($bank_holiday_days::date[]) as day,
        unnest($bank_holiday_names::varchar[]) as bank_holiday_name
),

terms as (
    select
        unnest($term_names::varchar[]) as term_name,
        unnest($term_academic_years::varchar[]) as academic_year,
        unnest($term_starts::date[]) as term_start_on,
        unnest($term_ends::date[]) as term_end_on
),

classified as (
    select
        days.day,
        isodow(days.day) as iso_weekday,
        isodow(days.day) >= 6 as is_weekend,
        bank_holidays.bank_holiday_name is not null as is_bank_holiday,
        bank_holidays.bank_holiday_name,
        isodow(days.day) < 6 and bank_holidays.bank_holiday_name is null as is_working_day,
        days.day = last_day(days.day) as is_month_end
    from days
    left join bank_holidays on bank_holidays.day = days.day
),

numbered as (
    select
        *,
        sum(is_working_day::integer) over (
            order by day rows between unbounded preceding and current row
        ) as working_day_no
    from classified
),

final as (
    select
        numbered.day,
        numbered.iso_weekday,
        numbered.is_weekend,
        numbered.is_bank_holiday,
        numbered.bank_holiday_name,
        numbered.is_working_day,
        numbered.working_day_no,
        numbered.is_month_end,
        terms.academic_year,
        terms.term_name,
        terms.term_start_on,
        terms.term_end_on,
        coalesce(numbered.day = terms.term_end_on, false) as is_term_end
    from numbered
    left join terms on numbered.day between terms.term_start_on and terms.term_end_on
)

select * from final
order by day
