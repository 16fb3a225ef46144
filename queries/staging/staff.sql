-- Stages staff exports (a batch: file_no tells which file) as temp table staged_batch: one row
-- per data row, typed, in the column order of the staff table, with `faults` (quarantine
-- reasons) and `notes` (warnings). Reads temp tables raw_upload (text columns + file_no,
-- line_no) and enum_labels.
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
        role_label.value as role_value,
        safeguarding_role_label.value as safeguarding_role_value,
        parse_timestamp(clean(start_date))::date as start_date_on,
        parse_timestamp(clean(leave_date))::date as leave_date_on,
        parse_bool(clean(works_with_children)) as works_with_children_bool,
        known.academy_code is not null as academy_known
    from source
    left join enum_labels as role_label
        on role_label.domain = 'role' and role_label.label_key = label_key(role)
    left join enum_labels as safeguarding_role_label
        on safeguarding_role_label.domain = 'safeguarding_role'
        and safeguarding_role_label.label_key = label_key(safeguarding_role)
    left join academies as known on known.academy_code = source.academy_resolved
),

checked as (
    select
        *,
        min(line_no) over (
            partition by file_no, academy_resolved, clean(staff_ref)
        ) as key_first_line,
        only_faults(academy_faults(academy_given, $default_academy, academy_resolved,
                                   academy_known) || [
            missing('staff_ref', staff_ref),
            upn_in('staff_ref', staff_ref),
            missing('role', role),
            bad_enum('role', role, role_value),
            bad_enum('safeguarding_role', safeguarding_role, safeguarding_role_value),
            bad_bool('works_with_children', works_with_children, works_with_children_bool),
            missing('start_date', start_date),
            bad_timestamp('start_date', start_date, start_date_on),
            bad_timestamp('leave_date', leave_date, leave_date_on),
            before('leave_date', leave_date_on, start_date_on, 'start_date')
        ]) as row_faults
    from typed
),

final as (
    select
        file_no,
        line_no,
        academy_resolved as academy_code,
        clean(staff_ref) as staff_ref,
        role_value as role,
        coalesce(safeguarding_role_value, 'none') as safeguarding_role,
        -- blank means yes, except for governors and trustees (product.md §2)
        coalesce(works_with_children_bool,
                 role_value not in ('governor', 'trustee')) as works_with_children,
        start_date_on as start_date,
        leave_date_on as leave_date,
        only_faults(row_faults || [
            duplicate_key(case when clean(staff_ref) is not null then key_first_line end, line_no)
        ]) as faults,
        []::varchar[] as notes
    from checked
)

select * from final
