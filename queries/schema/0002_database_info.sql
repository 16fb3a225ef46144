-- Schema version 2: facts about the database itself, e.g. origin = 'demo' for the synthetic
-- demo trust, so the dashboard's demo mode can refuse to show real data without sign-in.

create table database_info (
    key varchar primary key,
    value varchar not null
);
