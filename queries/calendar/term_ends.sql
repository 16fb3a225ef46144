-- One row per academic term whose last day is in [$first, $last]: its first and last day, for
-- trend series by term. Terms come from calendar_days (the defaults or config/terms.toml).
-- Parameters: $first, $last
with terms as (
    select distinct term_start_on, term_end_on
    from calendar_days
    where term_end_on between $first::date and $last::date
),

final as (
    select
        term_start_on as starts_on,
        term_end_on as ends_on
    from terms
)

select * from final
order by ends_on
