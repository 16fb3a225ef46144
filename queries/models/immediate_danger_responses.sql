-- immediate_danger_responses(windows, standards): one row per window and concern logged in the
-- window (not after the as-of date) that a referral made by the as-of date flags as immediate
-- danger (CSE policy §15: a child in immediate danger is referred to children's social care or
-- the police at once). The concern is answered on time when a referral of it to children's social
-- care or the police is made by respond_by_on: the day it was logged if that is a working day,
-- else the next working day. Referrals without a concern_id cannot be placed against a concern
-- and are not counted here.
--   respond_by_on, first_urgent_referral_on (children's social care or police; null if none by
--   the as-of date), is_same_working_day
-- Columns: as_of_on, academy_code, concern_id, pupil_ref, logged_at, and those above.
create or replace macro immediate_danger_responses(windows, standards) as table
    with flagged as (
        select
            concerns.as_of_on,
            concerns.academy_code,
            concerns.concern_id,
            concerns.pupil_ref,
            concerns.logged_at,
            min(referrals.referred_on) filter (
                where referrals.agency in ('children_social_care', 'police')
            ) as first_urgent_referral_on
        from concern_reviews(windows, standards) as concerns
        inner join referral_pupils(windows) as referrals
            on referrals.as_of_on = concerns.as_of_on
            and referrals.academy_code = concerns.academy_code
            and referrals.concern_id = concerns.concern_id
            and referrals.is_referred_by_as_of
        group by all
        having bool_or(coalesce(referrals.immediate_danger, false))
    ),

    deadlines as (
        select
            flagged.*,
            if(logged_day.is_working_day, logged_day.day, add_working_days(logged_day.day, 1))
                as respond_by_on
        from flagged
        left join calendar_days as logged_day on logged_day.day = flagged.logged_at::date
    ),

    final as (
        select
            *,
            coalesce(first_urgent_referral_on <= respond_by_on, false) as is_same_working_day
        from deadlines
    )

    select * from final
