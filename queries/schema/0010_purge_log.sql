-- Schema version 10: what purging removed (product.md §5, retention): one row per purge, dataset
-- and academy — when, why (retention, or the erasure of one pupil's records), by whom, how many
-- rows and row versions went. Counts only: never a removed value, and for an erasure not the
-- pseudonym either (the request is recorded where it was received).

create table purge_log (
    purge_id integer not null,
    purged_at timestamp not null,
    reason varchar not null,
    purged_by varchar not null,
    dataset varchar not null,
    academy_code varchar not null,
    rows_purged integer not null,
    versions_purged integer not null
);
