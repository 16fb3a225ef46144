-- collected_fields(windows): one row per window and academy that has sent concerns or
-- referrals known at the window's knowledge time: whether it sends each optional column that a
-- metric needs (product.md §2: an academy whose rows never have a value for the column is taken
-- as not collecting it, so its figure is "not collected", never 0 %).
-- Columns: as_of_on, academy_code, collects_pupil_informed_on, collects_pupil_views_recorded,
-- collects_mentor_last_contact_on.
create or replace macro collected_fields(windows) as table
    with final as (
        select
            windows.as_of_on,
            concerns.academy_code,
            bool_or(concerns.pupil_informed_on is not null) as collects_pupil_informed_on,
            bool_or(concerns.pupil_views_recorded is not null) as collects_pupil_views_recorded,
            bool_or(concerns.mentor_last_contact_on is not null)
                as collects_mentor_last_contact_on
        from concerns_versions as concerns
        inner join windows(windows) as windows
            on is_known(concerns.known_from, concerns.known_until, windows.known_at)
        group by all
    )

    select * from final
