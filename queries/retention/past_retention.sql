-- The rows past their retention at the purge's moment, as temp table purgeable: one row per
-- dataset, academy and row key whose latest version closed before the dataset's cutoff
-- (config/retention.toml): a concern closed, a referral made, a leaver left, a course done, a
-- child moved. A row still open (a concern not closed, a member of staff in post) is never past
-- retention. Every version of each such row goes (load/purge_rows).
-- Parameters: $cutoffs (a struct of one date per dataset, null: kept for ever).
create or replace temp table purgeable as
with latest_concerns as (
    select academy_code, concern_id as row_key, closed_at::date as closed_on
    from concerns_versions
    qualify row_number() over (
        partition by academy_code, concern_id order by known_from desc
    ) = 1
),

latest_referrals as (
    select academy_code, referral_id as row_key, referred_at::date as closed_on
    from referrals_versions
    qualify row_number() over (
        partition by academy_code, referral_id order by known_from desc
    ) = 1
),

latest_staff as (
    select academy_code, staff_ref as row_key, leave_date as closed_on
    from staff_versions
    qualify row_number() over (partition by academy_code, staff_ref order by known_from desc) = 1
),

latest_training as (
    select
        academy_code,
        staff_ref || ' ' || course || ' ' || completed_on as row_key,
        completed_on as closed_on
    from training_versions
    qualify row_number() over (
        partition by academy_code, staff_ref, course, completed_on order by known_from desc
    ) = 1
),

latest_transfers as (
    select academy_code, trust_pupil_ref || ' ' || left_on as row_key, left_on as closed_on
    from transfers_versions
    qualify row_number() over (
        partition by academy_code, trust_pupil_ref, left_on order by known_from desc
    ) = 1
),

final as (
    select 'concerns' as dataset, academy_code, row_key
    from latest_concerns where closed_on < $cutoffs.concerns
    union all
    select 'referrals', academy_code, row_key
    from latest_referrals where closed_on < $cutoffs.referrals
    union all
    select 'staff', academy_code, row_key
    from latest_staff where closed_on < $cutoffs.staff
    union all
    select 'training', academy_code, row_key
    from latest_training where closed_on < $cutoffs.training
    union all
    select 'transfers', academy_code, row_key
    from latest_transfers where closed_on < $cutoffs.transfers
)

select * from final
