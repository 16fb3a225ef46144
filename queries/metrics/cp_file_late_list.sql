-- One row per transfer of the window (a child with a child-protection file who left the
-- academy) whose file deadline has passed by the as-of date and whose file went after the
-- deadline or has not gone by then: the transfers in the denominator but not the numerator of
-- cp_file_sent_on_time_pct (both read the model transfer_deadlines). is_sent: sent late
-- (history) rather than still outstanding (an action).
-- Parameters: $windows (one), $academy_codes, $standards.
-- Records: yes
with final as (
    select
        academy_code,
        trust_pupil_ref,
        pupil_ref,
        left_on,
        to_academy_code,
        cp_file_deadline_on,
        cp_file_sent_on,
        cp_file_sent_on is not null as is_sent,
        receipt_confirmed_on
    from transfer_deadlines($windows, $standards)
    where file_status in ('late', 'overdue')
      and list_contains($academy_codes::varchar[], academy_code)
)

select * from final
order by cp_file_deadline_on, academy_code, left_on, trust_pupil_ref
