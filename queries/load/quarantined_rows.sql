-- The faults recorded for one ingest: one row per line and fault, in line order.
-- Parameters: $ingest_id
select line_no, column_name, reason
from quarantine
where ingest_id = $ingest_id
order by line_no, column_name nulls last, reason
