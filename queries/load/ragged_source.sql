-- One file's rows whose field count differs from the header's, as temp table ragged_source, for
-- ragged_rows: one row per such row, with its line, its field count and the header's.
-- Reads the Arrow table registered as ragged_source_arrow (line_no, fields, expected).
-- Parameters: none.
create or replace temp table ragged_source as
select *
from ragged_source_arrow
