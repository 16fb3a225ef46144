-- One row per academy in scope and role group, plus academy_code = 'TRUST' rows that add the
-- academies' counts: how many people are judged on safeguarding training at the as-of date and
-- how many of them are in date (the Training coverage heatmap), from the model training_status
-- that the training metrics read. Role groups teacher, support, leadership, principal,
-- volunteer and other are staff; 'all_staff' is every staff role together, so it equals
-- safeguarding_training_in_date_pct; 'governors' (governor and trustee) equals
-- governor_training_in_date_pct. Every academy gets every role group (0 people, null %).
-- Columns: academy_code, role_group, people_judged, people_in_date, in_date_pct.
-- Parameters: $windows (one), $academy_codes, $standards.
with scoped_academies as (
    select academy_code
    from academies
    where list_contains($academy_codes::varchar[], academy_code)
),

role_groups as (
    select unnest([
        'teacher', 'support', 'leadership', 'principal', 'volunteer', 'other',
        'all_staff', 'governors'
    ]) as role_group
),

judged as (
    select
        academy_code,
        is_governor,
        if(is_governor, 'governors', role) as role_group,
        is_training_in_date
    from training_status($windows, $standards)
    where is_training_judged
),

by_role as (
    select academy_code, role_group, is_training_in_date
    from judged
    union all
    select academy_code, 'all_staff' as role_group, is_training_in_date
    from judged
    where not is_governor
),

academy_counts as (
    select
        scoped_academies.academy_code,
        role_groups.role_group,
        count(by_role.academy_code) as people_judged,
        count(by_role.academy_code) filter (where by_role.is_training_in_date) as people_in_date
    from scoped_academies
    cross join role_groups
    left join by_role
        on by_role.academy_code = scoped_academies.academy_code
        and by_role.role_group = role_groups.role_group
    group by scoped_academies.academy_code, role_groups.role_group
),

-- The TRUST row adds numerators and denominators; it never averages percentages.
trust_counts as (
    select
        'TRUST' as academy_code,
        role_groups.role_group,
        coalesce(sum(academy_counts.people_judged), 0)::bigint as people_judged,
        coalesce(sum(academy_counts.people_in_date), 0)::bigint as people_in_date
    from role_groups
    left join academy_counts on academy_counts.role_group = role_groups.role_group
    group by role_groups.role_group
),

final as (
    select
        academy_code,
        role_group,
        people_judged,
        people_in_date,
        percent_1dp(people_in_date, people_judged) as in_date_pct
    from (
        select * from academy_counts
        union all
        select * from trust_counts
    )
)

select * from final
order by academy_code = 'TRUST', academy_code, role_group
