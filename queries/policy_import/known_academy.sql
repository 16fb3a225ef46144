-- Whether an academy code may own a policy document: an academy in the reference, or TRUST
-- (a trust-wide policy, which applies to every academy). One row: is_known.
-- Parameters: $academy_code
select
    $academy_code::varchar = 'TRUST'
    or exists (select 1 from academies where academy_code = $academy_code::varchar) as is_known
