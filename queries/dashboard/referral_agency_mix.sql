-- One row per agency: the referrals made in [$date_from, $date_to] and not after the as-of date
-- by the academies in $academy_codes together (the referrals counted by referrals_made), by
-- the agency referred to.
-- Columns: agency, referrals.
-- Parameters: $as_of, $date_from, $date_to, $academy_codes.
-- Suppress: referrals
with scoped_referrals as (
    select agency
    from referrals
    where list_contains($academy_codes::varchar[], academy_code)
      and referred_at::date between $date_from::date and least($date_to::date, $as_of::date)
),

final as (
    select agency, count(*) as referrals
    from scoped_referrals
    group by all
)

select * from final
order by referrals desc, agency
