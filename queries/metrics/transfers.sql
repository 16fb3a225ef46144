-- Child-protection file transfer metrics (KCSIE Part 2), from the model transfer_deadlines.
-- One row per window, academy and metric, plus an academy_code = 'TRUST' row per window and
-- metric that adds numerators and denominators. Both are event metrics of the transfers whose
-- left_on is in the window; the academy is the one the child left (it sends the file).
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

transfers_judged as (
    select transfer_deadlines.*
    from transfer_deadlines($windows, $standards) as transfer_deadlines
    inner join scoped_academies using (academy_code)
),

measured as (
    select
        as_of_on,
        academy_code,
        count(*) filter (where is_file_due) as files_due,
        count(*) filter (where is_file_on_time) as files_on_time,
        count(*) filter (where is_receipt_due) as receipts_due,
        count(*) filter (where is_receipt_due and is_receipt_confirmed) as receipts_confirmed
    from transfers_judged
    group by as_of_on, academy_code
),

academy_totals as (
    select
        windows.as_of_on,
        scoped_academies.academy_code,
        coalesce(measured.files_due, 0) as files_due,
        coalesce(measured.files_on_time, 0) as files_on_time,
        coalesce(measured.receipts_due, 0) as receipts_due,
        coalesce(measured.receipts_confirmed, 0) as receipts_confirmed
    from windows
    cross join scoped_academies
    left join measured
        on measured.as_of_on = windows.as_of_on
        and measured.academy_code = scoped_academies.academy_code
),

trust_totals as (
    select
        windows.as_of_on,
        'TRUST' as academy_code,
        coalesce(sum(columns(academy_totals.* exclude (as_of_on, academy_code))), 0)
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
                'metric': 'cp_file_sent_on_time_pct',
                'numerator': files_on_time, 'denominator': files_due
            },
            {
                'metric': 'cp_file_receipt_confirmed_pct',
                'numerator': receipts_confirmed, 'denominator': receipts_due
            }
        ], recursive := true)
    from totals
),

final as (
    select
        as_of_on,
        academy_code,
        metric,
        percent_1dp(numerator, denominator) as value,
        numerator,
        denominator
    from measures
)

select * from final
