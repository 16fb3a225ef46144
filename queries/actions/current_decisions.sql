-- One row per needs-attention item of the academies given: its latest decision as known at
-- $known_at (null: now), with when the item was first decided on.
-- Parameters: $academy_codes (list of academy codes), $known_at (timestamp or null).
with known as (
    select * from attention_decisions
    where academy_code in (select unnest($academy_codes::varchar[]))
        and ($known_at::timestamp is null or decided_at <= $known_at::timestamp)
),

ranked as (
    select
        *,
        row_number() over (partition by item_key order by decided_at desc, decision_id desc)
            as newest_first,
        min(decided_at) over (partition by item_key) as first_decided_at,
        count(*) over (partition by item_key) as decisions
    from known
),

final as (
    select
        item_key, academy_code, area, owner_role, owner_academy, action, target_on, status,
        reason, note, decided_by, decided_as, decided_at, first_decided_at, decisions
    from ranked
    where newest_first = 1
)

select * from final
order by item_key
