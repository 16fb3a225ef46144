-- One row: the shares shown beside the decisions chart, for the referrals made in
-- [$date_from, $date_to] and not after the as-of date by the academies in $academy_codes
-- together, to the agency $agency ('all' for every agency).
-- Columns:
--   referrals                  all those referrals
--   decided                    those with a decision in the export
--   no_further_action          those whose decision is no_further_action
--   escalated                  those escalated or re-referred (escalated_at) by the end of the
--                              as-of date
--   no_further_action_escalated  no_further_action decisions that were escalated
-- Parameters: $as_of, $date_from, $date_to, $academy_codes, $agency.
-- Suppress: referrals, decided, no_further_action, escalated, no_further_action_escalated
with scoped_referrals as (
    select
        decision,
        coalesce(escalated_at::date <= $as_of::date, false) as is_escalated
    from referrals
    where list_contains($academy_codes::varchar[], academy_code)
      and ($agency = 'all' or agency = $agency)
      and referred_at::date between $date_from::date and least($date_to::date, $as_of::date)
),

final as (
    select
        count(*) as referrals,
        count(decision) as decided,
        count(*) filter (where decision = 'no_further_action') as no_further_action,
        count(*) filter (where is_escalated) as escalated,
        count(*) filter (
            where decision = 'no_further_action' and is_escalated
        ) as no_further_action_escalated
    from scoped_referrals
)

select * from final
