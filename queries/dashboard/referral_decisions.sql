-- One row per decision: the referrals made in [$date_from, $date_to] and not after the as-of
-- date by the academies in $academy_codes together, to the agency $agency ('all' for every
-- agency), by the decision given, and how many of them were escalated.
-- Columns:
--   decision       as exported; 'not_recorded' where the export has none
--   referrals      how many referrals
--   escalated      of those, how many the academy escalated or re-referred (escalated_at) by
--                  the end of the as-of date
-- The decision has no date of its own: like decision_recorded_pct, the value as last exported
-- counts whatever the as-of date.
-- Parameters: $as_of, $date_from, $date_to, $academy_codes, $agency.
-- Suppress: referrals, escalated
with scoped_referrals as (
    select
        coalesce(decision, 'not_recorded') as decision,
        coalesce(escalated_at::date <= $as_of::date, false) as is_escalated
    from referrals
    where list_contains($academy_codes::varchar[], academy_code)
      and ($agency = 'all' or agency = $agency)
      and referred_at::date between $date_from::date and least($date_to::date, $as_of::date)
),

final as (
    select
        decision,
        count(*) as referrals,
        count(*) filter (where is_escalated) as escalated
    from scoped_referrals
    group by all
)

select * from final
order by decision
