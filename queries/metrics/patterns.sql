-- Pattern and follow-through metrics (CSE policy §8, §15, §16), from the models
-- pupil_concern_patterns, nfa_followups and immediate_danger_responses. One row per window,
-- academy and metric, plus an academy_code = 'TRUST' row per window and metric that adds
-- numerators and denominators. mentor_contact_recent_pct needs the optional column
-- mentor_last_contact_on: an academy that does not send it (collected_fields) has null
-- numerator and denominator ("not collected"); the TRUST row adds the academies that send it.
-- Columns: as_of_on, academy_code, metric, value, numerator, denominator.
-- Parameters: $windows, $academy_codes, $standards.
with windows as (
    select * from windows($windows)
),

scoped_academies as (
    select academy_code
    from academies
    where list_contains($academy_codes::varchar[], academy_code)
),

spine as (
    select windows.as_of_on, scoped_academies.academy_code
    from windows
    cross join scoped_academies
),

pupils as (
    select
        as_of_on,
        academy_code,
        count(*) filter (where is_repeated_without_referral) as repeated_without_referral,
        count(*) filter (where has_cse_concern) as cse_pupils,
        count(*) filter (where has_cse_mentor) as cse_pupils_mentored,
        count(*) filter (where has_cse_mentor and is_mentor_contact_recent) as mentor_contact_recent
    from pupil_concern_patterns($windows, $standards)
    group by all
),

nfa as (
    select
        as_of_on,
        academy_code,
        count(*) as nfa_decisions,
        count(*) filter (where is_early_help_offered) as early_help_offered,
        count(*) filter (where is_followed_by_concern) as followed_by_concern,
        count(*) filter (where is_reconsidered) as reconsidered
    from nfa_followups($windows, $standards)
    group by all
),

urgent as (
    select
        as_of_on,
        academy_code,
        count(*) as immediate_danger_concerns,
        count(*) filter (where is_same_working_day) as referred_same_day
    from immediate_danger_responses($windows, $standards)
    group by all
),

academy_totals as (
    select
        spine.as_of_on,
        spine.academy_code,
        coalesce(pupils.repeated_without_referral, 0) as repeated_without_referral,
        coalesce(pupils.cse_pupils, 0) as cse_pupils,
        coalesce(pupils.cse_pupils_mentored, 0) as cse_pupils_mentored,
        case
            when collected.collects_mentor_last_contact_on
                then coalesce(pupils.mentor_contact_recent, 0)
        end as mentor_contact_recent,
        case
            when collected.collects_mentor_last_contact_on
                then coalesce(pupils.cse_pupils_mentored, 0)
        end as mentor_contact_expected,
        coalesce(nfa.nfa_decisions, 0) as nfa_decisions,
        coalesce(nfa.early_help_offered, 0) as early_help_offered,
        coalesce(nfa.followed_by_concern, 0) as followed_by_concern,
        coalesce(nfa.reconsidered, 0) as reconsidered,
        coalesce(urgent.immediate_danger_concerns, 0) as immediate_danger_concerns,
        coalesce(urgent.referred_same_day, 0) as referred_same_day
    from spine
    left join pupils using (as_of_on, academy_code)
    left join nfa using (as_of_on, academy_code)
    left join urgent using (as_of_on, academy_code)
    left join collected_fields($windows) as collected using (as_of_on, academy_code)
),

-- sum() skips the academies that do not collect a column, and is null when none does.
trust_totals as (
    select
        windows.as_of_on,
        'TRUST' as academy_code,
        sum(columns(academy_totals.* exclude (as_of_on, academy_code)))
    from windows
    left join academy_totals on academy_totals.as_of_on = windows.as_of_on
    group by windows.as_of_on
),

totals as (
    select * from academy_totals
    union all by name
    select * from trust_totals
),

measures as (
    select
        as_of_on,
        academy_code,
        unnest([
            {
                'metric': 'immediate_danger_same_day_pct', 'is_pct': true,
                'value': null::double,
                'numerator': referred_same_day, 'denominator': immediate_danger_concerns
            },
            {
                'metric': 'pupils_repeated_concerns_no_referral', 'is_pct': false,
                'value': coalesce(repeated_without_referral, 0)::double,
                'numerator': null::bigint, 'denominator': null::bigint
            },
            {
                'metric': 'cse_pupils_with_mentor_pct', 'is_pct': true,
                'value': null::double,
                'numerator': cse_pupils_mentored, 'denominator': cse_pupils
            },
            {
                'metric': 'mentor_contact_recent_pct', 'is_pct': true,
                'value': null::double,
                'numerator': mentor_contact_recent, 'denominator': mentor_contact_expected
            },
            {
                'metric': 'nfa_reconsidered_pct', 'is_pct': true,
                'value': null::double,
                'numerator': reconsidered, 'denominator': followed_by_concern
            },
            {
                'metric': 'early_help_after_nfa_pct', 'is_pct': true,
                'value': null::double,
                'numerator': early_help_offered, 'denominator': nfa_decisions
            }
        ], recursive := true)
    from totals
),

final as (
    select
        as_of_on,
        academy_code,
        metric,
        case when is_pct then percent_1dp(numerator, denominator) else value end as value,
        numerator,
        denominator
    from measures
)

select * from final
