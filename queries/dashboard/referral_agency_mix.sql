-- One row per agency: the referrals made in the window by the academies in $academy_codes
-- together (the referrals counted by referrals_made, from the same model), by the agency
-- referred to.
-- Columns: agency, referrals.
-- Parameters: $windows (one), $academy_codes, $standards.
-- Suppress: referrals
with referred as (
    select agency
    from referral_deadlines($windows, $standards)
    where is_referred_in_window
      and list_contains($academy_codes::varchar[], academy_code)
),

final as (
    select agency, count(*) as referrals
    from referred
    group by all
)

select * from final
order by referrals desc, agency
