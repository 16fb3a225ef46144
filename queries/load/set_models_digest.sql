-- Records which definitions of queries/models/ the database holds (a digest of their text), so
-- a reader can tell a database whose models an older version of the code installed.
-- Parameters: $digest.
insert or replace into database_info values ('models_digest', $digest)
