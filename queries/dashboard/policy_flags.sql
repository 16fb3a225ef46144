-- One row per thing wrong with a policy in the register, for the academies in scope and the
-- trust-wide policies (academy_code = 'TRUST'). flag is one of:
--   guidance_out_of_date   the policy's imported document cites an edition of statutory
--                          guidance older than the one in force ($guidance_titles/_years); a
--                          register row without a document: kcsie_edition_referenced is older
--                          than $kcsie_edition
--   obsolete_reference     its document names a body, law or guidance since replaced
--                          ($obsolete_titles, with what replaced each: $obsolete_current;
--                          from safeguarding/policy_import/references.py OBSOLETE)
--   linked_policy_missing  its document refers to another policy that is in neither the
--                          academy's register nor the trust's (a trust-wide document: checked
--                          for every academy in scope)
--   linked_policy_overdue  the policy it refers to is in the register but overdue for review
--   review_before_issue    the next review date is before the issue date
--   review_beyond_cycle    the next review is more than the review cycle after the issue date
--   no_owner               no owner recorded
-- Dates are compared at the precision the document wrote them: "Issued: March 2026" with
-- "Next review: March 2027" is 12 months, not 12 months and 30 days. A register row's dates are
-- exact. The issue date is the issued date, else the last review. A link matches a register row
-- with the same key, a key one contains the other's (ignoring "policy" and a "trust", "academy"
-- or "school" prefix), or the same known policy type.
-- Columns: academy_code, policy_title, flag, flag_label, detail, file_name.
-- Parameters: $windows (one), $as_of, $academy_codes, $standards, $kcsie_edition,
-- $guidance_titles, $guidance_years, $obsolete_titles, $obsolete_current.
with scoped_academies as (
    select academy_code
    from academies
    where list_contains($academy_codes::varchar[], academy_code)
),

-- The register as policy_review_status gives it (the model the policy figures read).
register as (
    select * exclude (as_of_on, is_trust_wide, days_to_review, status, status_rank)
    from policy_review_status($windows, $standards)
),

scoped_policies as (
    select *
    from register
    where academy_code = 'TRUST'
       or academy_code in (select academy_code from scoped_academies)
),

current_documents as (
    -- the latest document imported for each register row
    select documents.*
    from policy_documents as documents
    inner join (
        select max(document_id) as document_id
        from policy_documents
        group by academy_code, policy_key
    ) as latest using (document_id)
),

documented as (
    select
        scoped_policies.*,
        current_documents.document_id,
        current_documents.file_name,
        current_documents.issued_text,
        current_documents.issued_on as document_issued_from,
        current_documents.issued_until as document_issued_until,
        current_documents.last_reviewed_on as document_last_reviewed_on,
        current_documents.next_review_text,
        current_documents.next_review_from,
        current_documents.next_review_on as document_next_review_on
    from scoped_policies
    left join current_documents using (academy_code, policy_key)
),

dated as (
    select
        *,
        case
            when document_id is not null and document_issued_from is not null
                then document_issued_from
            when document_id is not null and document_last_reviewed_on is not null
                then document_last_reviewed_on
            else coalesce(issued_on, last_reviewed_on)
        end as issued_earliest,
        case
            when document_id is not null and document_issued_until is not null
                then document_issued_until
            when document_id is not null and document_last_reviewed_on is not null
                then document_last_reviewed_on
            else coalesce(issued_on, last_reviewed_on)
        end as issued_latest,
        coalesce(next_review_from, next_review_on) as review_earliest,
        coalesce(document_next_review_on, next_review_on) as review_latest,
        coalesce(issued_text, strftime(coalesce(issued_on, last_reviewed_on), '%-d %b %Y'))
            as issued_shown,
        coalesce(next_review_text, strftime(next_review_on, '%-d %b %Y')) as review_shown
    from documented
),

date_flags as (
    select
        academy_code,
        policy_title,
        'review_before_issue' as flag,
        'Next review ' || review_shown || ' is before the issue date ' || issued_shown
            as detail,
        file_name
    from dated
    where review_latest < issued_earliest
    union all
    select
        academy_code,
        policy_title,
        'review_beyond_cycle' as flag,
        'Next review ' || review_shown || ' is more than ' || review_cycle_months
            || ' months (the review cycle) after the issue date ' || issued_shown as detail,
        file_name
    from dated
    where review_earliest > (issued_latest + to_months(review_cycle_months))::date
),

owner_flags as (
    select
        academy_code,
        policy_title,
        'no_owner' as flag,
        'No owner is recorded' || case
            when document_id is not null then ' in the register or in ' || file_name
            else ' in the register'
        end as detail,
        file_name
    from dated
    where nullif(trim(owner), '') is null
),

editions_in_force as (
    select
        regexp_replace(lower(title), '[^a-z0-9]', '', 'g') as title_key,
        title,
        year
    from (
        select
            unnest($guidance_titles::varchar[]) as title,
            unnest($guidance_years::integer[]) as year
    )
),

guidance_flags as (
    select
        dated.academy_code,
        dated.policy_title,
        'guidance_out_of_date' as flag,
        'Cites ' || guidance.title || ' ' || guidance.edition_year || '; the '
            || editions_in_force.year || ' edition is in force' as detail,
        dated.file_name
    from dated
    inner join policy_guidance as guidance using (document_id)
    inner join editions_in_force on editions_in_force.title_key = guidance.title_key
    where guidance.kind = 'guidance'
      and guidance.edition_year < editions_in_force.year
    union all
    select
        academy_code,
        policy_title,
        'guidance_out_of_date' as flag,
        'The register records Keeping Children Safe in Education ' || kcsie_edition_referenced
            || '; the ' || $kcsie_edition::integer || ' edition is in force' as detail,
        file_name
    from dated
    where document_id is null
      and kcsie_edition_referenced < $kcsie_edition::integer
),

replaced as (
    select
        unnest($obsolete_titles::varchar[]) as title,
        unnest($obsolete_current::varchar[]) as current_name
),

obsolete_flags as (
    select
        dated.academy_code,
        dated.policy_title,
        'obsolete_reference' as flag,
        'Names the ' || guidance.title || ' ("' || guidance.cited_as || '"): replaced by '
            || replaced.current_name as detail,
        dated.file_name
    from dated
    inner join policy_guidance as guidance using (document_id)
    inner join replaced on replaced.title = guidance.title
    where guidance.kind = 'obsolete'
),

links as (
    select
        dated.academy_code as document_academy,
        dated.policy_key as document_policy_key,
        dated.policy_title,
        dated.file_name,
        links.linked_title,
        links.linked_key,
        links.linked_type,
        regexp_replace(
            regexp_replace(links.linked_key, '^(trust|academy|school|the)+', ''),
            'polic(y|ies)$', ''
        ) as linked_stem
    from dated
    inner join policy_links as links using (document_id)
),

-- where each link must be found: the document's academy, or every academy in scope for a
-- trust-wide document
link_targets as (
    select links.*, links.document_academy as target_academy
    from links
    where links.document_academy <> 'TRUST'
    union all
    select links.*, scoped_academies.academy_code as target_academy
    from links
    cross join scoped_academies
    where links.document_academy = 'TRUST'
),

register_stems as (
    select
        *,
        regexp_replace(
            regexp_replace(policy_key, '^(trust|academy|school|the)+', ''), 'polic(y|ies)$', ''
        ) as stem
    from register
),

link_matches as (
    select
        link_targets.*,
        register_stems.academy_code as found_academy,
        register_stems.policy_title as found_title,
        register_stems.next_review_on as found_next_review_on
    from link_targets
    left join register_stems
        on register_stems.academy_code in (link_targets.target_academy, 'TRUST')
        and not (
            register_stems.academy_code = link_targets.document_academy
            and register_stems.policy_key = link_targets.document_policy_key
        )
        and (
            register_stems.policy_key = link_targets.linked_key
            or (
                length(link_targets.linked_stem) >= 5
                and length(register_stems.stem) >= 5
                and (
                    contains(register_stems.stem, link_targets.linked_stem)
                    or contains(link_targets.linked_stem, register_stems.stem)
                )
            )
            or (
                link_targets.linked_type <> 'other'
                and register_stems.policy_type = link_targets.linked_type
            )
        )
),

link_status as (
    select
        target_academy,
        document_academy,
        policy_title,
        file_name,
        linked_title,
        count(found_academy) as matches,
        -- the best-kept match: the latest review among those found
        arg_max(found_academy, coalesce(found_next_review_on, date '9999-12-31'))
            as found_academy,
        arg_max(found_title, coalesce(found_next_review_on, date '9999-12-31')) as found_title,
        max(coalesce(found_next_review_on, date '9999-12-31')) as latest_review_on
    from link_matches
    group by all
),

-- a trust-wide document's link missing for every academy in view is one flag, not one each
link_coverage as (
    select
        *,
        count(*) over (partition by document_academy, policy_title, linked_title) as targets,
        count(*) filter (where matches = 0) over (
            partition by document_academy, policy_title, linked_title
        ) as missing_targets
    from link_status
),

link_flags as (
    select distinct
        case
            when document_academy = 'TRUST' and missing_targets = targets and targets > 1
                then 'TRUST'
            else target_academy
        end as academy_code,
        policy_title,
        'linked_policy_missing' as flag,
        'Refers to the ' || linked_title || ', which is in ' || case
            when document_academy = 'TRUST' and missing_targets = targets and targets > 1
                then 'neither the trust''s register nor any academy''s'
            else 'neither ' || target_academy || '''s register nor the trust''s'
        end as detail,
        file_name
    from link_coverage
    where matches = 0
    union
    select
        found_academy as academy_code,
        policy_title,
        'linked_policy_overdue' as flag,
        'Refers to the ' || linked_title || '; the register''s "' || found_title
            || '" was due for review on ' || strftime(latest_review_on, '%-d %b %Y') as detail,
        file_name
    from link_coverage
    where matches > 0
      and latest_review_on < $as_of::date
),

flags as (
    select * from guidance_flags
    union all
    select * from obsolete_flags
    union all
    select * from link_flags
    union all
    select * from date_flags
    union all
    select * from owner_flags
),

final as (
    select
        academy_code,
        policy_title,
        flag,
        case flag
            when 'guidance_out_of_date' then 'Guidance out of date'
            when 'obsolete_reference' then 'Obsolete reference'
            when 'linked_policy_missing' then 'Linked policy missing'
            when 'linked_policy_overdue' then 'Linked policy overdue'
            when 'review_before_issue' then 'Next review before issue'
            when 'review_beyond_cycle' then 'Next review beyond the review cycle'
            when 'no_owner' then 'No owner'
        end as flag_label,
        detail,
        file_name
    from flags
)

select * from final
order by academy_code = 'TRUST' desc, academy_code, policy_title, flag, detail
