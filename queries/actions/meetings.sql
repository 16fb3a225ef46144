-- One row per recorded meeting held before $before, newest first.
-- Parameters: $before (date).
with final as (
    select held_on, recorded_by, recorded_at from meetings
    where held_on < $before::date
)

select * from final
order by held_on desc
