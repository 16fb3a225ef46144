-- One row per register row of one policy type (the policy whose commitments are shown) for the
-- academies in scope and trust-wide, with its review status at the as-of date from the model
-- policy_review_status, as on the policy review page. is_documented: an imported document
-- backs it (file_name: the latest one).
-- Columns: academy_code, policy_title, last_reviewed_on, next_review_on, review_cycle_months,
-- status, is_documented, file_name.
-- Parameters: $windows (one), $academy_codes, $policy_type, $standards.
with register as (
    select *
    from policy_review_status($windows, $standards)
    where policy_type = $policy_type::varchar
      and (is_trust_wide or list_contains($academy_codes::varchar[], academy_code))
),

latest_documents as (
    select academy_code, policy_key, arg_max(file_name, document_id) as file_name
    from policy_documents
    group by academy_code, policy_key
),

final as (
    select
        register.academy_code,
        register.policy_title,
        register.last_reviewed_on,
        register.next_review_on,
        register.review_cycle_months,
        register.status,
        latest_documents.file_name is not null as is_documented,
        latest_documents.file_name
    from register
    left join latest_documents using (academy_code, policy_key)
)

select * from final
order by academy_code = 'TRUST' desc, academy_code, policy_title
