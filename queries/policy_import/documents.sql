-- One row per register row with an imported document in force (the latest imported), for the
-- academies in scope and trust-wide: where it came from and what it did not say.
-- Columns: academy_code, policy_title, file_name, file_type, sha256, imported_at, imported_by,
-- issued_text, next_review_text, owner, amendments, linked_policies, guidance_cited, not_found.
-- Parameters: $academy_codes
with current_documents as (
    select documents.*
    from policy_documents as documents
    inner join (
        select max(document_id) as document_id
        from policy_documents
        group by academy_code, policy_key
    ) as latest using (document_id)
    where documents.academy_code = 'TRUST'
       or list_contains($academy_codes::varchar[], documents.academy_code)
),

counts as (
    select
        current_documents.document_id,
        (select count(*) from policy_amendments as a
         where a.document_id = current_documents.document_id) as amendments,
        (select count(*) from policy_links as l
         where l.document_id = current_documents.document_id) as linked_policies,
        (select count(*) from policy_guidance as g
         where g.document_id = current_documents.document_id and g.kind = 'guidance')
            as guidance_cited
    from current_documents
),

final as (
    select
        current_documents.academy_code,
        coalesce(policies.policy_title, current_documents.title) as policy_title,
        current_documents.file_name,
        current_documents.file_type,
        current_documents.sha256,
        current_documents.imported_at,
        current_documents.imported_by,
        current_documents.issued_text,
        current_documents.next_review_text,
        current_documents.owner,
        counts.amendments,
        counts.linked_policies,
        counts.guidance_cited,
        array_to_string(
            list_transform(current_documents.not_found, lambda f: replace(f, '_', ' ')), ', '
        ) as not_found
    from current_documents
    inner join counts using (document_id)
    left join policies using (academy_code, policy_key)
)

select * from final
order by academy_code = 'TRUST' desc, academy_code, policy_title
