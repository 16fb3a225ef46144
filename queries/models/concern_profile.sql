-- concern_profile(windows, standards): one row per window and concern logged in it (the rows of
-- concern_reviews), with what the concern is about: the pupil's year group and vulnerability
-- markers as the concern's version known at the window's knowledge time gives them, and whether
-- the concern led to a referral by the as-of date.
--   year_group           -1 (nursery) to 14, reception 0; null: not recorded
--   looked_after, send, child_protection_plan, missing_episode
--                        true, false, or null (blank in the export: unknown, not no)
--   is_referred          a referral of this concern (by concern_id, same academy), known at the
--                        knowledge time and made on or before the as-of date, whatever the
--                        window: a concern logged in the window may be referred after it
-- Columns: as_of_on, academy_code, concern_id, pupil_ref, category, logged_at, and those above.
create or replace macro concern_profile(windows, standards) as table
    with logged as (
        select
            reviews.as_of_on,
            windows.known_at,
            reviews.academy_code,
            reviews.concern_id,
            reviews.pupil_ref,
            reviews.category,
            reviews.logged_at
        from concern_reviews(windows, standards) as reviews
        inner join windows(windows) as windows on windows.as_of_on = reviews.as_of_on
    ),

    referred as (
        select distinct as_of_on, academy_code, concern_id
        from referral_pupils(windows)
        where is_referred_by_as_of
          and concern_id is not null
    ),

    final as (
        select
            logged.as_of_on,
            logged.academy_code,
            logged.concern_id,
            logged.pupil_ref,
            logged.category,
            logged.logged_at,
            concerns.year_group,
            concerns.looked_after,
            concerns.send,
            concerns.child_protection_plan,
            concerns.missing_episode,
            referred.concern_id is not null as is_referred
        from logged
        inner join concerns_versions as concerns
            on concerns.academy_code = logged.academy_code
            and concerns.concern_id = logged.concern_id
            and is_known(concerns.known_from, concerns.known_until, logged.known_at)
        left join referred
            on referred.as_of_on = logged.as_of_on
            and referred.academy_code = logged.academy_code
            and referred.concern_id = logged.concern_id
    )

    select * from final
