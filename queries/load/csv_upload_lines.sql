-- How many lines csv_upload read, and how many of them are blank. No parameters.
select
    (select count(*) from csv_upload) as lines_read,
    (select count(*) from csv_blank) as blank_lines
