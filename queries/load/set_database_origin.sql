-- Records where the database came from (e.g. 'demo'). Parameters: $origin
insert or replace into database_info values ('origin', $origin)
