-- What a purge would remove (its dry run): per dataset and academy, the rows of temp table
-- purgeable and their versions. No parameters.
select
    purgeable.dataset,
    purgeable.academy_code,
    count(distinct purgeable.row_key) as rows_purged,
    count(*) as versions_purged
from purgeable
inner join row_versions() as versions
    on versions.dataset = purgeable.dataset
    and versions.academy_code = purgeable.academy_code
    and versions.row_ref = purgeable.row_key
group by purgeable.dataset, purgeable.academy_code
order by purgeable.dataset, purgeable.academy_code
