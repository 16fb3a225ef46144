-- referral_pupils(windows): one row per window and referral known at the window's knowledge time,
-- with the pupil it is about: its own pupil_ref, else that of the concern it came from (both are
-- optional in the export; a referral with neither is about no known pupil and has null).
-- Events after the end of the as-of date have not happened yet: referred_on is null for a
-- referral made after it, and so are feedback_on and nfa_reconsidered_on.
-- Columns: as_of_on, academy_code, referral_id, concern_id, pupil_ref, agency, referred_at,
-- referred_on, is_referred_by_as_of, decision, feedback_on, immediate_danger, early_help_offered,
-- nfa_reconsidered_on.
create or replace macro referral_pupils(windows) as table
    with known_referrals as (
        select windows.as_of_on, windows.known_at, referrals.*
        from referrals_versions as referrals
        inner join windows(windows) as windows
            on is_known(referrals.known_from, referrals.known_until, windows.known_at)
    ),

    final as (
        select
            known_referrals.as_of_on,
            known_referrals.academy_code,
            known_referrals.referral_id,
            known_referrals.concern_id,
            coalesce(known_referrals.pupil_ref, concerns.pupil_ref) as pupil_ref,
            known_referrals.agency,
            known_referrals.referred_at,
            known_referrals.referred_at::date as referred_on,
            known_referrals.referred_at::date <= known_referrals.as_of_on as is_referred_by_as_of,
            known_referrals.decision,
            case
                when known_referrals.feedback_at::date <= known_referrals.as_of_on
                    then known_referrals.feedback_at::date
            end as feedback_on,
            known_referrals.immediate_danger,
            known_referrals.early_help_offered,
            case
                when known_referrals.nfa_reconsidered_on <= known_referrals.as_of_on
                    then known_referrals.nfa_reconsidered_on
            end as nfa_reconsidered_on
        from known_referrals
        left join referred_concern_pupils as concerns
            on concerns.academy_code = known_referrals.academy_code
            and concerns.concern_id = known_referrals.concern_id
            and is_known(concerns.known_from, concerns.known_until, known_referrals.known_at)
    )

    select * from final
