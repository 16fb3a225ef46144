-- One row per decision: the referrals made in the window by the academies in $academy_codes
-- together, to the agency $agency ('all' for every agency), by the decision given, and how many
-- of them were escalated, from the model referral_deadlines.
-- Columns:
--   decision       as exported; 'not_recorded' where the export has none
--   referrals      how many referrals
--   escalated      of those, how many the academy escalated or re-referred (escalated_at) by
--                  the end of the as-of date
-- The decision has no date of its own: like decision_recorded_pct, the value as last exported
-- counts whatever the as-of date.
-- Parameters: $windows (one), $academy_codes, $standards, $agency.
-- Suppress: referrals, escalated
with referred as (
    select coalesce(decision, 'not_recorded') as decision, is_escalated
    from referral_deadlines($windows, $standards)
    where is_referred_in_window
      and list_contains($academy_codes::varchar[], academy_code)
      and ($agency = 'all' or agency = $agency)
),

final as (
    select
        decision,
        count(*) as referrals,
        count(*) filter (where is_escalated) as escalated
    from referred
    group by all
)

select * from final
order by decision
