-- Schema version 7: five optional columns (docs/data-contract.md). concerns gain
-- pupil_informed_on (the day the pupil was told the decision), pupil_views_recorded (their
-- wishes and feelings written down) and mentor_last_contact_on (the last contact with their
-- allocated mentor); referrals gain nfa_reconsidered_on (the day the DSL reconsidered a
-- re-referral after no further action) and early_help_offered (early help offered after it).
-- The loaders add staged rows by position (`select *, ingest_id, ...`), so the new columns go
-- where the staging puts them, after the dataset's other columns and before ingest_id: each
-- versions table is rebuilt in that order, and its view of the current rows made again as 0005
-- made it. Every version already held keeps its moments; its new columns are null (not sent).

drop view concerns;
create table concerns_versions_7 as
select
    * exclude (ingest_id, known_from, known_until, retired_by),
    null::date as pupil_informed_on,
    null::boolean as pupil_views_recorded,
    null::date as mentor_last_contact_on,
    ingest_id,
    known_from,
    known_until,
    retired_by
from concerns_versions;
drop table concerns_versions;
alter table concerns_versions_7 rename to concerns_versions;
create view concerns as
select * exclude (known_from, known_until, retired_by) from concerns_versions
where known_until is null;

drop view referrals;
create table referrals_versions_7 as
select
    * exclude (ingest_id, known_from, known_until, retired_by),
    null::date as nfa_reconsidered_on,
    null::boolean as early_help_offered,
    ingest_id,
    known_from,
    known_until,
    retired_by
from referrals_versions;
drop table referrals_versions;
alter table referrals_versions_7 rename to referrals_versions;
create view referrals as
select * exclude (known_from, known_until, retired_by) from referrals_versions
where known_until is null;
