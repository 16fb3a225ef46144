-- Whether the database has its working-day calendar (calendar_days), which the models of
-- queries/models/ need before they can be created.
-- No parameters.
select count(*) > 0 as calendar_exists
from duckdb_tables()
where database_name = current_database()
  and table_name = 'calendar_days'
