-- How many loaded training rows name a staff_ref that the staff data does not hold (supply
-- staff, or staff not exported yet): a warning, not a fault (product.md §2).
-- Reads temp table staged_ok. No parameters.
select count(*) as rows_unknown_staff
from staged_ok as training
anti join staff
    on staff.academy_code = training.academy_code and staff.staff_ref = training.staff_ref
