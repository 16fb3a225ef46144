-- One piece of guidance or legislation a document cites.
-- Parameters: $document_id, $kind, $title, $title_key, $edition_year, $editions,
-- $updated_text, $cited_as
insert or ignore into policy_guidance values (
    $document_id, $kind, $title, $title_key, $edition_year, $editions::integer[],
    $updated_text, $cited_as
)
