-- One row per academy, category and calendar month with concerns logged in the window (the
-- concerns of the model concern_reviews): the month's count, for judging each category against
-- its own control limits (CSE policy §8, wider patterns). Months without a concern have no row.
-- Counts by month at one academy rest on a few children, so the page shows what this finds to
-- those who may see records only.
-- Columns: academy_code, category, month_start, concerns.
-- Parameters: $windows (one), $academy_codes, $standards.
-- Records: yes
with logged as (
    select academy_code, category, date_trunc('month', logged_at)::date as month_start
    from concern_reviews($windows, $standards)
    where list_contains($academy_codes::varchar[], academy_code)
),

final as (
    select academy_code, category, month_start, count(*) as concerns
    from logged
    group by all
)

select * from final
order by academy_code, category, month_start
