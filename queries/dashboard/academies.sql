-- One row per academy in the trust reference: the names, phases and sizes pages show.
-- No parameters.
select academy_code, academy_name, phase, pupils_on_roll
from academies
order by academy_code
