-- One row per category: the concerns logged in the window by the academies in $academy_codes
-- together (the concerns counted by concerns_logged), by the category of concern, and how many
-- of them led to a referral by the as-of date, from the model concern_profile.
-- Columns:
--   concern_category  the contract's category code (not named `category`: the suppressed
--                     views' count_table keys its rows by a column of that name)
--   concerns          how many concerns
--   referred          of those, how many have a referral (by concern_id) made by the end of the
--                     as-of date
-- Parameters: $windows (one), $academy_codes, $standards.
-- Suppress: concerns, referred
with logged as (
    select category as concern_category, is_referred
    from concern_profile($windows, $standards)
    where list_contains($academy_codes::varchar[], academy_code)
),

final as (
    select
        concern_category,
        count(*) as concerns,
        count(*) filter (where is_referred) as referred
    from logged
    group by all
)

select * from final
order by concerns desc, concern_category
