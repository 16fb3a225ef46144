-- Records one ingest attempt (loaded, unchanged or refused) in the ingest log.
-- Parameters: $ingest_id, $file_name, $sha256, $dataset, $academy_code, $status, $rows_read,
-- $rows_loaded, $rows_quarantined, $warnings, $message, $ingested_by
insert into ingest_log values (
    $ingest_id, $file_name, $sha256, $dataset, $academy_code, $status, $rows_read,
    $rows_loaded, $rows_quarantined, $warnings, $message, $ingested_by, current_localtimestamp()
)
