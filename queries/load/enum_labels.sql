-- The trust's value labels (config/aliases.toml) as temp table enum_labels, for the staging
-- queries: one row per label a dataset's coded column accepts, with the value it maps to.
-- Reads the Arrow table registered as enum_labels_source (domain, label_key, value).
-- Parameters: none.
create or replace temp table enum_labels as
select *
from enum_labels_source
