-- nfa_followups(windows, standards): one row per window and referral to children's social care
-- made in the window (not after the as-of date) whose decision is no further action (NFA), and
-- what followed it by the as-of date (CSE policy §15: after NFA the DSL considers re-referral
-- if concerns continue, and early help). The decision counts from the day feedback came
-- (by the as-of date), else the referral date.
--   decided_on
--   new_concern_id, new_concern_logged_at   the first later concern about the same pupil (not the
--                         referral's own concern), logged within $nfa_new_concern_days days of
--                         decided_on and by the as-of date
--   is_followed_by_concern
--   re_referral_on        the first referral of the pupil on or after that new concern's day
--   nfa_reconsidered_on   the day the DSL recorded reconsidering (optional export column)
--   is_reconsidered       followed by a concern, and reconsidered or re-referred
--   is_early_help_offered early_help_offered, or an early help referral of the pupil on or after
--                         the NFA referral (by the as-of date)
-- Columns: as_of_on, academy_code, referral_id, concern_id, pupil_ref, referred_on, and those
-- above.
create or replace macro nfa_followups(windows, standards) as table
    with nfa_referrals as (
        select
            referrals.*,
            coalesce(referrals.feedback_on, referrals.referred_on) as decided_on,
            windows.known_at
        from referral_pupils(windows) as referrals
        inner join windows(windows) as windows on windows.as_of_on = referrals.as_of_on
        where referrals.agency = 'children_social_care'
          and referrals.decision = 'no_further_action'
          and referrals.referred_on between windows.from_on and windows.last_event_on
    ),

    new_concerns as (
        select
            nfa_referrals.as_of_on,
            nfa_referrals.academy_code,
            nfa_referrals.referral_id,
            arg_min(concerns.concern_id, (concerns.logged_at, concerns.concern_id))
                as new_concern_id,
            min(concerns.logged_at) as new_concern_logged_at
        from nfa_referrals
        inner join concerns_versions as concerns
            on concerns.academy_code = nfa_referrals.academy_code
            and concerns.pupil_ref = nfa_referrals.pupil_ref
            and concerns.concern_id is distinct from nfa_referrals.concern_id
            and concerns.logged_at > nfa_referrals.referred_at
            and concerns.logged_at::date <= nfa_referrals.as_of_on
            and concerns.logged_at::date
            <= nfa_referrals.decided_on + standards['nfa_new_concern_days']::integer
            and is_known(concerns.known_from, concerns.known_until, nfa_referrals.known_at)
        group by all
    ),

    later_referrals as (
        select
            nfa_referrals.as_of_on,
            nfa_referrals.academy_code,
            nfa_referrals.referral_id,
            min(later.referred_on) filter (
                where later.referred_on >= new_concerns.new_concern_logged_at::date
            ) as re_referral_on,
            bool_or(later.agency = 'early_help') as has_early_help_referral
        from nfa_referrals
        left join new_concerns using (as_of_on, academy_code, referral_id)
        inner join referral_pupils(windows) as later
            on later.as_of_on = nfa_referrals.as_of_on
            and later.academy_code = nfa_referrals.academy_code
            and later.pupil_ref = nfa_referrals.pupil_ref
            and later.referral_id <> nfa_referrals.referral_id
            and later.is_referred_by_as_of
            and later.referred_on >= nfa_referrals.referred_on
        group by all
    ),

    final as (
        select
            nfa_referrals.as_of_on,
            nfa_referrals.academy_code,
            nfa_referrals.referral_id,
            nfa_referrals.concern_id,
            nfa_referrals.pupil_ref,
            nfa_referrals.referred_on,
            nfa_referrals.decided_on,
            new_concerns.new_concern_id,
            new_concerns.new_concern_logged_at,
            new_concerns.new_concern_id is not null as is_followed_by_concern,
            later_referrals.re_referral_on,
            nfa_referrals.nfa_reconsidered_on,
            new_concerns.new_concern_id is not null
            and (
                nfa_referrals.nfa_reconsidered_on is not null
                or later_referrals.re_referral_on is not null
            ) as is_reconsidered,
            coalesce(nfa_referrals.early_help_offered, false)
            or coalesce(later_referrals.has_early_help_referral, false)
                as is_early_help_offered
        from nfa_referrals
        left join new_concerns using (as_of_on, academy_code, referral_id)
        left join later_referrals using (as_of_on, academy_code, referral_id)
    )

    select * from final
