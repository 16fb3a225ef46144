-- Policy register metrics of product.md §4, all states at the as-of date. One row per snapshot,
-- academy and metric, plus an academy_code = 'TRUST' row per snapshot and metric.
-- An academy counts its own register rows; the TRUST row counts every row in scope, trust-wide
-- rows (academy_code = 'TRUST' in the register) included. A row with no next review date is
-- neither overdue nor due soon. Register dates are not subject to the "not yet happened" rule.
-- Columns: as_of_on, academy_code, metric, value, numerator, denominator.
-- Parameters: $as_of_dates, $from_dates, $to_dates (parallel lists, one snapshot each; the
-- window is not used), $academy_codes, $policy_due_soon_days, $required_policy_types.
with snapshots as (
    select
        unnest($as_of_dates::date[]) as as_of_on,
        unnest($from_dates::date[]) as from_on,
        unnest($to_dates::date[]) as to_on
),

scoped_academies as (
    select academy_code
    from academies
    where list_contains($academy_codes::varchar[], academy_code)
),

-- The academies' own rows and the trust-wide rows (which apply to every academy).
scoped_policies as (
    select
        policies.academy_code,
        policies.policy_type,
        policies.next_review_on,
        policies.academy_code = 'TRUST' as is_trust_wide
    from policies
    left join scoped_academies on scoped_academies.academy_code = policies.academy_code
    where scoped_academies.academy_code is not null or policies.academy_code = 'TRUST'
),

review_states as (
    select
        snapshots.as_of_on,
        scoped_policies.academy_code,
        count(*) filter (
            where scoped_policies.next_review_on < snapshots.as_of_on
        ) as policies_overdue,
        count(*) filter (
            where scoped_policies.next_review_on between snapshots.as_of_on
            and snapshots.as_of_on + $policy_due_soon_days::integer
        ) as policies_due_soon
    from scoped_policies
    cross join snapshots
    group by snapshots.as_of_on, scoped_policies.academy_code
),

required_types as (
    select unnest($required_policy_types::varchar[]) as policy_type
),

-- A required type is present, whatever its review status, when the academy or the trust has a
-- register row of that type.
missing_types as (
    select
        scoped_academies.academy_code,
        count(*) as required_policies_missing
    from scoped_academies
    cross join required_types
    where not exists (
        select 1
        from scoped_policies
        where scoped_policies.policy_type = required_types.policy_type
        and scoped_policies.academy_code in (scoped_academies.academy_code, 'TRUST')
    )
    group by scoped_academies.academy_code
),

academy_totals as (
    select
        snapshots.as_of_on,
        scoped_academies.academy_code,
        coalesce(review_states.policies_overdue, 0) as policies_overdue,
        coalesce(review_states.policies_due_soon, 0) as policies_due_soon,
        coalesce(missing_types.required_policies_missing, 0) as required_policies_missing
    from snapshots
    cross join scoped_academies
    left join review_states
        on review_states.as_of_on = snapshots.as_of_on
        and review_states.academy_code = scoped_academies.academy_code
    left join missing_types on missing_types.academy_code = scoped_academies.academy_code
),

-- The TRUST row: the academies' rows plus the trust-wide rows; missing types summed over
-- academies.
trust_totals as (
    select
        snapshots.as_of_on,
        'TRUST' as academy_code,
        coalesce(sum(review_states.policies_overdue), 0) as policies_overdue,
        coalesce(sum(review_states.policies_due_soon), 0) as policies_due_soon,
        (
            select coalesce(sum(missing_types.required_policies_missing), 0)
            from missing_types
        ) as required_policies_missing
    from snapshots
    left join review_states on review_states.as_of_on = snapshots.as_of_on
    group by snapshots.as_of_on
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
            {'metric': 'policies_overdue', 'value': policies_overdue::double},
            {'metric': 'policies_due_soon', 'value': policies_due_soon::double},
            {
                'metric': 'required_policies_missing',
                'value': required_policies_missing::double
            }
        ], recursive := true)
    from totals
),

final as (
    select
        as_of_on,
        academy_code,
        metric,
        value,
        null::bigint as numerator,
        null::bigint as denominator
    from measures
)

select * from final
