-- Whether this exact file (by SHA-256) is already the document in force for its academy and
-- register row: re-importing it then changes nothing. One row per such document (zero or one).
-- Parameters: $academy_code, $sha256
with latest as (
    select academy_code, policy_key, max(document_id) as document_id
    from policy_documents
    where academy_code = $academy_code::varchar
    group by academy_code, policy_key
),

final as (
    select documents.document_id, documents.policy_key
    from policy_documents as documents
    inner join latest using (document_id)
    where documents.sha256 = $sha256::varchar
)

select * from final
