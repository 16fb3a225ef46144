-- Drops the temp tables left by reading one simple CSV in the database (csv_upload, and its
-- blank lines in csv_blank), once its rows are in raw_upload or it is refused.
-- Parameters: none.
drop table if exists csv_upload;
drop table if exists csv_blank;
