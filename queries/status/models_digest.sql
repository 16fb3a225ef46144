-- The digest of the queries/models/ definitions installed in the database, or null when none
-- are (a database made before the models layer, or one whose migration is unfinished).
-- No parameters.
select max(value) as digest
from database_info
where key = 'models_digest'
