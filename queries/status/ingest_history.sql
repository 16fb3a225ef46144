-- One row per ingest attempt, newest first: what was loaded, by whom, and what happened.
-- Parameters: $limit
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
order by ingest_id desc
limit $limit
