-- One row per kind of warning raised by staged rows that loaded, with how many rows raised it.
-- Reads temp table staged. No parameters.
with notes as (
    select unnest(notes) as note
    from staged
    where len(faults) = 0
)
select note, count(*) as rows_noted
from notes
group by note
order by note
