-- One row per decision ever made about the academies' items, oldest first: the audit trail.
-- Parameters: $academy_codes (list of academy codes), $item_key (one key, or null for all).
-- Records: yes
with final as (
    select
        decision_id, item_key, academy_code, area, owner_role, owner_academy, action, target_on,
        status, reason, note, decided_by, decided_as, decided_at
    from attention_decisions
    where academy_code in (select unnest($academy_codes::varchar[]))
        and ($item_key::varchar is null or item_key = $item_key::varchar)
)

select * from final
order by decided_at, decision_id
