-- One row per concern and referral about one child, at every academy of the trust, in time
-- order (model pupil_chronology): when, where, what, and whether it was dealt with in time by
-- the shared deadline rules (a concern's DSL review: concern_reviews; a referral's feedback or
-- LADO deadline: referral_deadlines), with the gaps between records and the moves between
-- academies.
-- Parameters: $trust_pupil_ref, $windows (one, from the child's first record), $standards.
-- Records: chronology (only through safeguarding.chronology, which checks who is asking)
with child as (
    select *
    from pupil_chronology($windows)
    where trust_pupil_ref = $trust_pupil_ref
),

concern_timeliness as (
    select reviews.academy_code, reviews.concern_id, reviews.review_status as timeliness
    from concern_reviews($windows, $standards) as reviews
    inner join child
        on child.record = 'concern'
        and child.academy_code = reviews.academy_code
        and child.concern_id = reviews.concern_id
),

referral_timeliness as (
    select
        deadlines.academy_code,
        deadlines.referral_id,
        case
            when deadlines.feedback_status is not null then deadlines.feedback_status
            when deadlines.is_lado_due and deadlines.is_lado_on_time then 'on_time'
            when deadlines.is_lado_due then 'late'
        end as timeliness
    from referral_deadlines($windows, $standards) as deadlines
    inner join child
        on child.record = 'referral'
        and child.academy_code = deadlines.academy_code
        and child.referral_id = deadlines.referral_id
),

final as (
    select
        child.record_no,
        child.event_at as "at",
        child.academy_code,
        child.record,
        child.concern_id,
        child.referral_id,
        child.category,
        child.agency,
        child.status,
        child.outcome,
        coalesce(concern_timeliness.timeliness, referral_timeliness.timeliness) as timeliness,
        child.days_since_previous,
        child.is_move
    from child
    left join concern_timeliness
        on child.record = 'concern'
        and concern_timeliness.academy_code = child.academy_code
        and concern_timeliness.concern_id = child.concern_id
    left join referral_timeliness
        on child.record = 'referral'
        and referral_timeliness.academy_code = child.academy_code
        and referral_timeliness.referral_id = child.referral_id
)

select * from final
order by record_no
