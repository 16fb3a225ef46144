-- One row per academy in $academy_codes and academy-level dataset: when an export last
-- arrived (loaded, or an identical re-export) by the end of the as-of date, the file it came
-- in, how many days ago that was, whether that is stale, how many rows the database holds and
-- the latest date in them. An export after the as-of date has not happened yet (product.md §3).
-- One query for the status command (every academy), the Data page and the overview's
-- needs-attention list (the academies in view).
-- Exports and rows count as the database stood at the knowledge time $known_at (null: now).
-- Parameters: $as_of (date), $stale_after_days, $academy_codes, $known_at.
-- Suppress: rows_held
with academies_in_view as (
    select academy_code, academy_name
    from academies
    where list_contains($academy_codes, academy_code)
),

datasets as (
    select unnest(['concerns', 'referrals', 'staff', 'training', 'policies']) as dataset
),

exports as (
    select
        coverage.academy_code,
        log.dataset,
        log.ingested_at,
        log.file_name,
        row_number() over (
            partition by coverage.academy_code, log.dataset
            order by log.ingested_at desc, log.ingest_id desc
        ) as recency
    from ingest_coverage as coverage
    inner join ingest_log as log on log.ingest_id = coverage.ingest_id
    where log.status in ('loaded', 'unchanged')
      and log.ingested_at < $as_of::date + 1
      and log.ingested_at <= coalesce($known_at::timestamp, timestamp '9999-12-31')
      and list_contains($academy_codes, coverage.academy_code)
),

last_export as (
    select academy_code, dataset, ingested_at as last_export_at, file_name as last_file_name
    from exports
    where recency = 1
),

-- What the database held at the knowledge time, with the latest date a record carries: a
-- concern logged, a referral made, a member of staff starting, a course completed, a policy
-- reviewed.
known as (
    select coalesce($known_at::timestamp, timestamp '9999-12-31') as known_at
),

held as (
    select academy_code, 'concerns' as dataset, count(*) as rows_held,
        max(logged_at)::date as latest_record_on
    from concerns_versions, known
    where is_known(known_from, known_until, known.known_at)
      and list_contains($academy_codes, academy_code)
    group by academy_code
    union all
    select academy_code, 'referrals', count(*), max(referred_at)::date
    from referrals_versions, known
    where is_known(known_from, known_until, known.known_at)
      and list_contains($academy_codes, academy_code)
    group by academy_code
    union all
    select academy_code, 'staff', count(*), max(start_date)
    from staff_versions, known
    where is_known(known_from, known_until, known.known_at)
      and list_contains($academy_codes, academy_code)
    group by academy_code
    union all
    select academy_code, 'training', count(*), max(completed_on)
    from training_versions, known
    where is_known(known_from, known_until, known.known_at)
      and list_contains($academy_codes, academy_code)
    group by academy_code
    union all
    select academy_code, 'policies', count(*), max(last_reviewed_on)
    from policies_versions, known
    where is_known(known_from, known_until, known.known_at)
      and list_contains($academy_codes, academy_code)
    group by academy_code
),

final as (
    select
        academies_in_view.academy_code,
        academies_in_view.academy_name,
        datasets.dataset,
        last_export.last_export_at,
        last_export.last_file_name,
        date_diff('day', last_export.last_export_at::date, $as_of::date) as days_since_export,
        coalesce(
            date_diff('day', last_export.last_export_at::date, $as_of::date) > $stale_after_days,
            true
        ) as is_stale,
        coalesce(held.rows_held, 0) as rows_held,
        held.latest_record_on
    from academies_in_view
    cross join datasets
    left join last_export
        on last_export.academy_code = academies_in_view.academy_code
        and last_export.dataset = datasets.dataset
    left join held
        on held.academy_code = academies_in_view.academy_code
        and held.dataset = datasets.dataset
)

select * from final
order by academy_code, dataset
