-- Records every fault of every quarantined staged row: one row per (line, fault).
-- Reads temp table staged. Parameters: $ingest_id, $file_name
insert into quarantine
with faults as (
    select line_no, unnest(faults) as fault
    from staged
)
select
    $ingest_id as ingest_id,
    $file_name as file_name,
    line_no,
    fault.column_name as column_name,
    fault.reason as reason
from faults
