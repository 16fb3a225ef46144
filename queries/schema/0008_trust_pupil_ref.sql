-- Schema version 8: concerns and referrals gain the optional trust_pupil_ref, the pupil's
-- pseudonym under the trust's linking key (the same child has the same one at every academy;
-- docs/anonymise.md). As 0007: the versions tables are rebuilt with the column after the
-- dataset's others and before ingest_id, every version keeping its moments, its new column
-- null (not sent); the views of the current rows are made again.

drop view concerns;
create table concerns_versions_8 as
select
    * exclude (ingest_id, known_from, known_until, retired_by),
    null::varchar as trust_pupil_ref,
    ingest_id,
    known_from,
    known_until,
    retired_by
from concerns_versions;
drop table concerns_versions;
alter table concerns_versions_8 rename to concerns_versions;
create view concerns as
select * exclude (known_from, known_until, retired_by) from concerns_versions
where known_until is null;

drop view referrals;
create table referrals_versions_8 as
select
    * exclude (ingest_id, known_from, known_until, retired_by),
    null::varchar as trust_pupil_ref,
    ingest_id,
    known_from,
    known_until,
    retired_by
from referrals_versions;
drop table referrals_versions;
alter table referrals_versions_8 rename to referrals_versions;
create view referrals as
select * exclude (known_from, known_until, retired_by) from referrals_versions
where known_until is null;
