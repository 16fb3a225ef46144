-- staff_members(windows, standards): one row per window and person in the staff export as
-- known at the window's knowledge time, with the rules about who they are that every staff
-- figure shares (product.md §4):
--   is_governor   a governor or trustee: judged on governor training, never "staff in post"
--   is_staff      everyone else, volunteers and `other` included
--   is_dsl_or_deputy, is_deputy_dsl    the DSL roles (never a governor)
--   is_kcsie_part1_reader     staff who work with children
--   is_kcsie_annex_b_reader   staff who work with children, or are leadership or principal
--   induction_deadline_on     $induction_window_days working days after the start date
--   first_qualifying_on       their first qualifying course ever (induction counts a course
--                             done before the start date), as known then
-- Columns: as_of_on, known_at, the staff export's columns and those above.
-- standards: the struct of Standards.query_parameters() (bound as $standards).
create or replace macro staff_members(windows, standards) as table
    with known_windows as (
        select as_of_on, known_at from windows(windows)
    ),

    first_qualifying_training as (
        select
            known_windows.as_of_on,
            training.academy_code,
            training.staff_ref,
            min(training.completed_on) as first_qualifying_on
        from training_versions as training
        inner join known_windows
            on is_known(training.known_from, training.known_until, known_windows.known_at)
        where list_contains(standards['training_courses']::varchar[], training.course)
        group by known_windows.as_of_on, training.academy_code, training.staff_ref
    ),

    -- One deadline per calendar day rather than one per person.
    induction_deadlines as (
        select
            day as start_on,
            add_working_days(day, standards['induction_window_days']) as induction_deadline_on
        from calendar_days
    ),

    final as (
        select
            known_windows.as_of_on,
            known_windows.known_at,
            staff.academy_code,
            staff.staff_ref,
            staff.role,
            staff.safeguarding_role,
            staff.works_with_children,
            staff.start_date,
            staff.leave_date,
            staff.role in ('governor', 'trustee') as is_governor,
            staff.role not in ('governor', 'trustee') as is_staff,
            staff.role not in ('governor', 'trustee')
            and staff.safeguarding_role in ('dsl', 'deputy_dsl') as is_dsl_or_deputy,
            staff.role not in ('governor', 'trustee')
            and staff.safeguarding_role = 'deputy_dsl' as is_deputy_dsl,
            staff.role not in ('governor', 'trustee')
            and staff.works_with_children as is_kcsie_part1_reader,
            staff.role not in ('governor', 'trustee')
            and (staff.works_with_children or staff.role in ('leadership', 'principal'))
                as is_kcsie_annex_b_reader,
            induction_deadlines.induction_deadline_on,
            first_qualifying_training.first_qualifying_on
        from staff_versions as staff
        inner join known_windows
            on is_known(staff.known_from, staff.known_until, known_windows.known_at)
        left join induction_deadlines on induction_deadlines.start_on = staff.start_date
        left join first_qualifying_training
            on first_qualifying_training.as_of_on = known_windows.as_of_on
            and first_qualifying_training.academy_code = staff.academy_code
            and first_qualifying_training.staff_ref = staff.staff_ref
    )

    select * from final
