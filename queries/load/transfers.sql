-- Loads the staged transfers rows as new versions (product.md §2.5), one statement after another:
-- 1. incoming: the staged rows that are new or differ from the current version of their row
--    (academy_code, trust_pupil_ref, left_on); a row equal to its current version adds nothing, so an identical re-export
--    adds no versions.
-- 2. retired: with $is_full (the file is the complete export of transfers for the academies it
--    covers), the current rows of those academies that the file no longer holds. A key on a
--    quarantined line of the file is still held: a fault never retires a row.
-- 3. current_rows: how many current rows each academy with retired rows had, for the
--    mass-retire guard (load/mass_retirement).
-- 4. the current versions of the incoming and retired rows end with this ingest, and
-- 5. the incoming rows are added as the current versions, known from $ingested_at.
-- 6. one row: how many versions were added and how many rows retired.
-- Reads temp tables staged_ok (the rows without faults) and staged (every row of the file).
-- Parameters: $ingest_id, $ingested_at, $is_full, $default_academy (the --academy, or null).
create or replace temp table incoming as
select * from staged_ok
except
select * exclude (ingest_id) from transfers
where academy_code in (select academy_code from staged_ok);

create or replace temp table retired as
select academy_code, trust_pupil_ref, left_on
from transfers as versions
where $is_full::boolean
  and (
      versions.academy_code in (select academy_code from staged)
      or versions.academy_code = $default_academy::varchar
  )
  and not exists (
      select 1
      from staged as kept
      where kept.academy_code = versions.academy_code
          and kept.trust_pupil_ref = versions.trust_pupil_ref
          and kept.left_on = versions.left_on
  );

create or replace temp table current_rows as
select academy_code, count(*) as rows_before
from transfers
where academy_code in (select academy_code from retired)
group by academy_code;

update transfers_versions as versions
set known_until = $ingested_at::timestamp, retired_by = $ingest_id::integer
from (
    select academy_code, trust_pupil_ref, left_on from incoming
    union all
    select academy_code, trust_pupil_ref, left_on from retired
) as ended
where versions.known_until is null
  and versions.academy_code = ended.academy_code
  and versions.trust_pupil_ref = ended.trust_pupil_ref
  and versions.left_on = ended.left_on;

insert into transfers_versions
select *, $ingest_id::integer as ingest_id, $ingested_at::timestamp as known_from,
    null::timestamp as known_until, null::integer as retired_by
from incoming;

select
    (select count(*) from incoming) as rows_changed,
    (select count(*) from retired) as rows_retired
