-- row_versions(): one row per version of a row of any dataset that keeps its history (product.md
-- §2.5), with a pseudonymous reference to the row (concern_id, referral_id, staff_ref, the staff
-- member's course and date, the policy's register key, the moving child's trust pseudonym and
-- the day they left), the ingest that brought the version
-- and the one that superseded or retired it.
-- Columns: dataset, academy_code, row_ref, ingest_id, known_from, known_until, retired_by.
create or replace macro row_versions() as table
    with final as (
        select 'concerns' as dataset, academy_code, concern_id as row_ref,
            ingest_id, known_from, known_until, retired_by
        from concerns_versions
        union all
        select 'referrals', academy_code, referral_id,
            ingest_id, known_from, known_until, retired_by
        from referrals_versions
        union all
        select 'staff', academy_code, staff_ref,
            ingest_id, known_from, known_until, retired_by
        from staff_versions
        union all
        select 'training', academy_code, staff_ref || ' ' || course || ' ' || completed_on,
            ingest_id, known_from, known_until, retired_by
        from training_versions
        union all
        select 'policies', academy_code, policy_key,
            ingest_id, known_from, known_until, retired_by
        from policies_versions
        union all
        select 'transfers', academy_code, trust_pupil_ref || ' ' || left_on,
            ingest_id, known_from, known_until, retired_by
        from transfers_versions
    )

    select * from final
