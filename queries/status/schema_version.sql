-- The schema version the database was last migrated to (0 when it predates versioning).
-- No parameters.
select coalesce(max(version), 0) as version
from schema_version
