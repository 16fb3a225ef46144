-- Stages academies (trust reference) exports (a batch: file_no tells which file) as temp table
-- staged_batch: one row per data row, typed, in the column order of the academies table, with
-- `faults` and `notes`. Reads temp tables raw_upload (text columns + file_no, line_no) and
-- enum_labels.
-- Parameters: $default_academy (the --academy, or null).
create or replace temp table staged_batch as
with source as (
    select
        *,
        upper(clean(academy_code)) as academy_given,
        coalesce(upper(clean(academy_code)), $default_academy) as academy_resolved
    from raw_upload
),

typed as (
    select
        source.*,
        phase_label.value as phase_value
    from source
    left join enum_labels as phase_label
        on phase_label.domain = 'phase' and phase_label.label_key = label_key(phase)
),

checked as (
    select
        *,
        min(line_no) over (partition by file_no, academy_resolved) as key_first_line,
        only_faults([
            academy_differs(academy_given, $default_academy),
            missing('academy_code', academy_resolved),
            case when not regexp_full_match(academy_resolved, '[A-Z0-9]{2,10}')
                then fault('academy_code',
                           'academy_code is not 2 to 10 letters and digits') end,
            case when academy_resolved = 'TRUST'
                then fault('academy_code', 'TRUST is reserved for trust-wide policies') end,
            missing('academy_name', academy_name),
            missing('phase', phase),
            bad_enum('phase', phase, phase_value),
            bad_int('urn', urn, 100000, 999999),
            bad_int('pupils_on_roll', pupils_on_roll, 0, 100000)
        ]) as row_faults
    from typed
),

final as (
    select
        file_no,
        line_no,
        academy_resolved as academy_code,
        clean(academy_name) as academy_name,
        phase_value as phase,
        parse_int(clean(urn)) as urn,
        clean(local_authority) as local_authority,
        parse_int(clean(pupils_on_roll)) as pupils_on_roll,
        only_faults(row_faults || [
            duplicate_key(case when academy_resolved is not null then key_first_line end, line_no)
        ]) as faults,
        []::varchar[] as notes
    from checked
)

select * from final
