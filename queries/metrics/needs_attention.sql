-- The weekly meeting's action list: one row per thing to act on, built from the same models as
-- the figures, so that each item counts against at most one metric (`metric`) and, for every
-- academy and metric, the items number exactly the figure's shortfall: a count metric's value
-- (csc_feedback_overdue, training_expiring_30d, policies_overdue, policies_due_soon,
-- required_policies_missing) or a percentage's denominator - numerator
-- (safeguarding_training_in_date_pct, dsl_training_in_date_pct, governor_training_in_date_pct).
-- Items that explain no metric have a null metric:
--   DSL review overdue     a concern past its review deadline and still not reviewed. A review
--                          that was late but is done is history, counted by
--                          dsl_review_on_time_pct, not an action.
--   induction due          a starter inside the induction window with nothing in date
--   DSL/governor training expiring within 30 days (training_expiring_30d is staff training)
--   Child-protection file not sent   a leaver's file past its deadline and still not sent (one
--                          sent late is history, counted by cp_file_sent_on_time_pct)
-- key is stable from day to day for the same underlying thing, e.g.
-- referral:OAK:R-123:csc_feedback. Overdue is counted in working days for statutory deadlines
-- (overdue_working_days: 0 = due on the as-of date) and in calendar days for the others
-- (overdue_days).
-- Columns: priority, key, area, metric, academy_code, item, detail, due_on,
-- overdue_working_days, overdue_days.
-- Parameters: $windows (one), $academy_codes (whose records the viewer may see),
-- $register_academy_codes (whose policy register the viewer may see), $standards.
-- Records: yes
with referral_items as (
    select
        1 as priority,
        'referral:' || academy_code || ':' || referral_id || ':csc_feedback' as key,
        'Feedback from children''s social care overdue' as area,
        'csc_feedback_overdue' as metric,
        academy_code,
        'Referral ' || referral_id || ' (' || coalesce(pupil_ref, 'no pupil reference') || ')'
            as item,
        'No feedback yet; '
        || if(is_followed_up, 'chased on ' || strftime(followed_up_at, '%-d %b %Y'), 'not chased')
            as detail,
        feedback_deadline_on as due_on,
        overdue_working_days,
        null::integer as overdue_days
    from referral_deadlines($windows, $standards)
    where is_feedback_overdue
      and list_contains($academy_codes::varchar[], academy_code)
),

review_items as (
    select
        2 as priority,
        'concern:' || academy_code || ':' || concern_id || ':dsl_review' as key,
        'DSL review overdue' as area,
        null::varchar as metric,
        academy_code,
        'Concern ' || concern_id || ' (' || pupil_ref || ')' as item,
        'Not yet reviewed by the DSL; category: ' || value_label(category) as detail,
        review_deadline_on as due_on,
        late_working_days as overdue_working_days,
        null::integer as overdue_days
    from concern_reviews($windows, $standards)
    where review_status = 'outstanding'
      and list_contains($academy_codes::varchar[], academy_code)
),

transfer_items as (
    select
        2 as priority,
        'transfer:' || academy_code || ':' || trust_pupil_ref || ':' || strftime(left_on, '%Y-%m-%d')
        || ':cp_file' as key,
        'Child-protection file not sent' as area,
        null::varchar as metric,
        academy_code,
        'Leaver ' || trust_pupil_ref || coalesce(' (' || pupil_ref || ')', '') as item,
        'Left ' || strftime(left_on, '%-d %b %Y') || ' for '
        || coalesce(to_academy_code, 'a school outside the trust')
        || '; the file has not been sent' as detail,
        cp_file_deadline_on as due_on,
        overdue_working_days,
        null::integer as overdue_days
    from transfer_deadlines($windows, $standards)
    where file_status = 'overdue'
      and list_contains($academy_codes::varchar[], academy_code)
),

people as (
    select *
    from training_status($windows, $standards)
    where list_contains($academy_codes::varchar[], academy_code)
),

dsl_items as (
    select
        3 as priority,
        'staff:' || academy_code || ':' || staff_ref || ':dsl_training' as key,
        if(
            dsl_training_status = 'expiring',
            'DSL training expiring within 30 days',
            'DSL training out of date'
        ) as area,
        if(dsl_training_status = 'expiring', null, 'dsl_training_in_date_pct') as metric,
        academy_code,
        value_label(safeguarding_role) || ' ' || staff_ref as item,
        case dsl_training_status
            when 'never_trained' then 'No full DSL course on record'
            when 'expired' then 'DSL training ran out on ' || strftime(dsl_expires_on, '%-d %b %Y')
            else 'Runs out on ' || strftime(dsl_expires_on, '%-d %b %Y')
        end as detail,
        dsl_expires_on as due_on,
        null::integer as overdue_working_days,
        case when dsl_training_status = 'expired' then as_of_on - dsl_expires_on end
            as overdue_days
    from people
    where dsl_training_status in ('never_trained', 'expired', 'expiring')
),

training_items as (
    select
        case
            when training_status = 'expiring' then 5
            when training_status = 'induction_due' then 6
            else 4
        end as priority,
        'staff:' || academy_code || ':' || staff_ref || ':'
        || if(is_governor, 'governor_training', 'safeguarding_training') as key,
        case
            when is_governor and training_status = 'expiring'
                then 'Governor training expiring within 30 days'
            when is_governor then 'Governor training out of date'
            when training_status = 'expiring' then 'Staff training expiring within 30 days'
            when training_status = 'induction_due' then 'Induction training due'
            else 'Staff training out of date'
        end as area,
        case
            when is_governor and training_status = 'expiring' then null
            when is_governor then 'governor_training_in_date_pct'
            when training_status = 'expiring' then 'training_expiring_30d'
            when training_status = 'induction_due' then null
            else 'safeguarding_training_in_date_pct'
        end as metric,
        academy_code,
        value_label(role) || ' ' || staff_ref as item,
        case training_status
            when 'never_trained' then 'No qualifying course on record'
            when 'induction_due'
                then 'Started ' || strftime(start_date, '%-d %b %Y')
                || '; induction training due by ' || strftime(induction_deadline_on, '%-d %b %Y')
            else
                if(training_status = 'expired', 'Ran out on ', 'Runs out on ')
                || strftime(expires_on, '%-d %b %Y') || '; last course '
                || value_label(last_course)
        end as detail,
        if(training_status = 'induction_due', induction_deadline_on, expires_on) as due_on,
        null::integer as overdue_working_days,
        case when training_status = 'expired' then as_of_on - expires_on end as overdue_days
    from people
    where training_status in ('never_trained', 'expired', 'expiring', 'induction_due')
),

missing_policy_items as (
    select
        7 as priority,
        'policy:' || academy_code || ':' || policy_type || ':missing' as key,
        'Required policy missing' as area,
        'required_policies_missing' as metric,
        academy_code,
        value_label(policy_type) as item,
        'Neither the academy nor the trust has this policy in the register' as detail,
        null::date as due_on,
        null::integer as overdue_working_days,
        null::integer as overdue_days
    from required_policy_coverage($windows, $standards)
    where coverage = 'missing'
      and list_contains($register_academy_codes::varchar[], academy_code)
),

review_due_items as (
    select
        if(status = 'overdue', 8, 9) as priority,
        'policy:' || academy_code || ':' || policy_key || ':review' as key,
        if(status = 'overdue', 'Policy review overdue', 'Policy review due soon') as area,
        if(status = 'overdue', 'policies_overdue', 'policies_due_soon') as metric,
        academy_code,
        policy_title as item,
        'Owner: ' || coalesce(owner, 'not recorded') as detail,
        next_review_on as due_on,
        null::integer as overdue_working_days,
        case when status = 'overdue' then -days_to_review end as overdue_days
    from policy_review_status($windows, $standards)
    where status in ('overdue', 'due_soon')
      and (is_trust_wide or list_contains($register_academy_codes::varchar[], academy_code))
),

final as (
    select * from referral_items
    union all by name
    select * from review_items
    union all by name
    select * from transfer_items
    union all by name
    select * from dsl_items
    union all by name
    select * from training_items
    union all by name
    select * from missing_policy_items
    union all by name
    select * from review_due_items
)

select
    priority, key, area, metric, academy_code, item, detail, due_on,
    overdue_working_days, overdue_days
from final
order by
    priority,
    coalesce(overdue_working_days, overdue_days) desc nulls last,
    due_on nulls last,
    academy_code,
    key
