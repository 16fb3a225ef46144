-- Adds the rows of one file read in Python (a workbook, or a CSV DuckDB's strict reader cannot
-- take) to raw_upload (the batch), with their file and line numbers.
-- Reads the Arrow table registered as raw_upload_source (file_no, line_no, every contract column
-- as text).
-- Parameters: none.
insert into raw_upload by name
select *
from raw_upload_source
