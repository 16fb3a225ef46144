-- Forgets where the database came from. Every writer does this first: a database changed by
-- anything but the demo builder (which marks it again) is no longer the synthetic demo, so
-- demo mode (no sign-in) must stop serving it. No parameters.
delete from database_info
where key = 'origin'
