-- One file's staged rows, from the batch staged together (temp table staged_batch), as temp
-- table staged for the load queries. Parameters: $file_no
create or replace temp table staged as
select * exclude (file_no)
from staged_batch
where file_no = $file_no
