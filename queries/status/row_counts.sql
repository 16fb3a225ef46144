-- One row per dataset: how many rows the database holds. No parameters.
select 'academies' as dataset, count(*) as row_count from academies
union all select 'concerns', count(*) from concerns
union all select 'referrals', count(*) from referrals
union all select 'staff', count(*) from staff
union all select 'training', count(*) from training
union all select 'policies', count(*) from policies
union all select 'transfers', count(*) from transfers
