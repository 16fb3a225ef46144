-- One row: the first and last dates anywhere in the data that a deadline or a term can hang on.
-- The calendar must cover them (plus two years) so add_working_days never runs off its end.
-- Policy register dates are left out: a review date years ahead needs no working days.
-- Parameters: none
with dated as (
    select min(logged_at)::date as first_on, max(coalesce(dsl_reviewed_at, logged_at))::date as last_on
    from concerns
    union all
    select
        min(least(referred_at, allegation_at))::date,
        max(greatest(referred_at, allegation_at, feedback_at, followed_up_at))::date
    from referrals
    union all
    select min(start_date), max(greatest(start_date, leave_date)) from staff
    union all
    select min(completed_on), max(completed_on) from training
),

final as (
    select min(first_on) as first_on, max(last_on) as last_on
    from dated
)

select * from final
