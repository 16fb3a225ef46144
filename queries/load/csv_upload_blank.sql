-- Notes the blank lines of csv_upload in temp table csv_blank: every cell empty or made of the
-- characters Python's str.strip() removes (str.isspace), as the Python reader judges them;
-- they are skipped and not counted (product.md §2). No parameters.
create or replace temp table csv_blank as
select rowid as row_no
from csv_upload
where regexp_full_match(
    coalesce(columns(*), ''),
    '[\t-\r\x{1c}-\x{20}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}'
        || '\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]*'
)
