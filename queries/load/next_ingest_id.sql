-- The id of a new ingest (one per file, loaded or refused), from the ingest log's sequence.
-- Parameters: none.
select nextval('ingest_id_seq') as ingest_id
