-- One row per academy and academy-level dataset: when an export last arrived (loaded, or an
-- identical re-export), how many days ago at $as_of, and whether that is stale.
-- Parameters: $as_of (date), $stale_after_days
with academies_in_trust as (
    select academy_code, academy_name from academies
),

datasets as (
    select unnest(['concerns', 'referrals', 'staff', 'training', 'policies']) as dataset
),

exports as (
    select
        coverage.academy_code,
        log.dataset,
        max(log.ingested_at) as last_export_at
    from ingest_coverage as coverage
    inner join ingest_log as log on log.ingest_id = coverage.ingest_id
    where log.status in ('loaded', 'unchanged')
    group by coverage.academy_code, log.dataset
),

final as (
    select
        academies_in_trust.academy_code,
        academies_in_trust.academy_name,
        datasets.dataset,
        exports.last_export_at,
        date_diff('day', exports.last_export_at::date, $as_of::date) as days_since_export,
        coalesce(
            date_diff('day', exports.last_export_at::date, $as_of::date) > $stale_after_days,
            true
        ) as is_stale
    from academies_in_trust
    cross join datasets
    left join exports
        on exports.academy_code = academies_in_trust.academy_code
        and exports.dataset = datasets.dataset
)

select * from final
order by academy_code, dataset
