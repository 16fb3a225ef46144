-- One row per academy the rows of this file belong to, with how many rows loaded. A file that
-- loads no rows for the --academy given (a header-only export) still covers that academy: it
-- counts for data freshness (product.md §2).
-- Reads temp table staged_ok. Parameters: $ingest_id, $default_academy
insert into ingest_coverage
with loaded as (
    select academy_code, count(*) as rows_loaded
    from staged_ok
    group by academy_code
),

empty_export as (
    select $default_academy as academy_code, 0 as rows_loaded
    where $default_academy is not null
      and $default_academy not in (select academy_code from loaded)
),

final as (
    select * from loaded
    union all
    select * from empty_export
)

select $ingest_id as ingest_id, academy_code, rows_loaded from final
