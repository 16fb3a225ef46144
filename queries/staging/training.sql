-- Stages training exports (a batch: file_no tells which file) as temp table staged_batch: one
-- row per data row, typed, in the column order of the training table, with `faults` (quarantine
-- reasons) and `notes` (warnings). Reads temp tables raw_upload (text columns + file_no,
-- line_no) and enum_labels.
-- Parameters: $default_academy (the --academy, or null), $ingest_date.
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
        course_label.value as course_value,
        parse_timestamp(clean(completed_on))::date as completed_on_date,
        known.academy_code is not null as academy_known
    from source
    left join enum_labels as course_label
        on course_label.domain = 'course' and course_label.label_key = label_key(course)
    left join academies as known on known.academy_code = source.academy_resolved
),

checked as (
    select
        *,
        min(line_no) over (
            partition by file_no, academy_resolved, clean(staff_ref), course_value,
                completed_on_date
        ) as key_first_line,
        only_faults(academy_faults(academy_given, $default_academy, academy_resolved,
                                   academy_known) || [
            missing('staff_ref', staff_ref),
            upn_in('staff_ref', staff_ref),
            missing('course', course),
            bad_enum('course', course, course_value),
            missing('completed_on', completed_on),
            bad_timestamp('completed_on', completed_on, completed_on_date),
            case when completed_on_date > $ingest_date
                then fault('completed_on', 'completed_on is in the future') end,
            bad_int('kcsie_edition', kcsie_edition, 1990, 2100),
            case when course_value like 'kcsie%' and clean(kcsie_edition) is null
                then fault('kcsie_edition', 'kcsie_edition is required for a KCSIE course') end
        ]) as row_faults
    from typed
),

final as (
    select
        file_no,
        line_no,
        academy_resolved as academy_code,
        clean(staff_ref) as staff_ref,
        course_value as course,
        completed_on_date as completed_on,
        parse_int(clean(kcsie_edition)) as kcsie_edition,
        clean(provider) as provider,
        only_faults(row_faults || [
            duplicate_key(
                case when clean(staff_ref) is not null and course_value is not null
                          and completed_on_date is not null then key_first_line end,
                line_no)
        ]) as faults,
        []::varchar[] as notes
    from checked
)

select * from final
