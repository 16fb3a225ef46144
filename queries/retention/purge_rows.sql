-- Removes the rows of temp table purgeable (load/past_retention or retention/pupil_rows) and
-- every version of each from history, and records how many went, one statement after another:
-- 1. purge_counts: per dataset and academy, the rows and versions about to go (counted from
--    the model row_versions, whose row_ref is the key purgeable holds);
-- 2. the versions go from each dataset's history, and the meeting's decisions about them;
-- 3. purge_log gains one row per dataset and academy (counts, never values).
-- Parameters: $purge_id, $purged_at, $reason, $purged_by.
create or replace temp table purge_counts as
select
    purgeable.dataset,
    purgeable.academy_code,
    count(distinct purgeable.row_key) as rows_purged,
    count(*) as versions_purged
from purgeable
inner join row_versions() as versions
    on versions.dataset = purgeable.dataset
    and versions.academy_code = purgeable.academy_code
    and versions.row_ref = purgeable.row_key
group by purgeable.dataset, purgeable.academy_code;

delete from concerns_versions as versions
using purgeable
where purgeable.dataset = 'concerns'
  and purgeable.academy_code = versions.academy_code
  and purgeable.row_key = versions.concern_id;

delete from referrals_versions as versions
using purgeable
where purgeable.dataset = 'referrals'
  and purgeable.academy_code = versions.academy_code
  and purgeable.row_key = versions.referral_id;

delete from staff_versions as versions
using purgeable
where purgeable.dataset = 'staff'
  and purgeable.academy_code = versions.academy_code
  and purgeable.row_key = versions.staff_ref;

delete from training_versions as versions
using purgeable
where purgeable.dataset = 'training'
  and purgeable.academy_code = versions.academy_code
  and purgeable.row_key
  = versions.staff_ref || ' ' || versions.course || ' ' || versions.completed_on;

delete from transfers_versions as versions
using purgeable
where purgeable.dataset = 'transfers'
  and purgeable.academy_code = versions.academy_code
  and purgeable.row_key = versions.trust_pupil_ref || ' ' || versions.left_on;

-- An agenda item's key names the record (referral:OAK:R-1:csc_feedback): its decisions go too.
delete from attention_decisions as decisions
using purgeable
where split_part(decisions.item_key, ':', 2) = purgeable.academy_code
  and split_part(decisions.item_key, ':', 3) = purgeable.row_key
  and split_part(decisions.item_key, ':', 1)
  = case purgeable.dataset
      when 'concerns' then 'concern' when 'referrals' then 'referral' when 'staff' then 'staff'
  end;

insert into purge_log
select
    $purge_id::integer,
    $purged_at::timestamp,
    $reason::varchar,
    $purged_by::varchar,
    dataset,
    academy_code,
    rows_purged,
    versions_purged
from purge_counts;

select dataset, academy_code, rows_purged, versions_purged
from purge_counts
order by dataset, academy_code
