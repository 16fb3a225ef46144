-- One row per ingest attempt, newest first: the file, what happened, by whom. Limited to the
-- academies in $academy_codes plus files that belong to no single academy (the academies
-- reference, trust-wide policies, files covering several academies, refusals without one).
-- Parameters: $academy_codes, $limit
-- Suppress: rows_read, rows_loaded, rows_quarantined
with attempts as (
    select *
    from ingest_log
    where academy_code is null
       or academy_code = 'TRUST'
       or list_contains($academy_codes, academy_code)
),

final as (
    select
        ingest_id,
        ingested_at,
        file_name,
        dataset,
        academy_code,
        status,
        rows_read,
        rows_loaded,
        rows_quarantined,
        ingested_by,
        coalesce(message, '') as message,
        array_to_string(warnings, ' | ') as warnings
    from attempts
)

select * from final
order by ingest_id desc
limit $limit
