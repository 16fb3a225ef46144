-- Why a figure moved: one row per row of the datasets behind it ($datasets) for the academies
-- in $academy_codes (trust-wide policy rows too) that was added, changed or retired between the
-- knowledge times $since and $until (product.md §2.5): known at $until but not at $since
-- (added), at $since but not at $until (retired), or known at both as different versions
-- (changed). by_file: the export that made the change.
-- Columns: dataset, academy_code, row_ref, change, changed_at, by_file.
-- Parameters: $datasets, $academy_codes, $since, $until.
-- Records: yes
with versions as (
    select *
    from row_versions()
    where list_contains($datasets::varchar[], dataset)
      and (list_contains($academy_codes::varchar[], academy_code) or academy_code = 'TRUST')
),

at_since as (
    select * from versions where is_known(known_from, known_until, $since::timestamp)
),

at_until as (
    select * from versions where is_known(known_from, known_until, $until::timestamp)
),

compared as (
    select
        coalesce(at_until.dataset, at_since.dataset) as dataset,
        coalesce(at_until.academy_code, at_since.academy_code) as academy_code,
        coalesce(at_until.row_ref, at_since.row_ref) as row_ref,
        case
            when at_since.row_ref is null then 'added'
            when at_until.row_ref is null then 'retired'
            else 'changed'
        end as change,
        coalesce(at_until.known_from, at_since.known_until) as changed_at,
        coalesce(at_until.ingest_id, at_since.retired_by) as by_ingest
    from at_since
    full join at_until
        on at_until.dataset = at_since.dataset
        and at_until.academy_code = at_since.academy_code
        and at_until.row_ref = at_since.row_ref
    where at_since.known_from is distinct from at_until.known_from
),

final as (
    select
        compared.dataset,
        compared.academy_code,
        compared.row_ref,
        compared.change,
        compared.changed_at,
        ingest_log.file_name as by_file
    from compared
    left join ingest_log on ingest_log.ingest_id = compared.by_ingest
)

select * from final
order by dataset, academy_code, change, row_ref
