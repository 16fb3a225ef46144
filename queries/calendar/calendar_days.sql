-- (Re)builds calendar_days: one row per day from $first_day to $last_day.
-- A working day is Monday to Friday and not a bank holiday in England and Wales (product.md §3).
-- working_day_no counts the working days on or before the day, so the n-th working day after
-- a date d is the working day numbered working_day_no(d) + n (a Saturday shares Friday's number,
-- so Saturday + 1 is Monday).
-- Parameters: $first_day, $last_day; $bank_holiday_days, $bank_holiday_names (parallel lists);
-- $term_names, $term_academic_years, $term_starts, $term_ends (parallel lists, one per term);
-- $school_holiday_starts, $school_holiday_ends (half-terms and the like, inside terms).
-- A school day is a working day in a term and in no school holiday; school_day_no counts them
-- as working_day_no counts working days.
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

school_holidays as (
    select
        unnest($school_holiday_starts::date[]) as holiday_start_on,
        unnest($school_holiday_ends::date[]) as holiday_end_on
),

termed as (
    select
        numbered.*,
        terms.academic_year,
        terms.term_name,
        terms.term_start_on,
        terms.term_end_on,
        numbered.is_working_day
        and terms.term_name is not null
        and not exists (
            select 1
            from school_holidays
            where numbered.day between school_holidays.holiday_start_on
                and school_holidays.holiday_end_on
        ) as is_school_day
    from numbered
    left join terms on numbered.day between terms.term_start_on and terms.term_end_on
),

final as (
    select
        termed.day,
        termed.iso_weekday,
        termed.is_weekend,
        termed.is_bank_holiday,
        termed.bank_holiday_name,
        termed.is_working_day,
        termed.working_day_no,
        termed.is_month_end,
        termed.academic_year,
        termed.term_name,
        termed.term_start_on,
        termed.term_end_on,
        coalesce(termed.day = termed.term_end_on, false) as is_term_end,
        termed.is_school_day,
        sum(termed.is_school_day::integer) over (
            order by termed.day rows between unbounded preceding and current row
        ) as school_day_no
    from termed
)

select * from final
order by day
