-- One row per year group: the concerns logged in the window by the academies in $academy_codes
-- together (the concerns counted by concerns_logged), by the pupil's year group as the concern
-- records it, from the model concern_profile.
-- Columns:
--   year_group     -1 (nursery) to 14, reception 0; null: not recorded (a row of its own)
--   concerns       how many concerns
-- Parameters: $windows (one), $academy_codes, $standards.
-- Suppress: concerns
with logged as (
    select year_group
    from concern_profile($windows, $standards)
    where list_contains($academy_codes::varchar[], academy_code)
),

final as (
    select year_group, count(*) as concerns
    from logged
    group by all
)

select * from final
order by year_group nulls last
