-- The staged rows that load: no faults, in the column order of the dataset's table.
-- Reads temp table staged. No parameters.
select * exclude (line_no, faults, notes)
from staged
where len(faults) = 0
