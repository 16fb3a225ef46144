-- One row per purge after the knowledge time $known_at: when, why, and how many rows went in
-- all. Figures read as known before a purge no longer hold the rows it removed.
-- Parameters: $known_at.
select purged_at, reason, sum(rows_purged) as rows_purged
from purge_log
where purged_at > $known_at::timestamp
group by purge_id, purged_at, reason
order by purged_at
