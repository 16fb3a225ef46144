-- Upserts the staged staff rows that are new or differ from what is stored; rows equal to
-- the stored ones are not written, so re-loading an identical file changes nothing.
-- Reads temp table staged_ok (typed rows without faults). Parameters: $ingest_id
insert or replace into staff
select *, $ingest_id as ingest_id from (
    select * from staged_ok
    except
    select * exclude (ingest_id) from staff
    where academy_code in (select academy_code from staged_ok)
)
