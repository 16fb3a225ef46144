-- Stages referrals exports (a batch: file_no tells which file) as temp table staged_batch: one
-- row per data row, typed, in the column order of the referrals table, with `faults` (quarantine
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
        agency_label.value as agency_value,
        decision_label.value as decision_value,
        parse_timestamp(clean(referred_at)) as referred_at_ts,
        parse_timestamp(clean(allegation_at)) as allegation_at_ts,
        parse_timestamp(clean(feedback_at)) as feedback_at_ts,
        parse_timestamp(clean(followed_up_at)) as followed_up_at_ts,
        parse_timestamp(clean(escalated_at)) as escalated_at_ts,
        parse_bool(clean(immediate_danger)) as immediate_danger_bool,
        parse_timestamp(clean(nfa_reconsidered_on))::date as nfa_reconsidered_on_on,
        parse_bool(clean(early_help_offered)) as early_help_offered_bool,
        known.academy_code is not null as academy_known
    from source
    left join enum_labels as agency_label
        on agency_label.domain = 'agency' and agency_label.label_key = label_key(agency)
    left join enum_labels as decision_label
        on decision_label.domain = 'decision' and decision_label.label_key = label_key(decision)
    left join academies as known on known.academy_code = source.academy_resolved
),

checked as (
    select
        *,
        min(line_no) over (
            partition by file_no, academy_resolved, clean(referral_id)
        ) as key_first_line,
        only_faults(academy_faults(academy_given, $default_academy, academy_resolved,
                                   academy_known) || [
            missing('referral_id', referral_id),
            missing('agency', agency),
            bad_enum('agency', agency, agency_value),
            missing('referred_at', referred_at),
            bad_timestamp('referred_at', referred_at, referred_at_ts),
            upn_in('pupil_ref', pupil_ref),
            case when agency_value is not null and agency_value <> 'lado'
                      and clean(pupil_ref) is null
                then fault('pupil_ref', 'pupil_ref is required for a referral to '
                           || agency_value) end,
            case when agency_value = 'lado' and clean(allegation_at) is null
                then fault('allegation_at', 'allegation_at is required for a LADO referral') end,
            bad_timestamp('allegation_at', allegation_at, allegation_at_ts),
            case when allegation_at_ts > referred_at_ts
                then fault('allegation_at', 'allegation_at is after referred_at') end,
            bad_bool('immediate_danger', immediate_danger, immediate_danger_bool),
            bad_timestamp('feedback_at', feedback_at, feedback_at_ts),
            before('feedback_at', feedback_at_ts, referred_at_ts, 'referred_at'),
            bad_enum('decision', decision, decision_value),
            bad_timestamp('followed_up_at', followed_up_at, followed_up_at_ts),
            before('followed_up_at', followed_up_at_ts, referred_at_ts, 'referred_at'),
            bad_timestamp('escalated_at', escalated_at, escalated_at_ts),
            before('escalated_at', escalated_at_ts, referred_at_ts, 'referred_at'),
            bad_timestamp('nfa_reconsidered_on', nfa_reconsidered_on, nfa_reconsidered_on_on),
            -- a day against a moment: the day of the referral is not "before" it
            before('nfa_reconsidered_on', nfa_reconsidered_on_on, referred_at_ts::date,
                   'referred_at'),
            bad_bool('early_help_offered', early_help_offered, early_help_offered_bool),
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
        clean(referral_id) as referral_id,
        agency_value as agency,
        referred_at_ts as referred_at,
        clean(concern_id) as concern_id,
        clean(pupil_ref) as pupil_ref,
        allegation_at_ts as allegation_at,
        immediate_danger_bool as immediate_danger,
        feedback_at_ts as feedback_at,
        decision_value as decision,
        followed_up_at_ts as followed_up_at,
        escalated_at_ts as escalated_at,
        nfa_reconsidered_on_on as nfa_reconsidered_on,
        early_help_offered_bool as early_help_offered,
        clean(trust_pupil_ref) as trust_pupil_ref,
        only_faults(row_faults || [
            duplicate_key(case when clean(referral_id) is not null then key_first_line end,
                          line_no)
        ]) as faults,
        []::varchar[] as notes
    from checked
)

select * from final
