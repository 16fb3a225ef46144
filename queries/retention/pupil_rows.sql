-- The rows of one pupil, for an erasure, as temp table purgeable: every concern, referral and
-- transfer (and so all their versions) any version of which carries the pseudonym, as the
-- academy's pupil_ref or the trust's trust_pupil_ref, and every referral of one of those
-- concerns (a referral that names no pupil is about its concern's).
-- Parameters: $pupil.
create or replace temp table purgeable as
with pupil_concerns as (
    select distinct academy_code, concern_id
    from concerns_versions
    where $pupil::varchar in (pupil_ref, trust_pupil_ref)
),

final as (
    select 'concerns' as dataset, academy_code, concern_id as row_key
    from pupil_concerns
    union
    select 'referrals', referrals.academy_code, referrals.referral_id
    from referrals_versions as referrals
    left join pupil_concerns using (academy_code, concern_id)
    where $pupil::varchar in (referrals.pupil_ref, referrals.trust_pupil_ref)
        or pupil_concerns.concern_id is not null
    union all
    select distinct 'transfers', academy_code, trust_pupil_ref || ' ' || left_on
    from transfers_versions
    where $pupil::varchar in (pupil_ref, trust_pupil_ref)
)

select * from final
