-- One row per quarantined line and fault of one ingest: where it was and what was wrong (the
-- quarantine never holds the value itself). Only for an ingest of the academies in view.
-- Parameters: $ingest_id, $academy_codes
with chosen as (
    select ingest_id, file_name
    from ingest_log
    where ingest_id = $ingest_id
      and (academy_code is null or academy_code = 'TRUST'
           or list_contains($academy_codes, academy_code))
),

final as (
    select
        quarantine.line_no,
        quarantine.column_name,
        quarantine.reason
    from quarantine
    inner join chosen on chosen.ingest_id = quarantine.ingest_id
)

select * from final
order by line_no, column_name nulls last, reason
