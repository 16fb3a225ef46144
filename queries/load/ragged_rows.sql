-- Adds rows whose field count differs from the header's to the staged rows, already faulted,
-- so that they are counted and quarantined like every other bad row.
-- Reads temp table ragged_source (line_no, fields, expected). No parameters.
insert into staged by name
select
    line_no,
    [fault(null, 'the row has ' || fields || ' values but the header has '
                 || expected || ' columns')] as faults,
    []::varchar[] as notes
from ragged_source
