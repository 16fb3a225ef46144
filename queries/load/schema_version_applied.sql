-- Records that a schema script of queries/schema/ was applied, in its transaction.
-- Parameters: $version, $applied_at (the product's clock, never the database's).
insert into schema_version values ($version, $applied_at)
