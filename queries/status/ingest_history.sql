-- One row per ingest attempt finished by the knowledge time $known_at (null: now), newest
-- first: what was loaded, by whom, and what happened.
-- Parameters: $limit, $known_at.
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
    len(warnings) as warnings,
    ingested_by,
    message
from ingest_log
where ingested_at <= coalesce($known_at::timestamp, timestamp '9999-12-31')
order by ingest_id desc
limit $limit
