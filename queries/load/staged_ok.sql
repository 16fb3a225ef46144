-- The staged rows that load, as temp table staged_ok for the upsert and summary queries: one row
-- per row without faults, in the column order of the dataset's table.
-- Reads temp table staged.
-- Parameters: none.
create or replace temp table staged_ok as
select * exclude (line_no, faults, notes)
from staged
where len(faults) = 0
