-- Policy register metrics of product.md §4, all states at the as-of date, from the models
-- policy_review_status and required_policy_coverage. One row per window, academy and metric,
-- plus an academy_code = 'TRUST' row per window and metric. An academy counts its own register
-- rows; the TRUST row counts every row in scope, trust-wide rows (academy_code = 'TRUST')
-- included. A row with no next review date is neither overdue nor due soon.
-- policies_published_pct: register rows with published_on_website true (blank: not published);
-- policies_approved_pct: rows whose approved_by is one of $policy_approving_bodies, ignoring
-- case, spaces and punctuation (blank: not approved).
-- Columns: as_of_on, academy_code, metric, value, numerator, denominator.
-- Parameters: $windows, $academy_codes, $standards, $policy_approving_bodies.
with windows as (
    select * from windows($windows)
),

scoped_academies as (
    select academy_code
    from academies
    where list_contains($academy_codes::varchar[], academy_code)
),

-- The academies' own rows and the trust-wide rows (which apply to every academy).
review_states as (
    select
        register.as_of_on,
        register.academy_code,
        count(*) filter (where register.status = 'overdue') as policies_overdue,
        count(*) filter (where register.status = 'due_soon') as policies_due_soon,
        count(*) as register_rows,
        count(*) filter (where register.published_on_website) as published_rows,
        count(*) filter (
            where list_contains(
                list_transform(
                    $policy_approving_bodies::varchar[],
                    lambda body: regexp_replace(lower(body), '[^a-z0-9]', '', 'g')
                ),
                regexp_replace(lower(register.approved_by), '[^a-z0-9]', '', 'g')
            )
        ) as approved_rows
    from policy_review_status($windows, $standards) as register
    where register.is_trust_wide
       or list_contains($academy_codes::varchar[], register.academy_code)
    group by register.as_of_on, register.academy_code
),

missing_types as (
    select
        coverage.as_of_on,
        coverage.academy_code,
        count(*) filter (where coverage.coverage = 'missing') as required_policies_missing
    from required_policy_coverage($windows, $standards) as coverage
    inner join scoped_academies using (academy_code)
    group by coverage.as_of_on, coverage.academy_code
),

academy_totals as (
    select
        windows.as_of_on,
        scoped_academies.academy_code,
        coalesce(review_states.policies_overdue, 0) as policies_overdue,
        coalesce(review_states.policies_due_soon, 0) as policies_due_soon,
        coalesce(review_states.register_rows, 0) as register_rows,
        coalesce(review_states.published_rows, 0) as published_rows,
        coalesce(review_states.approved_rows, 0) as approved_rows,
        coalesce(missing_types.required_policies_missing, 0) as required_policies_missing
    from windows
    cross join scoped_academies
    left join review_states
        on review_states.as_of_on = windows.as_of_on
        and review_states.academy_code = scoped_academies.academy_code
    left join missing_types
        on missing_types.as_of_on = windows.as_of_on
        and missing_types.academy_code = scoped_academies.academy_code
),

-- The TRUST row: the academies' rows plus the trust-wide rows; missing types summed over
-- academies.
trust_totals as (
    select
        windows.as_of_on,
        'TRUST' as academy_code,
        coalesce(sum(review_states.policies_overdue), 0) as policies_overdue,
        coalesce(sum(review_states.policies_due_soon), 0) as policies_due_soon,
        coalesce(sum(review_states.register_rows), 0) as register_rows,
        coalesce(sum(review_states.published_rows), 0) as published_rows,
        coalesce(sum(review_states.approved_rows), 0) as approved_rows,
        (
            select coalesce(sum(missing_types.required_policies_missing), 0)
            from missing_types
            where missing_types.as_of_on = windows.as_of_on
        ) as required_policies_missing
    from windows
    left join review_states on review_states.as_of_on = windows.as_of_on
    group by windows.as_of_on
),
totals as (
    select * from academy_totals
    union all by name
    select * from trust_totals
),

measures as (
    select
        as_of_on,
        academy_code,
        unnest([
            {
                'metric': 'policies_overdue', 'is_pct': false,
                'value': policies_overdue::double,
                'numerator': null::bigint, 'denominator': null::bigint
            },
            {
                'metric': 'policies_due_soon', 'is_pct': false,
                'value': policies_due_soon::double,
                'numerator': null::bigint, 'denominator': null::bigint
            },
            {
                'metric': 'required_policies_missing', 'is_pct': false,
                'value': required_policies_missing::double,
                'numerator': null::bigint, 'denominator': null::bigint
            },
            {
                'metric': 'policies_published_pct', 'is_pct': true,
                'value': null::double,
                'numerator': published_rows, 'denominator': register_rows
            },
            {
                'metric': 'policies_approved_pct', 'is_pct': true,
                'value': null::double,
                'numerator': approved_rows, 'denominator': register_rows
            }
        ], recursive := true)
    from totals
),

final as (
    select
        as_of_on,
        academy_code,
        metric,
        case when is_pct then percent_1dp(numerator, denominator) else value end as value,
        numerator,
        denominator
    from measures
)

select * from final
