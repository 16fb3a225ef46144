-- The rows of one pupil, for an erasure, as temp table purgeable: every concern, referral and
-- transfer (and so all their versions) any version of which carries the pseudonym, as the
-- academy's pupil_ref or the trust's trust_pupil_ref.
-- Parameters: $pupil.
create or replace temp table purgeable as
with final as (
    select distinct 'concerns' as dataset, academy_code, concern_id as row_key
    from concerns_versions
    where $pupil::varchar in (pupil_ref, trust_pupil_ref)
    union all
    select distinct 'referrals', academy_code, referral_id
    from referrals_versions
    where $pupil::varchar in (pupil_ref, trust_pupil_ref)
    union all
    select distinct 'transfers', academy_code, trust_pupil_ref || ' ' || left_on
    from transfers_versions
    where $pupil::varchar in (pupil_ref, trust_pupil_ref)
)

select * from final
