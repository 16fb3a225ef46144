-- Drops the temp tables of a batch once its files are loaded or refused: its rows (raw_upload,
-- and raw_upload_one_file when its files were staged one at a time), its staged rows
-- (staged_batch) and the last file's per-file tables (staged, staged_ok, ragged_source: each
-- file's replace the one before's).
-- Parameters: none.
drop table if exists raw_upload;
drop table if exists raw_upload_one_file;
drop table if exists staged_batch;
drop table if exists staged;
drop table if exists staged_ok;
drop table if exists ragged_source;
