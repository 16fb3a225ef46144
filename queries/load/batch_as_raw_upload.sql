-- Puts the batch back as raw_upload, and the one file's rows back as raw_upload_one_file, after
-- one_file_as_raw_upload and staging that file.
-- Parameters: none.
alter table raw_upload rename to raw_upload_one_file;
alter table raw_upload_batch rename to raw_upload;
