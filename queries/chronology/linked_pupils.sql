-- One row per child known by a trust pseudonym (model pupil_chronology): how many concerns and
-- referrals, at which academies, first and last, and whether they span academies: the list a
-- chronology is opened from.
-- Parameters: $windows (one, from the first record).
-- Records: chronology (only through safeguarding.chronology, which checks who is asking)
with per_pupil as (
    select
        trust_pupil_ref,
        count(*) filter (where record = 'concern') as concerns,
        count(*) filter (where record = 'referral') as referrals,
        list(distinct academy_code order by academy_code) as academy_codes,
        count(distinct academy_code) as academies,
        count(*) filter (where is_move) as moves,
        min(event_at) as first_at,
        max(event_at) as last_at
    from pupil_chronology($windows)
    group by trust_pupil_ref
),

final as (
    select * from per_pupil
)

select * from final
order by academies desc, last_at desc, trust_pupil_ref
