-- pupil_chronology(windows): one row per window and concern or referral about a
-- pupil known by their trust_pupil_ref (the same child at every academy of the trust), logged
-- or referred in the window and known at its knowledge time, in time order. (Whether each was
-- dealt with in time is the shared deadline models' to say: the chronology list joins
-- concern_reviews and referral_deadlines for its one child, so that figures over every child
-- do not compute deadlines they never show.)
--   event_at            logged_at (a concern), referred_at (a referral)
--   record              concern | referral
--   concern_id, referral_id (a referral's concern when it names one)
--   category            the concern's category (a referral: its concern's, when it names one)
--   agency              a referral's agency
--   status, outcome     a concern's; a referral's decision as outcome
--   record_no           1, 2, ... in time order
--   days_since_previous days from the pupil's previous record (a gap), null for the first
--   is_move             the previous record was at another academy
--   came_from_academy_code  the academy of the child's latest earlier record at another
--                       academy (null: none before): where a child who moved came from
--   is_cse              a CSE concern (category or flag)
-- Columns: as_of_on, trust_pupil_ref, academy_code, pupil_ref, and those above.
create or replace macro pupil_chronology(windows) as table
    with known_concerns as (
        select
            windows.as_of_on,
            concerns.*
        from concerns_versions as concerns
        inner join windows(windows) as windows
            on concerns.logged_at::date between windows.from_on and windows.last_event_on
            and is_known(concerns.known_from, concerns.known_until, windows.known_at)
        where concerns.trust_pupil_ref is not null
    ),

    known_referrals as (
        select
            windows.as_of_on,
            referrals.*
        from referrals_versions as referrals
        inner join windows(windows) as windows
            on referrals.referred_at::date between windows.from_on and windows.last_event_on
            and is_known(referrals.known_from, referrals.known_until, windows.known_at)
        where referrals.trust_pupil_ref is not null
    ),

    concern_events as (
        select
            known_concerns.as_of_on,
            known_concerns.trust_pupil_ref,
            known_concerns.academy_code,
            known_concerns.pupil_ref,
            known_concerns.logged_at as event_at,
            'concern' as record,
            known_concerns.concern_id,
            null::varchar as referral_id,
            known_concerns.category,
            null::varchar as agency,
            known_concerns.status,
            known_concerns.outcome,
            known_concerns.category = 'child_sexual_exploitation'
            or coalesce(known_concerns.cse_flag, false) as is_cse
        from known_concerns
    ),

    referral_events as (
        select
            known_referrals.as_of_on,
            known_referrals.trust_pupil_ref,
            known_referrals.academy_code,
            known_referrals.pupil_ref,
            known_referrals.referred_at as event_at,
            'referral' as record,
            known_referrals.concern_id,
            known_referrals.referral_id,
            known_concerns.category,
            known_referrals.agency,
            null::varchar as status,
            known_referrals.decision as outcome,
            false as is_cse
        from known_referrals
        left join known_concerns
            on known_concerns.as_of_on = known_referrals.as_of_on
            and known_concerns.academy_code = known_referrals.academy_code
            and known_concerns.concern_id = known_referrals.concern_id
    ),

    events as (
        select * from concern_events
        union all
        select * from referral_events
    ),

    ordered as (
        select
            *,
            row_number() over (
                partition by as_of_on, trust_pupil_ref
                order by event_at, record, coalesce(concern_id, ''), coalesce(referral_id, '')
            ) as record_no
        from events
    ),

    came_from as (
        select
            ordered.as_of_on,
            ordered.trust_pupil_ref,
            ordered.record_no,
            max(earlier.record_no) as from_record_no
        from ordered
        inner join ordered as earlier
            on earlier.as_of_on = ordered.as_of_on
            and earlier.trust_pupil_ref = ordered.trust_pupil_ref
            and earlier.record_no < ordered.record_no
            and earlier.academy_code <> ordered.academy_code
        group by ordered.as_of_on, ordered.trust_pupil_ref, ordered.record_no
    ),

    final as (
        select
            ordered.*,
            date_diff('day', previous.event_at::date, ordered.event_at::date) as days_since_previous,
            coalesce(previous.academy_code <> ordered.academy_code, false) as is_move,
            origin.academy_code as came_from_academy_code
        from ordered
        left join ordered as previous
            on previous.as_of_on = ordered.as_of_on
            and previous.trust_pupil_ref = ordered.trust_pupil_ref
            and previous.record_no = ordered.record_no - 1
        left join came_from
            on came_from.as_of_on = ordered.as_of_on
            and came_from.trust_pupil_ref = ordered.trust_pupil_ref
            and came_from.record_no = ordered.record_no
        left join ordered as origin
            on origin.as_of_on = came_from.as_of_on
            and origin.trust_pupil_ref = came_from.trust_pupil_ref
            and origin.record_no = came_from.from_record_no
    )

    select * from final
