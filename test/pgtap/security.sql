-- Roles, grants, row-level security by LA, and a hostile search_path.
BEGIN;
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS sen2;
SELECT plan(23);

CREATE ROLE tap_la_a LOGIN IN ROLE sen2_writer;
CREATE ROLE tap_la_b LOGIN IN ROLE sen2_writer;
CREATE ROLE tap_region LOGIN IN ROLE sen2_reader;
CREATE ROLE tap_nobody LOGIN;
INSERT INTO sen2.la_access (role_name, la_code) VALUES ('tap_la_a', '201'), ('tap_la_b', '202'), ('tap_region', '*');
SELECT sen2.new_return('203', 2026, 'nobody''s');

SET ROLE tap_la_a;
SELECT lives_ok($$SELECT sen2.new_return('201', 2026, 'A')$$, 'a writer creates a return for its own LA');
SELECT throws_ok($$SELECT sen2.new_return('202', 2026, 'B by A')$$, '42501', NULL,
                 'a writer cannot create a return for another LA');
SELECT lives_ok($$INSERT INTO sen2.person (return_id, surname) SELECT return_id, 'Alpha' FROM sen2.return$$,
                'a writer adds persons to its returns');
SELECT is((SELECT count(*) FROM sen2.return), 1::bigint, 'LA A sees one return');
RESET ROLE;

SET ROLE tap_la_b;
SELECT lives_ok($$SELECT sen2.new_return('202', 2026, 'B')$$, 'LA B creates its return');
SELECT is((SELECT string_agg(la_code, ',') FROM sen2.return), '202', 'LA B sees only its own return');
SELECT is((SELECT count(*) FROM sen2.person), 0::bigint, 'LA B sees none of LA A''s persons');
SELECT throws_ok(format('INSERT INTO sen2.person (return_id, surname) VALUES (%s, %L)',
                        (SELECT max(return_id) FROM sen2.return) - 1, 'Intruder'),
                 '42501', NULL, 'LA B cannot add a person to a return it cannot see');
SELECT is((SELECT count(*) FROM sen2.collection), 5::bigint, 'writers read the reference data');
SELECT throws_ok($$INSERT INTO sen2.ref_code (collection_year, code_set, code, label) VALUES (2026, 'sex', 'X', 'x')$$,
                 '42501', NULL, 'only sen2_admin changes reference data');
RESET ROLE;

SET ROLE tap_region;
SELECT is((SELECT string_agg(la_code, ',' ORDER BY la_code) FROM sen2.return), '201,202,203', 'a regional role sees every LA');
SELECT throws_ok($$DELETE FROM sen2.person$$, '42501', NULL, 'a reader cannot change data');
RESET ROLE;

SET ROLE tap_nobody;
SELECT throws_ok($$SELECT count(*) FROM sen2.return$$, '42501', NULL, 'a role outside the sen2 groups has no access');
RESET ROLE;

-- Views run with the caller's rights (so row-level security applies).
SELECT is((SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'sen2' AND c.relkind = 'v'
              AND NOT coalesce('security_invoker=true' = ANY (c.reloptions), false)), 0::bigint,
          'every sen2 view is security_invoker');

-- Every function runs with its caller's rights, and every SQL or PL/pgSQL
-- one with a fixed search_path (C functions name their objects themselves).
SELECT is((SELECT count(*) FROM pg_proc p WHERE p.pronamespace = 'sen2'::regnamespace AND p.prosecdef),
          0::bigint, 'no sen2 function is SECURITY DEFINER');
SELECT is((SELECT string_agg(p.oid::regprocedure::text, ', ')
             FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
            WHERE p.pronamespace = 'sen2'::regnamespace AND l.lanname IN ('sql', 'plpgsql')
              AND NOT coalesce(p.proconfig::text ~ 'search_path=', false)),
          NULL, 'every SQL and PL/pgSQL function of sen2 fixes its search_path');

-- A hostile object earlier in the search_path does not hijack sen2's functions.
CREATE SCHEMA tap_evil;
CREATE FUNCTION tap_evil.now() RETURNS timestamptz LANGUAGE sql AS $$SELECT '1999-01-01'::timestamptz$$;
CREATE FUNCTION tap_evil.to_char(timestamp, text) RETURNS text LANGUAGE sql AS $$SELECT 'hijacked'$$;
CREATE TABLE tap_evil.collection (collection_year int, reference_date date);
SET search_path = tap_evil, public;
SELECT sen2.new_return('201', 2025) AS evil_rid \gset
RESET search_path;
SELECT is((SELECT reference_date FROM sen2.return WHERE return_id = :evil_rid),
          '2025-01-16', 'new_return reads sen2.collection, not a look-alike');
SELECT ok((SELECT date_time ~ '^\d{4}-\d\d-\d\dT' FROM sen2.return WHERE return_id = :evil_rid),
          'new_return calls pg_catalog functions, not look-alikes');

-- The C functions that run sen2's own queries fix their search_path too
-- (the aggregate sen2.xml_agg names its operators instead: a SET clause
-- would be applied for every row).
SELECT is((SELECT string_agg(p.oid::regprocedure::text, ', ' ORDER BY p.oid::regprocedure::text)
             FROM pg_proc p
            WHERE p.pronamespace = 'sen2'::regnamespace
              AND p.prosrc IN ('sen2_validate_builtin', 'sen2_return_xml', 'sen2_return_xml_rows',
                               'sen2_synthesize_into', 'sen2_stat_case_rows', 'sen2_stat_case_store',
                               'sen2_load_xml_text', 'sen2_load_xml_bytea', 'sen2_load_xml_file',
                               'sen2_load_xml_lo', 'sen2_validate_xml_text', 'sen2_validate_xml_bytea')
              AND NOT coalesce(p.proconfig::text ~ 'search_path=', false)),
          NULL, 'every C function that runs sen2''s own queries fixes its search_path');

-- ... so an operator planted earlier in the search path changes nothing:
-- here an = on text that is never true
SELECT sen2.synthesize('886', 2026, 60, 5, 0.1) AS evil_synth \gset
-- what the four produce, as digests (no = on text in here)
CREATE FUNCTION pg_temp.outputs(rid bigint) RETURNS TABLE (xml text, facts text, findings text, agg text)
LANGUAGE sql AS $$
SELECT md5(sen2.return_xml_text(rid)),
       (SELECT md5(string_agg(x::text, ',' ORDER BY x.request_id)) FROM sen2.stat_case_rows() x),
       (SELECT md5(string_agg(f::text, ',' ORDER BY f::text)) FROM sen2.validate_builtin(rid) f),
       (SELECT md5(sen2.xml_agg(p, r, p.seq, p.person_id ORDER BY p.seq, p.person_id)::text)
          FROM sen2.person p JOIN sen2.return r USING (return_id) WHERE r.return_id = rid)
$$;
SELECT * FROM pg_temp.outputs(:evil_synth) \gset good_
-- (the values are taken under the planted operator and compared after, as
-- pgTAP's own comparisons would use it too)
CREATE FUNCTION tap_evil.text_never_equal(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$SELECT false$$;
CREATE OPERATOR tap_evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = tap_evil.text_never_equal);
SET search_path = tap_evil, pg_catalog, public;
SELECT * FROM pg_temp.outputs(:evil_synth) \gset evil_
RESET search_path;
SELECT is(:'evil_xml'::text, :'good_xml'::text, 'return_xml_text is not hijacked by a planted =');
SELECT is(:'evil_facts'::text, :'good_facts'::text, 'stat_case_rows is not hijacked by a planted =');
SELECT is(:'evil_findings'::text, :'good_findings'::text, 'validate_builtin is not hijacked by a planted =');
SELECT is(:'evil_agg'::text, :'good_agg'::text, 'the aggregate sen2.xml_agg is not hijacked by a planted =');

SELECT * FROM finish();
ROLLBACK;
