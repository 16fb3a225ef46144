-- Reads a simple CSV (safeguarding.ingest.reading.SimpleCsv: every record one physical line,
-- header on line 1) into temp table csv_upload, every value as text, in file order, so that a
-- row's rowid + 2 is its line. Strict: a ragged line fails, and the caller reads the file in
-- Python instead. Parameters: $path, $columns (name -> 'VARCHAR', one per header, in order)
create or replace temp table csv_upload as
select *
from read_csv(
    $path,
    header = false,
    skip = 1,
    delim = ',',
    quote = '"',
    escape = '"',
    columns = $columns,
    auto_detect = false,
    strict_mode = true,
    parallel = false
)
