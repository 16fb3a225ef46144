-- Schema version 1: the six datasets of product.md §2, the ingest log and the quarantine.
-- Every dataset row carries the ingest that last wrote it (ingest_id) for provenance.

create sequence if not exists ingest_id_seq start 1;

create table academies (
    academy_code varchar primary key,
    academy_name varchar not null,
    phase varchar not null,
    urn integer,
    local_authority varchar,
    pupils_on_roll integer,
    ingest_id integer
);

create table concerns (
    academy_code varchar not null,
    concern_id varchar not null,
    pupil_ref varchar not null,
    logged_at timestamp not null,
    category varchar not null,
    -- the label as exported, kept so an unknown label mapped to `other` can be reviewed
    category_label varchar,
    incident_at timestamp,
    year_group integer,
    cse_flag boolean,
    dsl_reviewed_at timestamp,
    decision_recorded boolean,
    outcome varchar,
    status varchar not null,
    closed_at timestamp,
    mentor_allocated boolean,
    looked_after boolean,
    send boolean,
    child_protection_plan boolean,
    missing_episode boolean,
    ingest_id integer,
    primary key (academy_code, concern_id)
);

create table referrals (
    academy_code varchar not null,
    referral_id varchar not null,
    agency varchar not null,
    referred_at timestamp not null,
    concern_id varchar,
    pupil_ref varchar,
    allegation_at timestamp,
    immediate_danger boolean,
    feedback_at timestamp,
    decision varchar,
    followed_up_at timestamp,
    escalated_at timestamp,
    ingest_id integer,
    primary key (academy_code, referral_id)
);

create table staff (
    academy_code varchar not null,
    staff_ref varchar not null,
    role varchar not null,
    safeguarding_role varchar not null,
    works_with_children boolean not null,
    start_date date not null,
    leave_date date,
    ingest_id integer,
    primary key (academy_code, staff_ref)
);

create table training (
    academy_code varchar not null,
    staff_ref varchar not null,
    course varchar not null,
    completed_on date not null,
    kcsie_edition integer,
    provider varchar,
    ingest_id integer,
    primary key (academy_code, staff_ref, course, completed_on)
);

create table policies (
    academy_code varchar not null,
    -- the title normalised like a header: the register's key
    policy_key varchar not null,
    policy_title varchar not null,
    policy_type varchar not null,
    last_reviewed_on date,
    next_review_on date,
    review_cycle_months integer not null,
    category varchar,
    owner varchar,
    approved_by varchar,
    issued_on date,
    kcsie_edition_referenced integer,
    published_on_website boolean,
    ingest_id integer,
    primary key (academy_code, policy_key)
);

create table ingest_log (
    ingest_id integer primary key,
    file_name varchar not null,
    sha256 varchar not null,
    dataset varchar,
    -- the --academy given, or the single academy the file covered; null when several
    academy_code varchar,
    -- loaded | refused | unchanged
    status varchar not null,
    rows_read integer not null,
    rows_loaded integer not null,
    rows_quarantined integer not null,
    warnings varchar[] not null,
    message varchar,
    ingested_by varchar not null,
    ingested_at timestamp not null
);

-- Which academies a loaded file covered: the basis of data freshness per academy and dataset.
create table ingest_coverage (
    ingest_id integer not null,
    academy_code varchar not null,
    rows_loaded integer not null,
    primary key (ingest_id, academy_code)
);

-- A row-level fault. Never the raw value: only where it was and what was wrong.
create table quarantine (
    ingest_id integer not null,
    file_name varchar not null,
    line_no integer not null,
    column_name varchar,
    reason varchar not null
);
