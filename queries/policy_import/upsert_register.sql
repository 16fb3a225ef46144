-- Adds or updates the policy register row a document describes: the document's values where it
-- gives them, the row's own values where it does not (a document never blanks a field).
-- last_reviewed_on is the document's last review, else its issue date (a new version is a
-- review); next_review_on is the end of the document's next review period ("March 2027" is due
-- by 31 March 2027), else last_reviewed_on + the review cycle, as for any register row.
-- policy_type: derived from the document's title, unless that gives `other` and the row has a
-- type. The row is written with no ingest_id: its provenance is in policy_documents.
-- A script: the row as it would be (register_row), only if it differs from the current version
-- (changed_row); that version is superseded and the row added as the current one, known from
-- $imported_at (product.md §2.5): every version of the register is kept.
-- Parameters: $academy_code, $policy_key, $policy_title, $policy_type, $last_reviewed_on,
-- $next_review_on, $review_cycle_months, $category, $owner, $approved_by, $issued_on,
-- $kcsie_edition, $imported_at.
create or replace temp table register_row as
select * from (
    with existing as (
        select *
        from policies
        where academy_code = $academy_code::varchar and policy_key = $policy_key::varchar
    ),

    given as (
        select
            $academy_code::varchar as academy_code,
            $policy_key::varchar as policy_key,
            $policy_title::varchar as policy_title,
            $policy_type::varchar as policy_type,
            $last_reviewed_on::date as last_reviewed_on,
            $next_review_on::date as next_review_on,
            $review_cycle_months::integer as review_cycle_months,
            $category::varchar as category,
            $owner::varchar as owner,
            $approved_by::varchar as approved_by,
            $issued_on::date as issued_on,
            $kcsie_edition::integer as kcsie_edition_referenced
    ),

    merged as (
        select
            given.academy_code,
            given.policy_key,
            coalesce(existing.policy_title, given.policy_title) as policy_title,
            case
                when given.policy_type = 'other' and existing.policy_type is not null
                    then existing.policy_type
                else given.policy_type
            end as policy_type,
            coalesce(given.last_reviewed_on, existing.last_reviewed_on) as last_reviewed_on,
            coalesce(given.review_cycle_months, existing.review_cycle_months, 12)
                as review_cycle_months,
            given.next_review_on as given_next_review_on,
            existing.next_review_on as existing_next_review_on,
            coalesce(given.category, existing.category) as category,
            coalesce(given.owner, existing.owner) as owner,
            coalesce(given.approved_by, existing.approved_by) as approved_by,
            coalesce(given.issued_on, existing.issued_on) as issued_on,
            coalesce(given.kcsie_edition_referenced, existing.kcsie_edition_referenced)
                as kcsie_edition_referenced,
            existing.published_on_website,
            given.last_reviewed_on is not null as has_document_date
        from given
        left join existing on true
    ),

    final as (
        select
            academy_code,
            policy_key,
            policy_title,
            policy_type,
            last_reviewed_on,
            coalesce(
                given_next_review_on,
                case
                    when has_document_date
                        then (last_reviewed_on + to_months(review_cycle_months))::date
                end,
                existing_next_review_on
            ) as next_review_on,
            review_cycle_months,
            category,
            owner,
            approved_by,
            issued_on,
            kcsie_edition_referenced,
            published_on_website,
            null::integer as ingest_id
        from merged
    )

    select * from final
);

create or replace temp table changed_row as
select * from register_row
except
select * from policies
where academy_code = $academy_code::varchar and policy_key = $policy_key::varchar;

update policies_versions
set known_until = $imported_at::timestamp
where known_until is null
  and academy_code = $academy_code::varchar
  and policy_key = $policy_key::varchar
  and exists (select 1 from changed_row);

insert into policies_versions
select *, $imported_at::timestamp as known_from, null::timestamp as known_until,
    null::integer as retired_by
from changed_row
