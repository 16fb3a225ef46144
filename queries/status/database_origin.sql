-- The database's origin ('demo' for the synthetic demo trust), or null when not recorded.
-- No parameters.
select max(value) as origin
from database_info
where key = 'origin'
