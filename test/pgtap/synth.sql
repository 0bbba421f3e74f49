-- sen2.synthesize: interface, bad arguments, privileges and the fast path.
BEGIN;
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS sen2;
SELECT plan(35);

SELECT has_function('sen2', 'synthesize', ARRAY['text', 'integer', 'integer', 'integer', 'double precision']);
SELECT has_function('sen2', 'synthesize_into', ARRAY['bigint', 'integer', 'integer', 'double precision']);
SELECT has_table('sen2', 'synthetic_defect_kind', 'defect kinds are data');
SELECT has_table('sen2', 'synthetic_defect', 'planted defects are recorded');
SELECT is((SELECT count(*) FROM pg_proc WHERE pronamespace = 'sen2'::regnamespace
             AND proname IN ('synthesize', 'synthesize_into') AND prosecdef), 0::bigint, 'SECURITY INVOKER');
SELECT ok((SELECT proconfig @> ARRAY['search_path=pg_catalog, pg_temp'] FROM pg_proc
            WHERE oid = 'sen2.synthesize(text, int, int, int, float8)'::regprocedure), 'fixed search_path');

-- bad arguments: clear errors with their codes
SELECT throws_ok($$SELECT sen2.synthesize(NULL, 2026, 10, 1)$$, '22004', NULL, 'NULL LA');
SELECT throws_ok($$SELECT sen2.synthesize('886', 2026, NULL, 1)$$, '22004', NULL, 'NULL persons');
SELECT throws_ok($$SELECT sen2.synthesize('886', 2026, 10, 1, NULL)$$, '22004', NULL, 'NULL defect rate');
SELECT throws_ok($$SELECT sen2.synthesize('999', 2026, 10, 1)$$, '22023',
                 '"999" is not an English LA number in collection year 2026', 'unknown LA');
SELECT throws_ok($$SELECT sen2.synthesize('661', 2026, 10, 1)$$, '22023', NULL, 'Welsh LA');
SELECT throws_ok($$SELECT sen2.synthesize('909', 2026, 10, 1)$$, '22023', NULL, 'LA abolished before the year (Cumbria)');
SELECT throws_ok($$SELECT sen2.synthesize('886', 2031, 10, 1)$$, '22023', 'collection year 2031 is not known', 'unknown year');
SELECT throws_ok($$SELECT sen2.synthesize('886', 2026, -1, 1)$$, '22023', 'number of persons -1 is out of range', 'negative persons');
SELECT throws_ok($$SELECT sen2.synthesize('886', 2026, 5000001, 1)$$, '22023', NULL, 'too many persons');
SELECT throws_ok($$SELECT sen2.synthesize('886', 2026, 10, 1, 1.5)$$, '22023', 'defect rate 1.5 is not between 0 and 1', 'rate above 1');
SELECT throws_ok($$SELECT sen2.synthesize('886', 2026, 10, 1, -0.1)$$, '22023', NULL, 'negative rate');
SELECT throws_ok($$SELECT sen2.synthesize('886', 2026, 10, 1, 'NaN')$$, '22023', NULL, 'NaN rate');
SELECT throws_ok($$SELECT sen2.synthesize_into(NULL, 10, 1, 0)$$, '22004', NULL, 'NULL return id');
SELECT throws_ok($$SELECT sen2.synthesize_into(-42, 10, 1, 0)$$, 'P0002', 'return -42 does not exist', 'missing return');
SELECT throws_ok(format('SELECT sen2.synthesize_into(%s, 10, 1, 0)', sen2.synthesize('886', 2026, 5, 1)),
                 '55000', NULL, 'a return that already has persons');
SELECT is(current_setting('session_replication_role'), 'origin', 'replication role restored after errors');

-- the defect kinds name rules of the catalogue's id scheme
SELECT is((SELECT count(*) FROM sen2.synthetic_defect_kind
            WHERE expected_rule_id !~ '^(H|P|R|A|N|AP|L)[0-9]{2}[a-z]?$'
               OR EXISTS (SELECT 1 FROM unnest(also_rules) a WHERE a !~ '^(H|P|R|A|N|AP|L)[0-9]{2}[a-z]?$')),
          0::bigint, 'rule ids follow the catalogue scheme');
SELECT is((SELECT count(*) FROM sen2.synthetic_defect_kind k
            WHERE k.table_name <> 'return'
              AND NOT EXISTS (SELECT 1 FROM sen2.element e WHERE e.element = k.item
                               AND (e.module IN (k.table_name, k.module) OR e.kind = 'group'))),
          0::bigint, 'every kind names an item or group of the layout');
SELECT cmp_ok((SELECT count(*) FROM sen2.synthetic_defect_kind), '>=', 80::bigint, 'at least 80 kinds');
-- once the rule catalogue is installed, every rule a kind names must exist in it
CREATE FUNCTION pg_temp.unknown_rules() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    EXECUTE $q$SELECT count(*) FROM sen2.synthetic_defect_kind k,
                      unnest(k.expected_rule_id || k.also_rules) AS r(id)
                WHERE NOT EXISTS (SELECT 1 FROM sen2.rule WHERE rule.id = r.id)$q$ INTO n;
    RETURN n;
END $$;
SELECT CASE WHEN to_regclass('sen2.rule') IS NULL THEN skip('no rule catalogue in this build', 1)
            ELSE is(pg_temp.unknown_rules(), 0::bigint, 'every rule a kind names is in sen2.rule') END;
SELECT is((SELECT count(*) FROM sen2.synthetic_defect_kind WHERE expected_rule_id = ANY (also_rules)), 0::bigint,
          'also_rules does not repeat the expected rule');

-- a superuser call does not leave the replication role changed
SELECT sen2.synthesize('886', 2026, 50, 9, 0.1) AS fast \gset
SELECT is(current_setting('session_replication_role'), 'origin', 'replication role restored');

-- an ordinary user gets the same rows, with the foreign keys checked
CREATE ROLE sen2_synth_tester;
GRANT USAGE ON SCHEMA sen2 TO sen2_synth_tester;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA sen2 TO sen2_synth_tester;
-- with row-level security by LA installed, the tester needs to see LA 886
DO $$ BEGIN
    IF to_regclass('sen2.la_access') IS NOT NULL THEN
        EXECUTE $q$INSERT INTO sen2.la_access (role_name, la_code) VALUES ('sen2_synth_tester', '886')$q$;
    END IF;
END $$;
SET ROLE sen2_synth_tester;
SELECT lives_ok($$SELECT sen2.synthesize('886', 2026, 50, 9, 0.1)$$, 'an ordinary user can synthesize');
RESET ROLE;
CREATE TEMP VIEW fp AS
SELECT r.return_id,
       md5(string_agg(concat_ws('|', p.seq, p.surname, p.forename, p.person_birth_date, p.sex, p.upn, p.uln,
                                (SELECT string_agg(concat_ws(',', q.seq, q.received_date, q.request_outcome), ';' ORDER BY q.seq)
                                   FROM sen2.request q WHERE q.person_id = p.person_id),
                                (SELECT string_agg(concat_ws(',', d.table_name, d.item, d.kind, d.value), ';')
                                   FROM sen2.synthetic_defect d WHERE d.person_id = p.person_id)), E'\n' ORDER BY p.seq)) AS h
  FROM sen2.return r JOIN sen2.person p USING (return_id) GROUP BY 1;
SELECT is((SELECT count(DISTINCT h) FROM fp WHERE return_id >= :fast), 1::bigint,
          'the checked path and the fast path give the same return');
SELECT is((SELECT created_by FROM sen2.return ORDER BY return_id DESC LIMIT 1), 'sen2_synth_tester'::name,
          'the ordinary user''s return');

-- a year added locally (sen2.copy_reference_year) works like a built-in one
SELECT lives_ok($$SELECT sen2.copy_reference_year(2027, 2028, '2028-01-20')$$, 'copy a year');
SELECT ok(sen2.synthesize('886', 2028, 20, 1) > 0, 'synthesize for a locally added year');
SELECT is((SELECT count(*) FROM sen2.person p JOIN sen2.return r USING (return_id)
            WHERE r.collection_year = 2028), 20::bigint, 'persons in the 2028 return');
-- withdrawing a code the generator needs is reported, not silently ignored
UPDATE sen2.ref_code SET in_use = false WHERE collection_year = 2028 AND code_set = 'request_outcome' AND code = 'H';
SELECT throws_ok($$SELECT sen2.synthesize('886', 2028, 20, 1)$$, '22023',
                 'code set "request_outcome" of collection year 2028 has no code "H"', 'a missing code is an error');

SELECT * FROM finish();
ROLLBACK;
