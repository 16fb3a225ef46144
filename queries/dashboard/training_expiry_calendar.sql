-- One row per week ahead, academy, requirement and course: how many people in post at the
-- as-of date have training that stops being in date in that week (the expiry calendar), from
-- the model training_status that the training figures read. Week 0 is the 7 days after the
-- as-of date, week 1 the next 7, ... up to $weeks_ahead weeks; a week with no expiries has one
-- row with a null academy_code and people = 0, so every week shows.
-- requirement: staff (safeguarding training of staff in post), governor (governors and
-- trustees), dsl (DSL training of DSLs and deputies: a DSL can count twice in a week, once for
-- each). course is the course whose completion sets the expiry date.
-- Columns: week_no, week_starts_on, week_ends_on, academy_code, requirement, course, people.
-- Parameters: $windows (one), $as_of, $academy_codes, $weeks_ahead, $standards.
with weeks as (
    select
        week_no,
        $as_of::date + (1 + 7 * week_no)::integer as week_starts_on,
        $as_of::date + (7 + 7 * week_no)::integer as week_ends_on
    from range($weeks_ahead::bigint) as t(week_no)
),

people as (
    select *
    from training_status($windows, $standards)
    where list_contains($academy_codes::varchar[], academy_code)
),

expiries as (
    select
        academy_code,
        if(is_governor, 'governor', 'staff') as requirement,
        last_course as course,
        expires_on
    from people
    where expires_on is not null
    union all
    select academy_code, 'dsl' as requirement, dsl_expiry_course as course, dsl_expires_on
    from people
    where dsl_expires_on is not null
),

weekly as (
    select
        weeks.week_no,
        expiries.academy_code,
        expiries.requirement,
        expiries.course,
        count(*) as people
    from expiries
    inner join weeks
        on expiries.expires_on between weeks.week_starts_on and weeks.week_ends_on
    group by all
),

final as (
    select
        weeks.week_no,
        weeks.week_starts_on,
        weeks.week_ends_on,
        weekly.academy_code,
        weekly.requirement,
        weekly.course,
        coalesce(weekly.people, 0) as people
    from weeks
    left join weekly on weekly.week_no = weeks.week_no
)

select * from final
order by week_no, academy_code, requirement, course
