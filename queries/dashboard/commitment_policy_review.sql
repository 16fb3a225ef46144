-- One row per register row of one policy type (the policy whose commitments are shown) for the
-- academies in scope and trust-wide, with its review status at the as-of date, as on the
-- policy review page: overdue (next review before the as-of date), due_soon (within
-- $policy_due_soon_days), in_date, or no_date. is_documented: an imported document backs it.
-- Columns: academy_code, policy_title, last_reviewed_on, next_review_on, review_cycle_months,
-- status, is_documented, file_name.
-- Parameters: $as_of, $academy_codes, $policy_type, $policy_due_soon_days
with scoped as (
    select *
    from policies
    where policy_type = $policy_type::varchar
      and (academy_code = 'TRUST' or list_contains($academy_codes::varchar[], academy_code))
),

latest_documents as (
    select academy_code, policy_key, arg_max(file_name, document_id) as file_name
    from policy_documents
    group by academy_code, policy_key
),

final as (
    select
        scoped.academy_code,
        scoped.policy_title,
        scoped.last_reviewed_on,
        scoped.next_review_on,
        scoped.review_cycle_months,
        case
            when scoped.next_review_on is null then 'no_date'
            when scoped.next_review_on < $as_of::date then 'overdue'
            when scoped.next_review_on <= $as_of::date + $policy_due_soon_days::integer
                then 'due_soon'
            else 'in_date'
        end as status,
        latest_documents.file_name is not null as is_documented,
        latest_documents.file_name
    from scoped
    left join latest_documents using (academy_code, policy_key)
)

select * from final
order by academy_code = 'TRUST' desc, academy_code, policy_title
