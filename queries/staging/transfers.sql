-- Stages transfers exports (a batch: file_no tells which file) as temp table staged_batch: one
-- row per data row, typed, in the column order of the transfers table, with `faults`
-- (quarantine reasons) and `notes` (warnings). One row is a child with a child-protection file
-- who left the academy (academy_code) for another school: to_academy_code names it when it is
-- an academy of the trust, blank for a school outside the trust. Reads temp tables raw_upload
-- (text columns + file_no, line_no).
-- Parameters: $default_academy (the --academy, or null).
create or replace temp table staged_batch as
with source as (
    select
        *,
        upper(clean(academy_code)) as academy_given,
        coalesce(upper(clean(academy_code)), $default_academy) as academy_resolved,
        upper(clean(to_academy_code)) as to_academy_given
    from raw_upload
),

typed as (
    select
        source.*,
        parse_timestamp(clean(left_on))::date as left_on_on,
        parse_timestamp(clean(cp_file_sent_on))::date as cp_file_sent_on_on,
        parse_timestamp(clean(receipt_confirmed_on))::date as receipt_confirmed_on_on,
        known.academy_code is not null as academy_known,
        destination.academy_code is not null as to_academy_known
    from source
    left join academies as known on known.academy_code = source.academy_resolved
    left join academies as destination on destination.academy_code = source.to_academy_given
),

checked as (
    select
        *,
        min(line_no) over (
            partition by file_no, academy_resolved, clean(trust_pupil_ref), left_on_on
        ) as key_first_line,
        only_faults(academy_faults(academy_given, $default_academy, academy_resolved,
                                   academy_known) || [
            missing('trust_pupil_ref', trust_pupil_ref),
            upn_in('trust_pupil_ref', trust_pupil_ref),
            bad_trust_ref('trust_pupil_ref', trust_pupil_ref),
            upn_in('pupil_ref', pupil_ref),
            missing('left_on', left_on),
            bad_timestamp('left_on', left_on, left_on_on),
            case when to_academy_given is not null and not to_academy_known
                then fault('to_academy_code', 'to_academy_code is not in the academies '
                           || 'reference (leave it blank for a school outside the trust)') end,
            case when to_academy_given = academy_resolved
                then fault('to_academy_code', 'to_academy_code is the academy the child left')
            end,
            bad_timestamp('cp_file_sent_on', cp_file_sent_on, cp_file_sent_on_on),
            bad_timestamp('receipt_confirmed_on', receipt_confirmed_on, receipt_confirmed_on_on),
            before('receipt_confirmed_on', receipt_confirmed_on_on, cp_file_sent_on_on,
                   'cp_file_sent_on'),
            case when receipt_confirmed_on_on is not null and clean(cp_file_sent_on) is null
                then fault('receipt_confirmed_on', 'receipt_confirmed_on is given but '
                           || 'cp_file_sent_on is blank (fill in the day the file was sent)')
            end
        ]) as row_faults
    from typed
),

final as (
    select
        file_no,
        line_no,
        academy_resolved as academy_code,
        clean(trust_pupil_ref) as trust_pupil_ref,
        clean(pupil_ref) as pupil_ref,
        left_on_on as left_on,
        to_academy_given as to_academy_code,
        cp_file_sent_on_on as cp_file_sent_on,
        receipt_confirmed_on_on as receipt_confirmed_on,
        only_faults(row_faults || [
            duplicate_key(
                case
                    when clean(trust_pupil_ref) is not null and left_on_on is not null
                        then key_first_line
                end,
                line_no
            )
        ]) as faults,
        []::varchar[] as notes
    from checked
)

select * from final
