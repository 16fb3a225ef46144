-- An empty temp table raw_upload for a batch of one dataset: file_no, line_no and every contract
-- column of the dataset as text (a column a file lacks stays null).
-- Reads the empty Arrow table registered as raw_upload_source, which has those columns.
-- Parameters: none.
create or replace temp table raw_upload as
select *
from raw_upload_source
