-- Stages policy register exports (a batch: file_no tells which file) as temp table staged_batch:
-- one row per data row, typed, in the column order of the policies table, with `faults`
-- (quarantine reasons) and `notes` (warnings). Reads temp tables raw_upload (text columns +
-- file_no, line_no), enum_labels and policy_type_patterns.
-- Parameters: $default_academy (the --academy, or null).
create or replace temp table staged_batch as
with source as (
    select
        *,
        upper(clean(academy_code)) as academy_given,
        coalesce(upper(clean(academy_code)), $default_academy) as academy_resolved,
        label_key(clean(policy_title)) as title_key
    from raw_upload
),

derived_types as (
    -- the first title pattern that matches, for rows that leave policy_type blank
    select file_no, line_no, arg_min(patterns.policy_type, patterns.priority) as policy_type
    from source
    inner join policy_type_patterns as patterns on contains(source.title_key, patterns.pattern)
    group by file_no, line_no
),

typed as (
    select
        source.*,
        type_label.value as policy_type_value,
        derived_types.policy_type as derived_policy_type,
        parse_timestamp(clean(last_reviewed_on))::date as last_reviewed_date,
        parse_timestamp(clean(next_review_on))::date as next_review_date,
        parse_timestamp(clean(issued_on))::date as issued_date,
        coalesce(parse_int(clean(review_cycle_months)), 12) as cycle_months,
        -- trust-wide policies are registered under TRUST and apply to every academy
        parse_bool(clean(published_on_website)) as published_on_website_bool,
        known.academy_code is not null or source.academy_resolved = 'TRUST' as academy_known
    from source
    left join enum_labels as type_label
        on type_label.domain = 'policy_type' and type_label.label_key = label_key(policy_type)
    left join derived_types
        on derived_types.file_no = source.file_no and derived_types.line_no = source.line_no
    left join academies as known on known.academy_code = source.academy_resolved
),

checked as (
    select
        *,
        min(line_no) over (partition by file_no, academy_resolved, title_key) as key_first_line,
        only_faults(academy_faults(academy_given, $default_academy, academy_resolved,
                                   academy_known) || [
            missing('policy_title', policy_title),
            bad_enum('policy_type', policy_type, policy_type_value),
            bad_timestamp('last_reviewed_on', last_reviewed_on, last_reviewed_date),
            bad_timestamp('next_review_on', next_review_on, next_review_date),
            bad_int('review_cycle_months', review_cycle_months, 1, 600),
            bad_timestamp('issued_on', issued_on, issued_date),
            bad_int('kcsie_edition_referenced', kcsie_edition_referenced, 1990, 2100),
            bad_bool('published_on_website', published_on_website, published_on_website_bool)
        ]) as row_faults
    from typed
),

final as (
    select
        file_no,
        line_no,
        academy_resolved as academy_code,
        title_key as policy_key,
        clean(policy_title) as policy_title,
        coalesce(policy_type_value, derived_policy_type, 'other') as policy_type,
        last_reviewed_date as last_reviewed_on,
        coalesce(
            next_review_date, (last_reviewed_date + to_months(cycle_months))::date
        ) as next_review_on,
        cycle_months as review_cycle_months,
        clean(category) as category,
        clean(owner) as owner,
        clean(approved_by) as approved_by,
        issued_date as issued_on,
        parse_int(clean(kcsie_edition_referenced)) as kcsie_edition_referenced,
        published_on_website_bool as published_on_website,
        only_faults(row_faults || [
            duplicate_key(case when title_key <> '' then key_first_line end, line_no)
        ]) as faults,
        []::varchar[] as notes
    from checked
)

select * from final
