-- One row per concern logged in the window whose DSL review deadline has passed by the as-of
-- date and whose review came after the deadline or has not happened by then: the concerns in
-- the denominator but not the numerator of dsl_review_on_time_pct (both read the model
-- concern_reviews). is_reviewed: reviewed late (history) rather than still outstanding (an
-- action). late_working_days: from the deadline to the review, or to the as-of date.
-- Parameters: $windows (one), $academy_codes, $standards.
-- Records: yes
with final as (
    select
        academy_code,
        concern_id,
        pupil_ref,
        category,
        logged_at,
        review_deadline_on,
        dsl_reviewed_at,
        is_reviewed,
        late_working_days
    from concern_reviews($windows, $standards)
    where review_status in ('late', 'outstanding')
      and list_contains($academy_codes::varchar[], academy_code)
)

select * from final
order by late_working_days desc, academy_code, logged_at, concern_id
