-- inductions(windows, standards): one row per window and staff starter (never a governor or
-- trustee) whose start date is in the window, not after the as-of date, and whose induction
-- deadline ($induction_window_days working days after the start) is on or before the as-of
-- date: the starters induction_on_time_pct judges. is_on_time: their first qualifying course,
-- even one done before the start date, was on or before the deadline. Leavers count: they
-- started in the window.
-- Columns: as_of_on, academy_code, staff_ref, role, start_date, induction_deadline_on,
-- first_qualifying_on, is_on_time.
create or replace macro inductions(windows, standards) as table
    with final as (
        select
            windows.as_of_on,
            starters.academy_code,
            starters.staff_ref,
            starters.role,
            starters.start_date,
            starters.induction_deadline_on,
            starters.first_qualifying_on,
            coalesce(starters.first_qualifying_on <= starters.induction_deadline_on, false)
                as is_on_time
        from staff_members(windows, standards) as starters
        inner join windows(windows) as windows
            on windows.as_of_on = starters.as_of_on
            and starters.start_date between windows.from_on and windows.last_event_on
            and starters.induction_deadline_on <= windows.as_of_on
        where starters.is_staff
    )

    select * from final
