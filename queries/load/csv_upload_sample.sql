-- The first rows of csv_upload that are not blank, every column in header order, for the check
-- for real identifiers. Parameters: $limit
select *
from csv_upload
where rowid not in (select row_no from csv_blank)
order by rowid
limit $limit
