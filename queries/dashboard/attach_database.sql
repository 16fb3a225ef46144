-- Attaches the live database file read-only as `trust` on the dashboard's connection.
-- Parameters: $path
attach $path as trust (read_only)
