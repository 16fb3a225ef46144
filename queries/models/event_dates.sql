-- event_dates(): one row per concern logged and per referral made, with its academy and date:
-- where event data starts and ends, so trend charts start where data starts.
-- Columns: academy_code, event, event_on.
create or replace macro event_dates() as table
    with final as (
        select academy_code, 'concern_logged' as event, logged_at::date as event_on
        from concerns
        union all
        select academy_code, 'referral_made' as event, referred_at::date as event_on
        from referrals
    )

    select * from final
