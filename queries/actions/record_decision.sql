-- Adds one decision about a needs-attention item (never updates one: the register is a history).
-- Parameters: $item_key, $academy_code, $area, $owner_role, $owner_academy, $action, $target_on,
--   $status, $reason, $note, $decided_by, $decided_as, $decided_at.
insert into attention_decisions
select
    coalesce(max(decision_id), 0) + 1, $item_key, $academy_code, $area, $owner_role,
    $owner_academy, $action, $target_on, $status, $reason, $note, $decided_by, $decided_as,
    $decided_at
from attention_decisions
