-- Rewrites a database into a new file (database._rewrite), one statement after another: every
-- table, view and macro of `purged` copied into `fresh`, then both detached (the new file
-- checkpointed as it closes). Run on an in-memory connection.
-- Parameters: $path (the database), $fresh (the new file).
attach $path as purged (read_only);
attach $fresh as fresh;
copy from database purged to fresh;
detach fresh;
detach purged
