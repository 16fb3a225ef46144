-- Creates the table of applied schema scripts when the database has none (a new database, or
-- one from before versioning): one row per script of queries/schema/ applied, with when. Run
-- before the numbered scripts, which record themselves in it, so it is not one of them.
-- Parameters: none.
create table if not exists schema_version (
    version integer,
    applied_at timestamp
)
