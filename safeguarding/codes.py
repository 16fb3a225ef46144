"""The two marker values every layer shares, defined once.

TRUST is the academy_code of the row that adds up the whole trust in every figure, and of the
policy register's trust-wide rows (which apply to every academy). SUPPRESSED is what a count
about children of 1 to the threshold shows as in governors' views (product.md §5).
"""

TRUST = "TRUST"
SUPPRESSED = "c"
