-- training_status(windows, standards): one row per window and person in post, judged at the
-- as-of date on the training each must hold (product.md §4). Every training figure, list, chart
-- and action reads this model, so they cannot disagree.
-- Safeguarding training, the person's own requirement: staff a $training_courses course within
-- $training_valid_months, governors and trustees a $governor_training_courses course within
-- $governor_training_valid_months. A course stops being in date on expires_on (completed_on +
-- validity): in date while as-of < expires_on, so the latest completion decides.
--   last_course, last_completed_on, expires_on
--   is_training_in_date
--   is_training_judged   counted in the in-date percentage's denominator: a new starter is left
--                        out while still inside the induction window and not yet in date
--   training_status      in_date, expiring (in date, expires_on within 30 days after the
--                        as-of date), induction_due (a starter inside the window, not in date:
--                        not judged yet, but an action), never_trained, expired
-- DSL training (DSLs and deputies only, else null): a dsl_full within $dsl_full_valid_months
-- and a dsl_full or dsl_refresh within $dsl_update_valid_months; a refresher alone never
-- counts. dsl_expires_on is the earlier of the two expiries.
--   last_dsl_full_on, dsl_full_expires_on, last_dsl_update_course, last_dsl_update_on,
--   dsl_update_expires_on, dsl_expires_on, dsl_expiry_course (the course whose completion
--   sets dsl_expires_on), is_dsl_training_in_date, dsl_training_status (in_date, expiring,
--   never_trained, expired)
-- KCSIE reads: has_read_kcsie_part1, has_read_kcsie_annex_b (current edition, never expire).
-- Topic courses (CSE policy §10), each in date while as-of < completed + $topic_training_valid_months:
--   has_cse_awareness_in_date, has_online_safety_in_date, has_prevent_in_date
-- Columns: as_of_on, the columns of people_in_post, and those above.
create or replace macro training_status(windows, standards) as table
    with requirements as (
        select
            people.*,
            if(
                people.is_governor,
                latest.latest_governor_course,
                latest.latest_qualifying_course
            ) as last_course,
            if(
                people.is_governor, latest.latest_governor_on, latest.latest_qualifying_on
            ) as last_completed_on,
            if(
                people.is_governor,
                standards['governor_training_valid_months'],
                standards['training_valid_months']
            ) as valid_months,
            latest.latest_dsl_full_on,
            latest.latest_dsl_update_on,
            latest.latest_dsl_update_course,
            coalesce(latest.has_read_kcsie_part1, false) as has_read_kcsie_part1,
            coalesce(latest.has_read_kcsie_annex_b, false) as has_read_kcsie_annex_b,
            coalesce(
                people.as_of_on < latest.latest_cse_awareness_on
                + to_months(standards['topic_training_valid_months']),
                false
            ) as has_cse_awareness_in_date,
            coalesce(
                people.as_of_on < latest.latest_online_safety_on
                + to_months(standards['topic_training_valid_months']),
                false
            ) as has_online_safety_in_date,
            coalesce(
                people.as_of_on < latest.latest_prevent_on
                + to_months(standards['topic_training_valid_months']),
                false
            ) as has_prevent_in_date
        from people_in_post(windows, standards) as people
        left join latest_training(windows, standards) as latest
            on latest.as_of_on = people.as_of_on
            and latest.academy_code = people.academy_code
            and latest.staff_ref = people.staff_ref
    ),

    expiries as (
        select
            *,
            (last_completed_on + to_months(valid_months))::date as expires_on,
            case when is_dsl_or_deputy then latest_dsl_full_on end as last_dsl_full_on,
            case when is_dsl_or_deputy then latest_dsl_update_course end
                as last_dsl_update_course,
            case when is_dsl_or_deputy then latest_dsl_update_on end as last_dsl_update_on,
            case when is_dsl_or_deputy then
                (latest_dsl_full_on + to_months(standards['dsl_full_valid_months']))::date
            end as dsl_full_expires_on,
            case when is_dsl_or_deputy then
                (latest_dsl_update_on + to_months(standards['dsl_update_valid_months']))::date
            end as dsl_update_expires_on
        from requirements
    ),

    judged as (
        select
            *,
            coalesce(as_of_on < expires_on, false) as is_training_in_date,
            -- Without a full course there is no in-date period (least() would skip a null).
            case
                when dsl_full_expires_on is not null
                    then least(dsl_full_expires_on, dsl_update_expires_on)
            end as dsl_expires_on,
            case
                when dsl_full_expires_on is not null
                    then if(
                        dsl_full_expires_on <= dsl_update_expires_on,
                        'dsl_full',
                        last_dsl_update_course
                    )
            end as dsl_expiry_course
        from expiries
    ),

    final as (
        select
            as_of_on,
            academy_code,
            staff_ref,
            role,
            safeguarding_role,
            works_with_children,
            start_date,
            leave_date,
            is_governor,
            is_staff,
            is_dsl_or_deputy,
            is_deputy_dsl,
            is_kcsie_part1_reader,
            is_kcsie_annex_b_reader,
            induction_deadline_on,
            first_qualifying_on,
            is_in_induction_window,
            last_course,
            last_completed_on,
            expires_on,
            is_training_in_date,
            is_governor or not (is_in_induction_window and not is_training_in_date)
                as is_training_judged,
            case
                when is_training_in_date
                    then if(expires_on <= as_of_on + 30, 'expiring', 'in_date')
                when is_staff and is_in_induction_window then 'induction_due'
                when last_completed_on is null then 'never_trained'
                else 'expired'
            end as training_status,
            last_dsl_full_on,
            dsl_full_expires_on,
            last_dsl_update_course,
            last_dsl_update_on,
            dsl_update_expires_on,
            dsl_expires_on,
            dsl_expiry_course,
            coalesce(as_of_on < dsl_expires_on, false) and is_dsl_or_deputy
                as is_dsl_training_in_date,
            case
                when not is_dsl_or_deputy then null
                when dsl_expires_on is null then 'never_trained'
                when dsl_expires_on <= as_of_on then 'expired'
                when dsl_expires_on <= as_of_on + 30 then 'expiring'
                else 'in_date'
            end as dsl_training_status,
            has_read_kcsie_part1,
            has_read_kcsie_annex_b,
            has_cse_awareness_in_date,
            has_online_safety_in_date,
            has_prevent_in_date
        from judged
    )

    select * from final
