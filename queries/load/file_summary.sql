-- One row for the staged file: rows read, rows that load, and the academy they all belong to
-- (null when they belong to several). Reads temp tables staged and staged_ok. No parameters.
with loading as (
    select count(*) as rows_loaded, count(distinct academy_code) as academies,
           min(academy_code) as only_academy
    from staged_ok
),

final as (
    select
        (select count(*) from staged) as rows_read,
        rows_loaded,
        case when academies = 1 then only_academy end as academy_code
    from loading
)

select * from final
