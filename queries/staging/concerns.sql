-- Stages concerns exports (a batch: file_no tells which file) as temp table staged_batch: one
-- row per data row, typed, in the column order of the concerns table, with `faults` (quarantine
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
        category_label.value as category_value,
        outcome_label.value as outcome_value,
        status_label.value as status_value,
        parse_timestamp(clean(logged_at)) as logged_at_ts,
        parse_timestamp(clean(incident_at)) as incident_at_ts,
        parse_timestamp(clean(dsl_reviewed_at)) as dsl_reviewed_at_ts,
        parse_timestamp(clean(closed_at)) as closed_at_ts,
        parse_bool(clean(cse_flag)) as cse_flag_bool,
        parse_bool(clean(decision_recorded)) as decision_recorded_bool,
        parse_bool(clean(mentor_allocated)) as mentor_allocated_bool,
        parse_bool(clean(looked_after)) as looked_after_bool,
        parse_bool(clean(send)) as send_bool,
        parse_bool(clean(child_protection_plan)) as child_protection_plan_bool,
        parse_bool(clean(missing_episode)) as missing_episode_bool,
        parse_timestamp(clean(pupil_informed_on))::date as pupil_informed_on_on,
        parse_bool(clean(pupil_views_recorded)) as pupil_views_recorded_bool,
        parse_timestamp(clean(mentor_last_contact_on))::date as mentor_last_contact_on_on,
        known.academy_code is not null as academy_known
    from source
    left join enum_labels as category_label
        on category_label.domain = 'category' and category_label.label_key = label_key(category)
    left join enum_labels as outcome_label
        on outcome_label.domain = 'outcome' and outcome_label.label_key = label_key(outcome)
    left join enum_labels as status_label
        on status_label.domain = 'status' and status_label.label_key = label_key(status)
    left join academies as known on known.academy_code = source.academy_resolved
),

checked as (
    select
        *,
        min(line_no) over (
            partition by file_no, academy_resolved, clean(concern_id)
        ) as key_first_line,
        only_faults(academy_faults(academy_given, $default_academy, academy_resolved,
                                   academy_known) || [
            missing('concern_id', concern_id),
            missing('pupil_ref', pupil_ref),
            upn_in('pupil_ref', pupil_ref),
            missing('logged_at', logged_at),
            bad_timestamp('logged_at', logged_at, logged_at_ts),
            missing('category', category),
            bad_timestamp('incident_at', incident_at, incident_at_ts),
            before('logged_at', logged_at_ts, incident_at_ts, 'incident_at'),
            bad_int('year_group', year_group, -1, 14),
            bad_bool('cse_flag', cse_flag, cse_flag_bool),
            bad_timestamp('dsl_reviewed_at', dsl_reviewed_at, dsl_reviewed_at_ts),
            before('dsl_reviewed_at', dsl_reviewed_at_ts, logged_at_ts, 'logged_at'),
            bad_bool('decision_recorded', decision_recorded, decision_recorded_bool),
            bad_enum('outcome', outcome, outcome_value),
            bad_enum('status', status, status_value),
            bad_timestamp('closed_at', closed_at, closed_at_ts),
            before('closed_at', closed_at_ts, logged_at_ts, 'logged_at'),
            bad_bool('mentor_allocated', mentor_allocated, mentor_allocated_bool),
            bad_bool('looked_after', looked_after, looked_after_bool),
            bad_bool('send', send, send_bool),
            bad_bool('child_protection_plan', child_protection_plan, child_protection_plan_bool),
            bad_bool('missing_episode', missing_episode, missing_episode_bool),
            bad_timestamp('pupil_informed_on', pupil_informed_on, pupil_informed_on_on),
            -- a day against a moment: the day the concern was logged is not "before" it
            before('pupil_informed_on', pupil_informed_on_on, logged_at_ts::date, 'logged_at'),
            bad_bool('pupil_views_recorded', pupil_views_recorded, pupil_views_recorded_bool),
            bad_timestamp('mentor_last_contact_on', mentor_last_contact_on,
                          mentor_last_contact_on_on),
            upn_in('trust_pupil_ref', trust_pupil_ref),
            bad_trust_ref('trust_pupil_ref', trust_pupil_ref)
        ]) as row_faults
    from typed
),

final as (
    select
        file_no,
        line_no,
        academy_resolved as academy_code,
        clean(concern_id) as concern_id,
        clean(pupil_ref) as pupil_ref,
        logged_at_ts as logged_at,
        coalesce(category_value, 'other') as category,
        clean(category) as category_label,
        incident_at_ts as incident_at,
        parse_int(clean(year_group)) as year_group,
        -- a CSE-category concern is CSE whatever the flag says (product.md §2)
        case when category_value = 'child_sexual_exploitation' then true
             else cse_flag_bool end as cse_flag,
        dsl_reviewed_at_ts as dsl_reviewed_at,
        decision_recorded_bool as decision_recorded,
        outcome_value as outcome,
        coalesce(status_value, 'open') as status,
        closed_at_ts as closed_at,
        mentor_allocated_bool as mentor_allocated,
        looked_after_bool as looked_after,
        send_bool as send,
        child_protection_plan_bool as child_protection_plan,
        missing_episode_bool as missing_episode,
        pupil_informed_on_on as pupil_informed_on,
        pupil_views_recorded_bool as pupil_views_recorded,
        mentor_last_contact_on_on as mentor_last_contact_on,
        clean(trust_pupil_ref) as trust_pupil_ref,
        only_faults(row_faults || [
            duplicate_key(case when clean(concern_id) is not null then key_first_line end, line_no)
        ]) as faults,
        only_faults([
            case when clean(category) is not null and category_value is null
                then 'unknown_category' end
        ]) as notes
    from checked
)

select * from final
