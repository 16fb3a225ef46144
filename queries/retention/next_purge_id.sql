-- The id of the next purge. No parameters.
select coalesce(max(purge_id), 0) + 1 as purge_id from purge_log
