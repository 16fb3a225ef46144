-- Schema version 4: the one rounding rule for every percentage the dashboard computes in SQL
-- (product.md §4): 100 × numerator / denominator to 1 decimal place, half away from zero, in exact
-- integer arithmetic (6.25 → 6.3, where a float would give 6.2); null when nothing was due.
-- Persisted in the database so that read-only connections can use it.

create or replace macro percent_1dp(numerator, denominator) as
    (2000 * numerator + denominator) // (2 * nullif(denominator, 0)) / 10;
