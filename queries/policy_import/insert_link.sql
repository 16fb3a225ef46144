-- One other policy a document refers to.
-- Parameters: $document_id, $linked_title, $linked_key, $linked_type
insert or ignore into policy_links values ($document_id, $linked_title, $linked_key, $linked_type)
