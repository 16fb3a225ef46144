-- Records one imported policy document: provenance and the fields extracted from it.
-- Parameters: $document_id, $academy_code, $policy_key, $file_name, $file_type, $sha256,
-- $imported_at, $imported_by, $title, $is_title_from_document, $issued_text, $issued_on,
-- $issued_until, $last_reviewed_text, $last_reviewed_on, $next_review_text, $next_review_from,
-- $next_review_on, $review_cycle_months, $owner, $approved_by, $category, $version,
-- $not_found, $evidence, $notes
insert into policy_documents values (
    $document_id, $academy_code, $policy_key, $file_name, $file_type, $sha256,
    $imported_at, $imported_by, $title, $is_title_from_document, $issued_text, $issued_on,
    $issued_until, $last_reviewed_text, $last_reviewed_on, $next_review_text, $next_review_from,
    $next_review_on, $review_cycle_months, $owner, $approved_by, $category, $version,
    $not_found::varchar[], $evidence::varchar[], $notes::varchar[]
)
