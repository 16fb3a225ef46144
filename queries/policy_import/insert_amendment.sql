-- One row of a policy document's amendment history.
-- Parameters: $document_id, $row_no, $amended_text, $amended_on, $version, $description,
-- $amended_by
insert into policy_amendments values (
    $document_id, $row_no, $amended_text, $amended_on, $version, $description, $amended_by
)
