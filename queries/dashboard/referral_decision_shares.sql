-- One row: the shares shown beside the decisions chart, for the referrals made in the window by
-- the academies in $academy_codes together, to the agency $agency ('all' for every agency),
-- from the model referral_deadlines.
-- Columns:
--   referrals                  all those referrals
--   decided                    those with a decision in the export
--   no_further_action          those whose decision is no_further_action
--   escalated                  those escalated or re-referred (escalated_at) by the end of the
--                              as-of date
--   no_further_action_escalated  no_further_action decisions that were escalated
-- Parameters: $windows (one), $academy_codes, $standards, $agency.
-- Suppress: referrals, decided, no_further_action, escalated, no_further_action_escalated
with referred as (
    select decision, is_escalated
    from referral_deadlines($windows, $standards)
    where is_referred_in_window
      and list_contains($academy_codes::varchar[], academy_code)
      and ($agency = 'all' or agency = $agency)
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
    from referred
)

select * from final
