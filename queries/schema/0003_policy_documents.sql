-- Schema version 3: policy documents imported into the register (`import-policy`), with their
-- provenance and what was extracted from them. The document's text is never stored, only the
-- fields found in it. A document row is kept per import; the latest for an academy and
-- register key is the one in force.

create sequence if not exists policy_document_id_seq start 1;

create table policy_documents (
    document_id integer primary key,
    academy_code varchar not null,
    -- the register row (policies.policy_key) the import added or updated
    policy_key varchar not null,
    file_name varchar not null,
    -- docx | pdf | txt | md
    file_type varchar not null,
    sha256 varchar not null,
    imported_at timestamp not null,
    imported_by varchar not null,
    title varchar not null,
    -- false when the document gave no title and the file name was used
    is_title_from_document boolean not null,
    -- dates as written, and the period they name: "March 2027" runs 2027-03-01 to 2027-03-31
    issued_text varchar,
    issued_on date,
    issued_until date,
    last_reviewed_text varchar,
    last_reviewed_on date,
    next_review_text varchar,
    -- the start of the next review's period; next_review_on is its end (due by then)
    next_review_from date,
    next_review_on date,
    review_cycle_months integer,
    owner varchar,
    approved_by varchar,
    category varchar,
    version varchar,
    -- the fields the document did not give (reported, never guessed)
    not_found varchar[] not null,
    -- where each field was found, e.g. 'next_review: line 16: "Next Review: March 2027"'
    evidence varchar[] not null,
    notes varchar[] not null
);

create table policy_amendments (
    document_id integer not null,
    row_no integer not null,
    amended_text varchar,
    amended_on date,
    version varchar,
    description varchar,
    amended_by varchar,
    primary key (document_id, row_no)
);

-- Other policies a document refers to, as written, with the key and type used to find them
-- in the register.
create table policy_links (
    document_id integer not null,
    linked_title varchar not null,
    linked_key varchar not null,
    linked_type varchar not null,
    primary key (document_id, linked_key)
);

-- Statutory guidance and legislation a document cites. edition_year is the latest edition
-- cited (null when no year is given); updated_text keeps "updated March 2026" apart.
create table policy_guidance (
    document_id integer not null,
    -- guidance | legislation
    kind varchar not null,
    title varchar not null,
    title_key varchar not null,
    edition_year integer,
    editions integer[] not null,
    updated_text varchar,
    cited_as varchar,
    primary key (document_id, kind, title_key)
);
