-- event_dates(windows): one row per window and concern logged or referral made, as known at the
-- window's knowledge time, with its academy and date: where event data starts and ends, so
-- trend charts start where data starts.
-- Columns: as_of_on, academy_code, event, event_on.
create or replace macro event_dates(windows) as table
    with final as (
        select
            windows.as_of_on,
            concerns.academy_code,
            'concern_logged' as event,
            concerns.logged_at::date as event_on
        from concerns_versions as concerns
        inner join windows(windows) as windows
            on is_known(concerns.known_from, concerns.known_until, windows.known_at)
        union all
        select
            windows.as_of_on,
            referrals.academy_code,
            'referral_made' as event,
            referrals.referred_at::date as event_on
        from referrals_versions as referrals
        inner join windows(windows) as windows
            on is_known(referrals.known_from, referrals.known_until, windows.known_at)
    )

    select * from final
