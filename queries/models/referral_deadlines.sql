-- referral_deadlines(windows, standards): one row per window and referral that the window's
-- figures look at, judged at the as-of date (product.md §3-4): referrals made in the window
-- (not after the as-of date), LADO referrals whose allegation is in the window (however late
-- the referral), and children's social care referrals overdue at the as-of date however old.
-- Feedback, follow-ups and escalations after the end of the as-of date have not happened yet.
--   is_referred_in_window   referred_on in the window: referrals_made, feedback timeliness
--   is_alleged_in_window    a LADO referral whose allegation_on is in the window
-- Children's social care (else null): the referrer is told what will happen within
-- $csc_feedback_target_days working days of the referral date.
--   feedback_deadline_on, feedback_on, is_feedback_due (deadline on or before the as-of date),
--   is_feedback_on_time (due, feedback on or before the deadline day), feedback_status
--   (on_time, late, overdue: due and none yet, awaiting: none yet, deadline to come),
--   is_feedback_overdue (the state csc_feedback_overdue counts), overdue_working_days (working
--   days from the deadline to the as-of date while overdue; 0 = the deadline is the as-of
--   date), feedback_working_days (referral date to feedback), followed_up_at, is_followed_up
-- LADO (else null): referred within $lado_referral_target_days working days of the allegation.
--   lado_deadline_on, is_lado_due, is_lado_on_time (a referral after the as-of date is after a
--   deadline that has passed)
-- is_escalated: escalated or re-referred by the as-of date. decision as last exported.
-- Columns: as_of_on, academy_code, referral_id, pupil_ref, concern_id, agency, referred_at,
-- referred_on, allegation_on, decision, and those above.
create or replace macro referral_deadlines(windows, standards) as table
    with deadlines as (
        select
            day,
            add_working_days(day, standards['csc_feedback_target_days']) as feedback_deadline_on,
            add_working_days(day, standards['lado_referral_target_days']) as lado_deadline_on
        from calendar_days
    ),

    dated as (
        select
            referrals.academy_code,
            referrals.referral_id,
            referrals.pupil_ref,
            referrals.concern_id,
            referrals.agency,
            referrals.referred_at,
            referrals.referred_at::date as referred_on,
            referrals.allegation_at::date as allegation_on,
            referrals.feedback_at::date as feedback_on,
            referrals.followed_up_at,
            referrals.escalated_at,
            referrals.decision,
            referrals.known_from,
            referrals.known_until,
            case
                when referrals.agency = 'children_social_care'
                    then referral_day.feedback_deadline_on
            end as feedback_deadline_on,
            case when referrals.agency = 'lado' then allegation_day.lado_deadline_on end
                as lado_deadline_on
        from referrals_versions as referrals
        left join deadlines as referral_day on referral_day.day = referrals.referred_at::date
        left join deadlines as allegation_day
            on allegation_day.day = referrals.allegation_at::date
    ),

    looked_at as (
        select
            windows.as_of_on,
            dated.* exclude (known_from, known_until),
            dated.referred_on between windows.from_on and windows.last_event_on
                as is_referred_in_window,
            dated.agency = 'lado'
            and dated.allegation_on between windows.from_on and windows.last_event_on
                as is_alleged_in_window,
            case when dated.feedback_on <= windows.as_of_on then dated.feedback_on end
                as feedback_by_as_of_on,
            case
                when dated.followed_up_at::date <= windows.as_of_on then dated.followed_up_at
            end as followed_up_by_as_of_at,
            coalesce(dated.escalated_at::date <= windows.as_of_on, false) as is_escalated
        from dated
        inner join windows(windows) as windows
            on is_known(dated.known_from, dated.known_until, windows.known_at)
            and (
            dated.referred_on between windows.from_on and windows.last_event_on
            or (
                dated.agency = 'lado'
                and dated.allegation_on between windows.from_on and windows.last_event_on
            )
            or (
                dated.feedback_deadline_on <= windows.as_of_on
                and coalesce(dated.feedback_on, date '9999-12-31') > windows.as_of_on
            )
            )
    ),

    judged as (
        select
            *,
            feedback_deadline_on <= as_of_on as is_feedback_due,
            feedback_deadline_on <= as_of_on
            and coalesce(feedback_by_as_of_on <= feedback_deadline_on, false)
                as is_feedback_on_time,
            feedback_deadline_on <= as_of_on and feedback_by_as_of_on is null
                as is_feedback_overdue,
            case
                when feedback_deadline_on is null then null
                when feedback_by_as_of_on <= feedback_deadline_on then 'on_time'
                when feedback_by_as_of_on is not null then 'late'
                when feedback_deadline_on <= as_of_on then 'overdue'
                else 'awaiting'
            end as feedback_status,
            lado_deadline_on <= as_of_on as is_lado_due,
            lado_deadline_on <= as_of_on and referred_on <= lado_deadline_on as is_lado_on_time
        from looked_at
    ),

    final as (
        select
            judged.as_of_on,
            judged.academy_code,
            judged.referral_id,
            judged.pupil_ref,
            judged.concern_id,
            judged.agency,
            judged.referred_at,
            judged.referred_on,
            judged.allegation_on,
            judged.decision,
            judged.is_referred_in_window,
            judged.is_alleged_in_window,
            judged.feedback_deadline_on,
            judged.feedback_by_as_of_on as feedback_on,
            judged.is_feedback_due,
            judged.is_feedback_on_time,
            judged.feedback_status,
            judged.is_feedback_overdue,
            case
                when judged.is_feedback_overdue
                    then as_of_day.working_day_no - deadline_day.working_day_no
            end as overdue_working_days,
            feedback_day.working_day_no - referral_day.working_day_no as feedback_working_days,
            judged.followed_up_by_as_of_at as followed_up_at,
            judged.followed_up_by_as_of_at is not null as is_followed_up,
            judged.lado_deadline_on,
            judged.is_lado_due,
            judged.is_lado_on_time,
            judged.is_escalated
        from judged
        left join calendar_days as as_of_day on as_of_day.day = judged.as_of_on
        left join calendar_days as deadline_day
            on deadline_day.day = judged.feedback_deadline_on
        left join calendar_days as referral_day on referral_day.day = judged.referred_on
        left join calendar_days as feedback_day on feedback_day.day = judged.feedback_by_as_of_on
    )

    select * from final
