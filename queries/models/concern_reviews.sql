-- concern_reviews(windows, standards): one row per window and concern logged in it (logged date
-- in the window and not after the as-of date), judged at the as-of date against the DSL review
-- deadline: $dsl_review_target_days working days after the logged date (product.md §3-4). A
-- review after the end of the as-of date has not happened yet.
--   review_deadline_on, dsl_reviewed_at (null until reviewed), is_reviewed
--   is_review_due        the deadline is on or before the as-of date
--   review_status        not_yet_due (deadline after the as-of date), on_time (reviewed on or
--                        before the deadline day), late (reviewed after it), outstanding (due,
--                        no review yet)
--   late_working_days    late and outstanding: working days from the deadline to the review,
--                        or to the as-of date while outstanding
--   review_seconds       logged to reviewed, for the median
--   is_cse               a CSE-category concern is CSE whatever its flag says (product.md §4)
--   is_decision_recorded, is_mentor_allocated (missing counts as no)
--   incident_to_logged_seconds   from the incident (when the export gives one) to logging
--   has_outcome          an outcome is recorded: a decision the pupil should be told
--   pupil_informed_on    the day the pupil was told (null until then, and after the as-of date)
--   is_pupil_views_recorded, mentor_last_contact_on (null after the as-of date)
-- Columns: as_of_on, academy_code, concern_id, pupil_ref, category, logged_at, and those above.
create or replace macro concern_reviews(windows, standards) as table
    with review_deadlines as (
        select
            day as logged_on,
            add_working_days(day, standards['dsl_review_target_days']) as review_deadline_on
        from calendar_days
    ),

    logged_in_window as (
        select
            windows.as_of_on,
            concerns.academy_code,
            concerns.concern_id,
            concerns.pupil_ref,
            concerns.category,
            concerns.logged_at,
            review_deadlines.review_deadline_on,
            case
                when concerns.dsl_reviewed_at::date <= windows.as_of_on
                    then concerns.dsl_reviewed_at
            end as dsl_reviewed_at,
            review_deadlines.review_deadline_on <= windows.as_of_on as is_review_due,
            concerns.category = 'child_sexual_exploitation'
            or coalesce(concerns.cse_flag, false) as is_cse,
            coalesce(concerns.decision_recorded, false) as is_decision_recorded,
            coalesce(concerns.mentor_allocated, false) as is_mentor_allocated,
            date_diff('second', concerns.incident_at, concerns.logged_at)
                as incident_to_logged_seconds,
            concerns.outcome is not null as has_outcome,
            case
                when concerns.pupil_informed_on <= windows.as_of_on
                    then concerns.pupil_informed_on
            end as pupil_informed_on,
            coalesce(concerns.pupil_views_recorded, false) as is_pupil_views_recorded,
            case
                when concerns.mentor_last_contact_on <= windows.as_of_on
                    then concerns.mentor_last_contact_on
            end as mentor_last_contact_on
        from concerns_versions as concerns
        inner join windows(windows) as windows
            on concerns.logged_at::date between windows.from_on and windows.last_event_on
            and is_known(concerns.known_from, concerns.known_until, windows.known_at)
        left join review_deadlines on review_deadlines.logged_on = concerns.logged_at::date
    ),

    judged as (
        select
            *,
            dsl_reviewed_at is not null as is_reviewed,
            case
                when not is_review_due then 'not_yet_due'
                when dsl_reviewed_at::date <= review_deadline_on then 'on_time'
                when dsl_reviewed_at is not null then 'late'
                else 'outstanding'
            end as review_status,
            date_diff('second', logged_at, dsl_reviewed_at) as review_seconds
        from logged_in_window
    ),

    final as (
        select
            judged.as_of_on,
            judged.academy_code,
            judged.concern_id,
            judged.pupil_ref,
            judged.category,
            judged.logged_at,
            judged.review_deadline_on,
            judged.dsl_reviewed_at,
            judged.is_reviewed,
            judged.is_review_due,
            judged.review_status,
            case
                when judged.review_status in ('late', 'outstanding')
                    then until_day.working_day_no - deadline_day.working_day_no
            end as late_working_days,
            judged.review_seconds,
            judged.is_cse,
            judged.is_decision_recorded,
            judged.is_mentor_allocated,
            judged.incident_to_logged_seconds,
            judged.has_outcome,
            judged.pupil_informed_on,
            judged.is_pupil_views_recorded,
            judged.mentor_last_contact_on
        from judged
        left join calendar_days as deadline_day on deadline_day.day = judged.review_deadline_on
        left join calendar_days as until_day
            on until_day.day = coalesce(judged.dsl_reviewed_at::date, judged.as_of_on)
    )

    select * from final
