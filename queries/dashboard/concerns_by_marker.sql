-- One row per vulnerability marker (looked_after, send, child_protection_plan, missing_episode,
-- in that order): the concerns logged in the window by the academies in $academy_codes
-- together (the concerns counted by concerns_logged) whose pupil has the marker, from the model
-- concern_profile. A concern may have several markers, so the rows do not add up to the
-- concerns logged. No rows when no concern was logged.
-- Columns:
--   marker         the marker's column in the export
--   concerns       concerns with the marker true
--   referred       of those, how many have a referral (by concern_id) made by the end of the
--                  as-of date
--   unknown        concerns with the marker blank in the export: not known, not "no"
-- Parameters: $windows (one), $academy_codes, $standards.
-- Suppress: concerns, referred, unknown
with logged as (
    select looked_after, send, child_protection_plan, missing_episode, is_referred
    from concern_profile($windows, $standards)
    where list_contains($academy_codes::varchar[], academy_code)
),

markers as (
    select
        unnest([
            {'marker': 'looked_after', 'position': 1, 'is_marked': looked_after},
            {'marker': 'send', 'position': 2, 'is_marked': send},
            {
                'marker': 'child_protection_plan', 'position': 3,
                'is_marked': child_protection_plan
            },
            {'marker': 'missing_episode', 'position': 4, 'is_marked': missing_episode}
        ], recursive := true),
        is_referred
    from logged
),

final as (
    select
        marker,
        count(*) filter (where is_marked) as concerns,
        count(*) filter (where is_marked and is_referred) as referred,
        count(*) filter (where is_marked is null) as unknown,
        min(position) as position
    from markers
    group by marker
)

select * exclude (position) from final
order by position
