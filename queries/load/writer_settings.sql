-- Settings for an ingest's write session, on its private copy of the database (see
-- safeguarding/database.py): no automatic checkpoint while files are loaded (the copy is
-- checkpointed once, before it is swapped in), which saves rewriting tables after every few
-- files. No parameters.
set checkpoint_threshold = '1GB'
