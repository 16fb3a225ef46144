-- transfer_deadlines(windows, standards): one row per window and transfer (a child with a
-- child-protection file who left an academy for another school) that left in the window, not
-- after the as-of date, judged at the as-of date (KCSIE Part 2). A file sent or a receipt
-- confirmed after the end of the as-of date has not happened yet.
--   cp_file_deadline_on   $cp_file_transfer_school_days school days after left_on (a school
--                         day is a working day in a term and in no school holiday, so a move
--                         in the summer holiday counts from the first day of the new term)
--   is_file_due           the deadline is on or before the as-of date
--   is_file_on_time       due, and the file was sent on or before the deadline day (a file
--                         sent before the child left is on time)
--   file_status           on_time, late (sent after the deadline), overdue (due, not sent),
--                         awaiting (not sent, the deadline is to come)
--   is_receipt_due        the file is due and was sent by the as-of date: the receiving
--                         school should have confirmed it
--   is_receipt_confirmed  receipt confirmed by the as-of date
--   is_within_trust       the new school is an academy of the trust
--   overdue_working_days  while overdue: working days from the deadline to the as-of date
--                         (0 = due on the as-of date), as for the other statutory deadlines
-- Columns: as_of_on, academy_code, trust_pupil_ref, pupil_ref, left_on, to_academy_code,
-- is_within_trust, cp_file_deadline_on, cp_file_sent_on, receipt_confirmed_on, and those above.
create or replace macro transfer_deadlines(windows, standards) as table
    with dated as (
        select
            transfers.academy_code,
            transfers.trust_pupil_ref,
            transfers.pupil_ref,
            transfers.left_on,
            transfers.to_academy_code,
            transfers.cp_file_sent_on,
            transfers.receipt_confirmed_on,
            transfers.known_from,
            transfers.known_until,
            add_school_days(transfers.left_on, standards['cp_file_transfer_school_days'])
                as cp_file_deadline_on
        from transfers_versions as transfers
    ),

    looked_at as (
        select
            windows.as_of_on,
            dated.* exclude (known_from, known_until, cp_file_sent_on, receipt_confirmed_on),
            case when dated.cp_file_sent_on <= windows.as_of_on then dated.cp_file_sent_on end
                as cp_file_sent_on,
            case
                when dated.receipt_confirmed_on <= windows.as_of_on
                    then dated.receipt_confirmed_on
            end as receipt_confirmed_on
        from dated
        inner join windows(windows) as windows
            on is_known(dated.known_from, dated.known_until, windows.known_at)
            and dated.left_on between windows.from_on and windows.last_event_on
    ),

    judged as (
        select
            *,
            to_academy_code is not null as is_within_trust,
            cp_file_deadline_on <= as_of_on as is_file_due,
            cp_file_deadline_on <= as_of_on
            and coalesce(cp_file_sent_on <= cp_file_deadline_on, false) as is_file_on_time,
            cp_file_deadline_on <= as_of_on and cp_file_sent_on is not null as is_receipt_due,
            receipt_confirmed_on is not null as is_receipt_confirmed
        from looked_at
    ),

    final as (
        select
            judged.as_of_on,
            judged.academy_code,
            judged.trust_pupil_ref,
            judged.pupil_ref,
            judged.left_on,
            judged.to_academy_code,
            judged.is_within_trust,
            judged.cp_file_deadline_on,
            judged.cp_file_sent_on,
            judged.receipt_confirmed_on,
            judged.is_file_due,
            judged.is_file_on_time,
            case
                when judged.cp_file_sent_on <= judged.cp_file_deadline_on then 'on_time'
                when judged.cp_file_sent_on is not null then 'late'
                when judged.is_file_due then 'overdue'
                else 'awaiting'
            end as file_status,
            case
                when judged.is_file_due and judged.cp_file_sent_on is null
                    then as_of_day.working_day_no - deadline_day.working_day_no
            end as overdue_working_days,
            judged.is_receipt_due,
            judged.is_receipt_confirmed
        from judged
        left join calendar_days as as_of_day on as_of_day.day = judged.as_of_on
        left join calendar_days as deadline_day
            on deadline_day.day = judged.cp_file_deadline_on
    )

    select * from final
