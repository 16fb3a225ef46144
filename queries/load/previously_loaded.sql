-- How many earlier ingests loaded a file with these exact bytes as this dataset.
-- Parameters: $sha256, $dataset
select count(*) as times_loaded
from ingest_log
where sha256 = $sha256 and status = 'loaded' and dataset = $dataset
