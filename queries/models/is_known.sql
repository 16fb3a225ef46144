-- is_known(known_from, known_until, known_at): whether a row version was the current one at
-- the knowledge time known_at (product.md §2.5): loaded by an ingest finished at or before it,
-- and not superseded or retired by one finished at or before it.
create or replace macro is_known(known_from, known_until, known_at) as
    known_from <= known_at and (known_until is null or known_until > known_at)
