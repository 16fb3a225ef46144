-- referred_concern_pupils: a table, rebuilt by every write (database.install_models), with one
-- row per version of a concern that some version of a referral names: academy_code,
-- concern_id, pupil_ref, known_from, known_until. referral_pupils finds a referral's pupil
-- through its concern here rather than in every concern ever loaded: at 100 academies that
-- lookup scanned a million concern versions each time a model asked who a referral is about.
-- Every version is kept, so it answers for any knowledge time as concerns_versions does.
-- No parameters.
create or replace table referred_concern_pupils as
    with referred as (
        select distinct academy_code, concern_id
        from referrals_versions
        where concern_id is not null
    ),

    final as (
        select
            concerns.academy_code,
            concerns.concern_id,
            concerns.pupil_ref,
            concerns.known_from,
            concerns.known_until
        from concerns_versions as concerns
        semi join referred
            on referred.academy_code = concerns.academy_code
            and referred.concern_id = concerns.concern_id
    )

    select * from final
