-- The register row after an import, for the import's report.
-- Parameters: $academy_code, $policy_key
select policy_title, policy_type, last_reviewed_on, next_review_on, review_cycle_months, owner
from policies
where academy_code = $academy_code::varchar and policy_key = $policy_key::varchar
