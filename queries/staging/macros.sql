-- Parsing and checking helpers for the staging queries, created as temporary macros on the
-- writer's connection. A fault is a struct {column_name, reason}; a reason never holds a value.

create or replace temp macro clean(v) as nullif(trim(v), '');

-- Matching like headers: case, spaces, underscores, hyphens and punctuation ignored.
create or replace temp macro label_key(v) as regexp_replace(lower(v), '[^a-z0-9]', '', 'g');

-- product.md §2 date forms only: anything else (US order, YYYY/MM/DD, zones, fractions) is null.
-- The first and third branches are fast paths (a cast instead of strptime) for values whose
-- every part is in range, where the cast and strptime agree; the others catch the rest.
create or replace temp macro parse_timestamp(v) as case
    when regexp_full_match(v, '\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])'
                              || '(?:[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d)?)?')
        then try_cast(v as timestamp)
    when regexp_full_match(v, '\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?')
        then try_strptime(replace(v, 'T', ' '),
                          ['%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y-%m-%d'])
    when regexp_full_match(v, '(?:0?[1-9]|[12]\d|3[01])/(?:0?[1-9]|1[0-2])/\d{4}'
                              || '(?: (?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?)?')
        then try_cast(regexp_replace(v, '^(\d{1,2})/(\d{1,2})/(\d{4})', '\3-\2-\1') as timestamp)
    when regexp_full_match(v, '\d{1,2}/\d{1,2}/\d{4}(?: \d{1,2}:\d{2}(?::\d{2})?)?')
        then try_strptime(v, ['%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%d/%m/%Y'])
end;

-- The usual spellings first: a plain comparison is much cheaper than label_key's regex.
create or replace temp macro parse_bool(v) as case lower(v)
    when 'true' then true when 'false' then false
    when 'yes' then true when 'no' then false
    when 'y' then true when 'n' then false
    when '1' then true when '0' then false
    else case
        when label_key(v) in ('true', 'yes', 'y', '1') then true
        when label_key(v) in ('false', 'no', 'n', '0') then false
    end
end;

create or replace temp macro parse_int(v) as case
    when regexp_full_match(v, '[+-]?\d{1,9}') then v::integer
end;

-- A UPN: check letter + 12 characters (DfE). Digits weigh 23 + n in the alphabet below, which
-- is n modulo 23, so one lookup serves digits and the temporary-UPN final letter alike.
-- (A CASE, not AND: only values shaped like a UPN pay for the check letter.)
create or replace temp macro is_valid_upn(v) as case
    when regexp_full_match(upper(trim(v)), '[A-HJ-NP-RT-Z]\d{11}[0-9A-HJ-NP-RT-Z]')
    then substr(upper(trim(v)), 1, 1) = substr(
        'ABCDEFGHJKLMNPQRTUVWXYZ',
        (1 + list_sum(list_transform(range(2, 14), lambda i: i * (
            instr('ABCDEFGHJKLMNPQRTUVWXYZ0123456789', substr(upper(trim(v)), i, 1)) - 1
        ))) % 23)::bigint,
        1)
    else false
end;

create or replace temp macro fault(column_name, reason) as
    {'column_name': column_name, 'reason': reason};

create or replace temp macro missing(column_name, v) as case
    when clean(v) is null then fault(column_name, column_name || ' is required but blank')
end;

-- `parsed` is the column's parse_timestamp(clean(v)) (or its date), computed once by the caller.
create or replace temp macro bad_timestamp(column_name, v, parsed) as case
    when clean(v) is not null and parsed is null then fault(column_name,
        column_name || ' is not a date in an accepted form '
        || '(2026-03-31, 2026-03-31 14:05, 31/03/2026 or 31/03/2026 14:05)')
end;

-- `parsed` is the column's parse_bool(clean(v)), computed once by the caller.
create or replace temp macro bad_bool(column_name, v, parsed) as case
    when clean(v) is not null and parsed is null then fault(column_name,
        column_name || ' is not yes/no (accepted: true/false, yes/no, y/n, 1/0)')
end;

create or replace temp macro bad_int(column_name, v, low, high) as case
    when clean(v) is not null and coalesce(parse_int(clean(v)) not between low and high, true)
        then fault(column_name,
            column_name || ' is not a whole number from ' || low || ' to ' || high)
end;

create or replace temp macro bad_enum(column_name, v, value) as case
    when clean(v) is not null and value is null then fault(column_name,
        column_name || ' is not one of the allowed values (see docs/data-contract.md)')
end;

create or replace temp macro upn_in(column_name, v) as case
    when is_valid_upn(v) then fault(column_name,
        column_name || ' is a real UPN; use a pseudonym (safeguarding anonymise)')
end;

-- A trust pseudonym is written by `safeguarding anonymise --trust-key-file`: T- and 16 base32
-- characters. Anything else (a UPN, a name, an academy's own P- pseudonym) would link nothing
-- or link the wrong children.
create or replace temp macro bad_trust_ref(column_name, v) as case
    when clean(v) is not null and not regexp_full_match(clean(v), 'T-[A-Z2-7]{16}')
        then fault(column_name, column_name || ' is not a trust pseudonym (T- and 16 letters '
                   || 'and digits, written by safeguarding anonymise --trust-key-file)')
end;

create or replace temp macro before(column_name, later, earlier, earlier_name) as case
    when later < earlier then fault(column_name, column_name || ' is before ' || earlier_name)
end;

create or replace temp macro duplicate_key(key_line, line_no) as case
    when key_line < line_no then fault(null,
        'the same key as line ' || key_line || ' (the first row is kept)')
end;

-- A row naming an academy other than the --academy given (the academies file checks this too).
create or replace temp macro academy_differs(given, default_academy) as case
    when given is not null and default_academy is not null and given <> default_academy
        then fault('academy_code', 'academy_code differs from the --academy given')
end;

-- The academy of a row: its own column wins, --academy fills a blank (product.md §2).
create or replace temp macro academy_faults(given, default_academy, resolved, known) as [
    academy_differs(given, default_academy),
    case when resolved is null
        then fault('academy_code', 'academy_code is blank and no --academy was given') end,
    case when resolved is not null and not known
        then fault('academy_code', 'academy_code is not in the academies reference '
                   || '(load the academies file first)') end
];

create or replace temp macro only_faults(candidates) as
    list_filter(candidates, lambda f: f is not null);
