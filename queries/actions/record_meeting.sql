-- Records that the trust held its weekly meeting on a day (once per day).
-- Parameters: $held_on, $recorded_by, $recorded_at.
insert into meetings
select $held_on::date, $recorded_by, $recorded_at
where not exists (select 1 from meetings where held_on = $held_on::date)
