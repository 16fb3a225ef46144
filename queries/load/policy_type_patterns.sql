-- The trust's rules for telling a policy's type from its title (config/aliases.toml) as temp
-- table policy_type_patterns, for the policies staging query: one row per pattern, with its
-- priority and the type it gives.
-- Reads the Arrow table registered as policy_type_patterns_source (priority, pattern,
-- policy_type).
-- Parameters: none.
create or replace temp table policy_type_patterns as
select *
from policy_type_patterns_source
