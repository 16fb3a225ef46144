-- One file's rows of the batch in raw_upload, to stage that file alone (after staging the whole
-- batch failed). Parameters: $file_no
create or replace temp table raw_upload_one_file as
select *
from raw_upload
where file_no = $file_no
