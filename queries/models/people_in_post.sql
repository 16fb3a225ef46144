-- people_in_post(windows, standards): one row per window and person in post at its as-of date:
-- started on or before it and not left by it (a leave date is the first day no longer in post).
-- Governors and trustees are here too, marked is_governor; "staff in post" is `is_staff`.
-- Columns: as_of_on, the columns of staff_members, is_in_induction_window (the as-of date is
-- on or before the induction deadline).
create or replace macro people_in_post(windows, standards) as table
    with final as (
        select
            staff_members.*,
            coalesce(
                windows.as_of_on <= staff_members.induction_deadline_on, false
            ) as is_in_induction_window
        from staff_members(windows, standards) as staff_members
        inner join windows(windows) as windows
            on windows.as_of_on = staff_members.as_of_on
            and staff_members.start_date <= windows.as_of_on
            and coalesce(staff_members.leave_date, date '9999-12-31') > windows.as_of_on
    )

    select * from final
