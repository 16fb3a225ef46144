-- Schema version 6: what the weekly meeting decided (product.md §4.2). Each row of
-- attention_decisions is one decision about one needs-attention item (its stable key): an owner,
-- an agreed action, a target date and a status, with who made it and when. Rows are only ever
-- added: an item's current decision is its latest row, and every earlier one stays as its
-- history. meetings holds the dates the trust held its weekly meeting, which "since the last
-- meeting" compares against.

create table attention_decisions (
    decision_id integer primary key,
    item_key varchar not null,
    academy_code varchar not null,
    area varchar not null,
    owner_role varchar,
    owner_academy varchar,
    action varchar,
    target_on date,
    status varchar not null,
    reason varchar,
    note varchar,
    decided_by varchar not null,
    decided_as varchar not null,
    decided_at timestamp not null
);

create table meetings (
    held_on date primary key,
    recorded_by varchar not null,
    recorded_at timestamp not null
);
