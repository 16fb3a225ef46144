-- One row per academy for which a full export would retire more than $mass_retire_share of
-- its current rows of the dataset: the accident of a partial file sent as a full export.
-- Reads temp tables retired (the rows the export would retire) and current_rows (how many
-- current rows each academy the file covers had before it).
-- Columns: academy_code, rows_retired, rows_before.
-- Parameters: $mass_retire_share.
with retired_by_academy as (
    select academy_code, count(*) as rows_retired
    from retired
    group by academy_code
),

final as (
    select
        retired_by_academy.academy_code,
        retired_by_academy.rows_retired,
        current_rows.rows_before
    from retired_by_academy
    inner join current_rows using (academy_code)
    where retired_by_academy.rows_retired > $mass_retire_share::double * current_rows.rows_before
)

select * from final
order by academy_code
