-- Schema version 5: every row version is kept (product.md §2.5). Each dataset's rows live in
-- <dataset>_versions, one row per version, with the ingest that brought it (ingest_id, and
-- known_from: when that ingest finished) and the ingest that superseded or retired it
-- (retired_by, known_until: null while it is current). The dataset's old name becomes a view of
-- its current rows, so what reads "the rows as they are now" is unchanged; the models read the
-- rows as known at any moment. An existing database's rows become their first version, known
-- from the ingest that last wrote them (from the start of time when that is not recorded).

create table concerns_versions as
select rows.*, coalesce(log.ingested_at, timestamp '1970-01-01') as known_from,
    null::timestamp as known_until, null::integer as retired_by
from concerns as rows left join ingest_log as log using (ingest_id);
drop table concerns;
create view concerns as
select * exclude (known_from, known_until, retired_by) from concerns_versions
where known_until is null;

create table referrals_versions as
select rows.*, coalesce(log.ingested_at, timestamp '1970-01-01') as known_from,
    null::timestamp as known_until, null::integer as retired_by
from referrals as rows left join ingest_log as log using (ingest_id);
drop table referrals;
create view referrals as
select * exclude (known_from, known_until, retired_by) from referrals_versions
where known_until is null;

create table staff_versions as
select rows.*, coalesce(log.ingested_at, timestamp '1970-01-01') as known_from,
    null::timestamp as known_until, null::integer as retired_by
from staff as rows left join ingest_log as log using (ingest_id);
drop table staff;
create view staff as
select * exclude (known_from, known_until, retired_by) from staff_versions
where known_until is null;

create table training_versions as
select rows.*, coalesce(log.ingested_at, timestamp '1970-01-01') as known_from,
    null::timestamp as known_until, null::integer as retired_by
from training as rows left join ingest_log as log using (ingest_id);
drop table training;
create view training as
select * exclude (known_from, known_until, retired_by) from training_versions
where known_until is null;

create table policies_versions as
select rows.*, coalesce(log.ingested_at, timestamp '1970-01-01') as known_from,
    null::timestamp as known_until, null::integer as retired_by
from policies as rows left join ingest_log as log using (ingest_id);
drop table policies;
create view policies as
select * exclude (known_from, known_until, retired_by) from policies_versions
where known_until is null;
