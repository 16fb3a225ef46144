-- One row per concern and referral about one child, at every academy of the trust, in time
-- order (model pupil_chronology): when, where, what, and whether it was dealt with in time,
-- with the gaps between records and the moves between academies.
-- Parameters: $trust_pupil_ref, $windows (one, from the child's first record), $standards.
-- Records: chronology (only through safeguarding.chronology, which checks who is asking)
with final as (
    select
        record_no,
        event_at as "at",
        academy_code,
        record,
        concern_id,
        referral_id,
        category,
        agency,
        status,
        outcome,
        timeliness,
        days_since_previous,
        is_move
    from pupil_chronology($windows, $standards)
    where trust_pupil_ref = $trust_pupil_ref
)

select * from final
order by record_no
