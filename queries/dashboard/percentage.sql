-- One row: the percentage of product.md §4 (percent_1dp: 100 × numerator / denominator to
-- 1 dp, half away from zero; null when the denominator is 0) for figures a page already holds,
-- so that Python never rounds a percentage its own way.
-- Columns: value.
-- Parameters: $numerator, $denominator.
select percent_1dp($numerator::bigint, $denominator::bigint) as value
