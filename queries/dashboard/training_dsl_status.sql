-- One row per academy in scope, plus an academy_code = 'TRUST' row adding them up: the DSLs
-- and deputy DSLs in post at the as-of date and how many of each have DSL training in date,
-- from the model training_status that dsl_training_in_date_pct reads.
-- Columns: academy_code, dsls_in_post, dsls_in_date, deputies_in_post, deputies_in_date,
-- dsl_training_in_date_pct (DSLs and deputies together, percent_1dp, as the metrics round).
-- Parameters: $windows (one), $academy_codes, $standards.
with scoped_academies as (
    select academy_code
    from academies
    where list_contains($academy_codes::varchar[], academy_code)
),

dsls as (
    select academy_code, safeguarding_role, is_dsl_training_in_date
    from training_status($windows, $standards)
    where is_dsl_or_deputy
),

academy_counts as (
    select
        scoped_academies.academy_code,
        count(*) filter (where dsls.safeguarding_role = 'dsl') as dsls_in_post,
        count(*) filter (
            where dsls.safeguarding_role = 'dsl' and dsls.is_dsl_training_in_date
        ) as dsls_in_date,
        count(*) filter (where dsls.safeguarding_role = 'deputy_dsl') as deputies_in_post,
        count(*) filter (
            where dsls.safeguarding_role = 'deputy_dsl' and dsls.is_dsl_training_in_date
        ) as deputies_in_date
    from scoped_academies
    left join dsls on dsls.academy_code = scoped_academies.academy_code
    group by scoped_academies.academy_code
),

trust_counts as (
    select
        'TRUST' as academy_code,
        coalesce(sum(dsls_in_post), 0)::bigint as dsls_in_post,
        coalesce(sum(dsls_in_date), 0)::bigint as dsls_in_date,
        coalesce(sum(deputies_in_post), 0)::bigint as deputies_in_post,
        coalesce(sum(deputies_in_date), 0)::bigint as deputies_in_date
    from academy_counts
),

both_counts as (
    select * from academy_counts
    union all
    select * from trust_counts
),

final as (
    select
        *,
        percent_1dp(dsls_in_date + deputies_in_date, dsls_in_post + deputies_in_post)
            as dsl_training_in_date_pct
    from both_counts
)

select * from final
order by academy_code = 'TRUST', academy_code
