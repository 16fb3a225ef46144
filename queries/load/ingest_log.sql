-- Records one ingest attempt (loaded, unchanged or refused) in the ingest log.
-- Parameters: $ingest_id, $file_name, $sha256, $dataset, $academy_code, $status, $rows_read,
-- $rows_loaded, $rows_quarantined, $warnings, $message, $ingested_by, $ingested_at (the
-- product's clock, never the database's, so that tests and replays can move it)
insert into ingest_log values (
    $ingest_id, $file_name, $sha256, $dataset, $academy_code, $status, $rows_read,
    $rows_loaded, $rows_quarantined, $warnings, $message, $ingested_by, $ingested_at
)
