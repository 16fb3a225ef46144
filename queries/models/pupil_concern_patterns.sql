-- pupil_concern_patterns(windows, standards): one row per window and pupil (academy_code,
-- pupil_ref) with a concern logged in the window (from concern_reviews), for CSE policy §8's
-- "wider patterns" beyond case-by-case responses and §16's mentoring. A concern belongs to the
-- term that contains its date, or that last started before it (a holiday's concern counts in
-- the term before).
--   concerns_in_window, most_concerns_in_a_term, terms_with_cse
--   is_repeated           $repeat_concerns_in_term or more concerns in one term, or CSE concerns
--                         in two or more terms
--   referrals             referrals of the pupil (referral_pupils) made from the day of the first
--                         of these concerns to the as-of date
--   is_repeated_without_referral   repeated and no such referral: for the DSL to look at
--   first_logged_at, last_logged_at, latest_category
--   has_cse_concern, has_cse_mentor (a mentor on any of the CSE concerns, as exported),
--   mentor_last_contact_on (latest on the CSE concerns, by the as-of date),
--   is_mentor_contact_recent (within $mentor_contact_days days before the as-of date)
-- Columns: as_of_on, academy_code, pupil_ref, and those above.
create or replace macro pupil_concern_patterns(windows, standards) as table
    -- Each day's term: the one that started last on or before it. An equality join on the day
    -- is several times faster than an as-of join on the term starts.
    with day_terms as (
        select day, max(term_start_on) over (order by day) as term_start_on
        from calendar_days
    ),

    concerns_in_terms as (
        select concerns.*, day_terms.term_start_on
        from concern_reviews(windows, standards) as concerns
        left join day_terms on day_terms.day = concerns.logged_at::date
    ),

    per_term as (
        select
            as_of_on,
            academy_code,
            pupil_ref,
            term_start_on,
            count(*) as concerns_in_term,
            bool_or(is_cse) as has_cse
        from concerns_in_terms
        group by all
    ),

    per_pupil as (
        select
            as_of_on,
            academy_code,
            pupil_ref,
            sum(concerns_in_term)::integer as concerns_in_window,
            max(concerns_in_term)::integer as most_concerns_in_a_term,
            count(*) filter (where has_cse)::integer as terms_with_cse
        from per_term
        group by all
    ),

    pupil_facts as (
        select
            as_of_on,
            academy_code,
            pupil_ref,
            min(logged_at) as first_logged_at,
            max(logged_at) as last_logged_at,
            arg_max(category, logged_at) as latest_category,
            bool_or(is_cse) as has_cse_concern,
            bool_or(is_cse and is_mentor_allocated) as has_cse_mentor,
            max(mentor_last_contact_on) filter (where is_cse) as mentor_last_contact_on
        from concerns_in_terms
        group by all
    ),

    referred as (
        select
            pupil_facts.as_of_on,
            pupil_facts.academy_code,
            pupil_facts.pupil_ref,
            count(*) as referrals
        from pupil_facts
        inner join referral_pupils(windows) as referrals
            on referrals.as_of_on = pupil_facts.as_of_on
            and referrals.academy_code = pupil_facts.academy_code
            and referrals.pupil_ref = pupil_facts.pupil_ref
            and referrals.is_referred_by_as_of
            and referrals.referred_on >= pupil_facts.first_logged_at::date
        group by all
    ),

    final as (
        select
            per_pupil.as_of_on,
            per_pupil.academy_code,
            per_pupil.pupil_ref,
            per_pupil.concerns_in_window,
            per_pupil.most_concerns_in_a_term,
            per_pupil.terms_with_cse,
            per_pupil.most_concerns_in_a_term >= standards['repeat_concerns_in_term']
            or per_pupil.terms_with_cse >= 2 as is_repeated,
            coalesce(referred.referrals, 0) as referrals,
            is_repeated and coalesce(referred.referrals, 0) = 0 as is_repeated_without_referral,
            pupil_facts.first_logged_at,
            pupil_facts.last_logged_at,
            pupil_facts.latest_category,
            pupil_facts.has_cse_concern,
            pupil_facts.has_cse_mentor,
            pupil_facts.mentor_last_contact_on,
            coalesce(
                pupil_facts.mentor_last_contact_on
                >= per_pupil.as_of_on - standards['mentor_contact_days']::integer,
                false
            ) as is_mentor_contact_recent
        from per_pupil
        inner join pupil_facts using (as_of_on, academy_code, pupil_ref)
        left join referred using (as_of_on, academy_code, pupil_ref)
    )

    select * from final
