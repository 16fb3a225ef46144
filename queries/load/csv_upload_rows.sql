-- Adds the rows of csv_upload that are not blank to raw_upload (the batch), with their file and
-- line numbers (header = line 1). Contract columns are named after themselves, other columns
-- start with an underscore and are left behind; contract columns the file lacks stay null.
-- Parameters: $file_no
insert into raw_upload by name
select
    $file_no::integer as file_no,
    (rowid + 2)::integer as line_no,
    columns('^[a-z]')
from csv_upload
where rowid not in (select row_no from csv_blank)
