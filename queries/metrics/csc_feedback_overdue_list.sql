-- One row per children's social care referral past its feedback deadline with no feedback by
-- the end of the as-of date, however old (the referrals counted by csc_feedback_overdue).
-- overdue_working_days: working days after the deadline up to the as-of date (0 = the deadline
-- was the as-of date itself). is_followed_up: the academy chased the feedback by the as-of date.
-- Parameters: $as_of, $academy_codes, $csc_feedback_target_days.
with scoped_academies as (
    select academy_code
    from academies
    where list_contains($academy_codes::varchar[], academy_code)
),

with_deadline as (
    select
        referrals.academy_code,
        referrals.referral_id,
        referrals.pupil_ref,
        referrals.concern_id,
        referrals.referred_at,
        add_working_days(referrals.referred_at::date, $csc_feedback_target_days)
            as feedback_deadline_on,
        case
            when referrals.followed_up_at::date <= $as_of::date then referrals.followed_up_at
        end as followed_up_at
    from referrals
    inner join scoped_academies on scoped_academies.academy_code = referrals.academy_code
    where referrals.agency = 'children_social_care'
      and referrals.referred_at::date <= $as_of::date
      and coalesce(referrals.feedback_at::date, date '9999-12-31') > $as_of::date
),

final as (
    select
        with_deadline.academy_code,
        with_deadline.referral_id,
        with_deadline.pupil_ref,
        with_deadline.concern_id,
        with_deadline.referred_at,
        with_deadline.feedback_deadline_on,
        (select working_day_no from calendar_days where day = $as_of::date)
        - deadline_day.working_day_no as overdue_working_days,
        with_deadline.followed_up_at is not null as is_followed_up,
        with_deadline.followed_up_at
    from with_deadline
    inner join calendar_days as deadline_day
        on deadline_day.day = with_deadline.feedback_deadline_on
    where with_deadline.feedback_deadline_on <= $as_of::date
)

select * from final
order by overdue_working_days desc, academy_code, referred_at, referral_id
