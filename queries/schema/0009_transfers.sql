-- Schema version 9: the transfers dataset (docs/data-contract.md): one row per child with a
-- child-protection file who left an academy for another school, keyed by the academy left,
-- the child's trust pseudonym and the day they left. Every version is kept, as for the other
-- datasets (0005); transfers is the view of the current rows.

create table transfers_versions (
    academy_code varchar not null,
    trust_pupil_ref varchar not null,
    pupil_ref varchar,
    left_on date not null,
    to_academy_code varchar,
    cp_file_sent_on date,
    receipt_confirmed_on date,
    ingest_id integer,
    known_from timestamp not null,
    known_until timestamp,
    retired_by integer
);

create view transfers as
select * exclude (known_from, known_until, retired_by) from transfers_versions
where known_until is null;
