-- Puts one file's rows (temp table raw_upload_one_file) where the staging queries read them,
-- raw_upload, and sets the batch aside as raw_upload_batch, to stage that file alone.
-- batch_as_raw_upload puts them back.
-- Parameters: none.
alter table raw_upload rename to raw_upload_batch;
alter table raw_upload_one_file rename to raw_upload;
