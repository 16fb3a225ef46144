-- latest_training(windows, standards): one row per window and person in post with any training
-- completed by the as-of date (later completions have not happened yet): the latest completion
-- of each requirement and the course that made it.
--   latest_qualifying_on/_course   a $training_courses course (staff)
--   latest_governor_on/_course     a $governor_training_courses course (governors, trustees)
--   latest_dsl_full_on             a dsl_full course
--   latest_dsl_update_on/_course   a dsl_full or dsl_refresh course (the 12-month update)
--   has_read_kcsie_part1, has_read_kcsie_annex_b   of the current edition ($kcsie_edition);
--                                  reads never expire, and Annex A is not Part 1
--   latest_cse_awareness_on, latest_online_safety_on, latest_prevent_on   the topic courses
-- (A plain join and group by measured faster than as-of joins, for one window and for sixty.)
create or replace macro latest_training(windows, standards) as table
    with final as (
        select
            people.as_of_on,
            people.academy_code,
            people.staff_ref,
            max(training.completed_on) filter (
                where list_contains(standards['training_courses']::varchar[], training.course)
            ) as latest_qualifying_on,
            arg_max(training.course, (training.completed_on, training.course)) filter (
                where list_contains(standards['training_courses']::varchar[], training.course)
            ) as latest_qualifying_course,
            max(training.completed_on) filter (
                where list_contains(
                    standards['governor_training_courses']::varchar[], training.course
                )
            ) as latest_governor_on,
            arg_max(training.course, (training.completed_on, training.course)) filter (
                where list_contains(
                    standards['governor_training_courses']::varchar[], training.course
                )
            ) as latest_governor_course,
            max(training.completed_on) filter (
                where training.course = 'dsl_full'
            ) as latest_dsl_full_on,
            max(training.completed_on) filter (
                where training.course in ('dsl_full', 'dsl_refresh')
            ) as latest_dsl_update_on,
            arg_max(training.course, (training.completed_on, training.course)) filter (
                where training.course in ('dsl_full', 'dsl_refresh')
            ) as latest_dsl_update_course,
            max(training.completed_on) filter (
                where training.course = 'cse_awareness'
            ) as latest_cse_awareness_on,
            max(training.completed_on) filter (
                where training.course = 'online_safety'
            ) as latest_online_safety_on,
            max(training.completed_on) filter (
                where training.course = 'prevent'
            ) as latest_prevent_on,
            coalesce(bool_or(
                training.course = 'kcsie_part1'
                and training.kcsie_edition = standards['kcsie_edition']
            ), false) as has_read_kcsie_part1,
            coalesce(bool_or(
                training.course = 'kcsie_annex_b'
                and training.kcsie_edition = standards['kcsie_edition']
            ), false) as has_read_kcsie_annex_b
        from people_in_post(windows, standards) as people
        inner join training_versions as training
            on training.academy_code = people.academy_code
            and training.staff_ref = people.staff_ref
            and training.completed_on <= people.as_of_on
            and is_known(training.known_from, training.known_until, people.known_at)
        group by people.as_of_on, people.academy_code, people.staff_ref
    )

    select * from final
