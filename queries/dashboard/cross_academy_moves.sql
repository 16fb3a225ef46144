-- One row per pair of academies, from and to, that children known by a trust pseudonym moved
-- between (model pupil_chronology): the moves (a child's record at the receiving academy right
-- after one at the other) and the CSE concerns logged at the receiving academy after a child
-- came from the other, counted in the window by the date of the receiving academy's record.
-- Where a child came from is read from their whole history (the model over every record up to
-- the as-of date), so a move counts in the term its receiving record falls in and terms add up
-- to their year. Counts about children: suppressed for governors.
-- Parameters: $windows (one), $academy_codes (the receiving academies).
-- Suppress: moves, cse_concerns_after_move
with window_asked as (
    select unnest(
        $windows::struct(as_of date, date_from date, date_to date, known_at timestamp)[]
    ) as w
),

records as (
    select history.*
    from pupil_chronology(
        (
            select list(struct_pack(
                as_of := w.as_of,
                date_from := date '2000-01-01',
                date_to := w.as_of,
                known_at := w.known_at
            ))
            from window_asked
        )
    ) as history
    inner join window_asked
        on history.event_at::date between window_asked.w.date_from
        and least(window_asked.w.date_to, window_asked.w.as_of)
    where list_contains($academy_codes::varchar[], history.academy_code)
      and history.came_from_academy_code is not null
),

pairs as (
    select
        came_from_academy_code as from_academy_code,
        academy_code as to_academy_code,
        count(*) filter (where is_move) as moves,
        count(*) filter (where is_cse) as cse_concerns_after_move
    from records
    group by came_from_academy_code, academy_code
    having moves > 0 or cse_concerns_after_move > 0
),

final as (
    select * from pairs
)

select * from final
order by to_academy_code, from_academy_code
