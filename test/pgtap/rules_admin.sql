-- Running, history, overrides, local rules and the import of the DfE's
-- wording, over the clean return (test/fixtures/clean_return.sql).
BEGIN;
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS sen2;
\ir ../fixtures/clean_return.sql

SELECT plan(59);

SELECT pg_temp.sen2_clean_return('886', 2026) AS rid \gset
SELECT pg_temp.sen2_clean_return('886', 2026) AS rid2 \gset

CREATE FUNCTION pg_temp.ids(rid bigint) RETURNS text[] LANGUAGE sql AS
$$ SELECT coalesce(array_agg(rule_id ORDER BY rule_id, location), '{}') FROM sen2.validate(rid) $$;

-- bad calls -----------------------------------------------------------------
SELECT throws_ok('SELECT * FROM sen2.validate(NULL)', '22004', NULL, 'validate(NULL) is refused');
SELECT throws_ok('SELECT * FROM sen2.validate(-1)', 'P0002', 'return -1 does not exist', 'an unknown return is an error');
SELECT throws_ok('SELECT * FROM sen2.validate_builtin(-1)', 'P0002', 'return -1 does not exist',
                 'validate_builtin checks the return too');
SET LOCAL sen2.decide_to_assess_days = 'six weeks';
SELECT throws_ok(format('SELECT * FROM sen2.validate(%s)', :rid), '22023',
                 'invalid value for setting "sen2.decide_to_assess_days": "six weeks"',
                 'a malformed threshold setting is an error');
RESET sen2.decide_to_assess_days;

-- hostile values are reported, clipped, never a crash
UPDATE sen2.person SET surname = repeat('é', 1000000) WHERE return_id = :rid AND source_id = 'P2';
UPDATE sen2.request SET received_date = repeat('9', 2000000) WHERE return_id = :rid AND source_id = 'P3-R1';
SELECT results_eq(
  format($$SELECT rule_id, octet_length(value) <= 1003, right(value, 3), char_length(person_name) FROM sen2.validate_builtin(%s)
            ORDER BY rule_id$$, :rid),
  $$VALUES ('L03', true, '...', 8)$$,
  'a 2 MB value is reported cut to 1,000 bytes');
SELECT is((SELECT right(person_name, 3) FROM sen2.validate_builtin(:rid) f
            JOIN sen2.person p ON p.return_id = :rid AND p.source_id = 'P2' AND f.person_source_id = 'P2' LIMIT 1),
          NULL, 'no finding for the long surname itself (names are free text)');
UPDATE sen2.person SET surname = 'Bell' WHERE return_id = :rid AND source_id = 'P2';
UPDATE sen2.request SET received_date = (SELECT to_char(period_start + 100, 'YYYY-MM-DD') FROM sen2.collection WHERE collection_year = 2026)
 WHERE return_id = :rid AND source_id = 'P3-R1';
SELECT is(pg_temp.ids(:rid), '{}', 'back to clean');
DELETE FROM sen2.validation_run;

-- history -----------------------------------------------------------------
UPDATE sen2.person SET sex = 'X', post_code = NULL WHERE return_id = :rid AND source_id = 'P1';
UPDATE sen2.request SET request_outcome_date = to_char(sen2.iso_date(received_date) + 50, 'YYYY-MM-DD')
 WHERE return_id = :rid AND source_id = 'P3-R1';
SELECT is(pg_temp.ids(:rid), '{L01,P01b,R05}', 'three findings');
SELECT is((SELECT count(*) FROM sen2.validation_run WHERE return_id = :rid), 1::bigint, 'the run is recorded');
SELECT results_eq(
  format($$SELECT collection_year, errors, queries, persons, local_rules, broken_rules, finished_at >= started_at,
                  run_by = session_user, rule_set_version LIKE 'sen2 0.1 rules %%', failure
             FROM sen2.validation_run WHERE return_id = %s$$, :rid),
  $$VALUES (2026, 2::bigint, 1::bigint, 9::bigint, 0, 0, true, true, true, NULL::text)$$,
  'the run has its counts, times, user and rule set version');
SELECT is((SELECT count(*) FROM sen2.validation_finding f JOIN sen2.validation_run r USING (run_id)
            WHERE r.return_id = :rid), 3::bigint, 'its findings are stored');
SELECT results_eq(
  format($$SELECT rule_id, severity, findings FROM sen2.finding_summary WHERE return_id = %s ORDER BY rule_id$$, :rid),
  $$VALUES ('L01', 'error', 1::bigint), ('P01b', 'error', 1::bigint), ('R05', 'query', 1::bigint)$$,
  'finding_summary counts per rule and severity');
UPDATE sen2.person SET sex = 'M' WHERE return_id = :rid AND source_id = 'P1';
SELECT is(pg_temp.ids(:rid), '{L01,R05}', 'a second run');
SELECT is((SELECT array_agg(rule_id ORDER BY rule_id) FROM sen2.findings WHERE return_id = :rid), '{L01,R05}',
          'sen2.findings shows the latest run only');
SELECT is((SELECT count(*) FROM sen2.validation_finding f JOIN sen2.validation_run r USING (run_id)
            WHERE r.return_id = :rid), 5::bigint, 'earlier runs stay in the history');
SELECT is((SELECT count(DISTINCT rule_set_version) FROM sen2.validation_run WHERE return_id = :rid), 1::bigint,
          'same rules, same rule set version');

-- overrides -----------------------------------------------------------------
INSERT INTO sen2.rule_override (rule_id, severity) VALUES ('R05', 'error');
SELECT is((SELECT severity FROM sen2.validate(:rid) WHERE rule_id = 'R05'), 'error', 'an override turns a query into an error');
SELECT is((SELECT errors FROM sen2.validation_run WHERE return_id = :rid ORDER BY run_id DESC LIMIT 1), 2::bigint,
          'the run counts it as an error');
SELECT is((SELECT count(DISTINCT rule_set_version) FROM sen2.validation_run WHERE return_id = :rid), 2::bigint,
          'an override changes the rule set version');
UPDATE sen2.rule_override SET severity = NULL, enabled = false WHERE rule_id = 'R05';
SELECT is(pg_temp.ids(:rid), '{L01}', 'an override disables a rule');
INSERT INTO sen2.rule_override (rule_id, message) VALUES ('L01', 'Item missing (local wording)');
SELECT is((SELECT message FROM sen2.validate(:rid)), 'Item missing (local wording): PostCode is missing',
          'an override rewords a message');
UPDATE sen2.person SET sex = 'X' WHERE return_id = :rid AND source_id = 'P1';
INSERT INTO sen2.rule_override (rule_id, enabled) VALUES ('P01b', false);
SELECT is(pg_temp.ids(:rid), '{L01}', 'disabling a rule that owns a layout check silences that check for its items');
UPDATE sen2.rule_override SET enabled = NULL WHERE rule_id = 'P01b';
INSERT INTO sen2.rule_override (rule_id, enabled) VALUES ('L04', false);
UPDATE sen2.sen_need SET sen_type_rank = '3' WHERE return_id = :rid AND source_id = 'P1-R1-AP-S2';
SELECT is(pg_temp.ids(:rid), '{L01,P01b}', 'disabling L04 leaves the specific code rules running');
DELETE FROM sen2.rule_override;
UPDATE sen2.sen_need SET sen_type_rank = '2' WHERE return_id = :rid AND source_id = 'P1-R1-AP-S2';
UPDATE sen2.person SET sex = 'M' WHERE return_id = :rid AND source_id = 'P1';
SELECT throws_ok($$UPDATE sen2.rule SET enabled = false WHERE id = 'P09'$$, '42501', NULL,
                 'built-in rules cannot be edited in place');
SELECT throws_ok($$DELETE FROM sen2.rule WHERE id = 'P09'$$, '42501', NULL, 'nor deleted');
SELECT throws_ok($$INSERT INTO sen2.rule (id, severity, message, origin) VALUES ('X1', 'error', 'x', 'builtin')$$,
                 '42501', NULL, 'nor added');
SELECT throws_ok($$INSERT INTO sen2.rule_override (rule_id, enabled) VALUES ('NOPE', false)$$, '23503', NULL,
                 'an override names a catalogue rule');

-- local rules ---------------------------------------------------------------
SELECT is(sen2.register_rule('LA_POSTCODE', 'query', 'Home postcode outside the county',
  $$SELECT 'person' AS table_name, person_id AS row_id, 'PostCode' AS item, post_code AS value
      FROM sen2.person WHERE return_id = $1 AND post_code NOT LIKE 'CT%'$$, module => 'person'),
  'LA_POSTCODE', 'register_rule returns the id');
SELECT results_eq(
  format($$SELECT rule_id, severity, module, item, value, message, person_source_id, person_name,
                  table_name, source_id, location
             FROM sen2.validate(%s) WHERE rule_id = 'LA_POSTCODE' ORDER BY location$$, :rid),
  $$VALUES ('LA_POSTCODE', 'query', 'person', 'PostCode', 'ME1 2AB', 'Home postcode outside the county', 'P2', 'Bea Bell',
            'person', 'P2', 'Person[2]'),
           ('LA_POSTCODE', 'query', 'person', 'PostCode', 'ME4 5GH', 'Home postcode outside the county', 'P5', 'Eli Evans',
            'person', 'P5', 'Person[5]'),
           ('LA_POSTCODE', 'query', 'person', 'PostCode', 'ME7 1AA', 'Home postcode outside the county', 'P9', 'Ivy Iqbal',
            'person', 'P9', 'Person[9]')$$,
  'a local rule gives findings of the same shape, located like the built-in ones');
SELECT sen2.register_rule('LA_LATE_PLACEMENT', 'error', 'Placement recorded late',
  $$SELECT 'placement_detail' AS table_name, d.placement_detail_id AS row_id, 'EntryDate' AS item,
           d.entry_date AS value, 'entered ' || d.entry_date AS message
      FROM sen2.placement_detail d WHERE d.return_id = $1 AND d.source_id = 'P8-R1-AP-PD3'$$);
SELECT sen2.register_rule('LA_FEW', 'query', 'Fewer persons than last year',
  $$SELECT count(*)::text AS value FROM sen2.person WHERE return_id = $1 HAVING count(*) < 100$$);
SELECT results_eq(
  format($$SELECT rule_id, severity, message, location, table_name, value FROM sen2.validate(%s)
            WHERE rule_id IN ('LA_LATE_PLACEMENT', 'LA_FEW') ORDER BY rule_id$$, :rid),
  format($$VALUES ('LA_FEW', 'query', 'Fewer persons than last year', 'Persons', NULL, '9'),
                  ('LA_LATE_PLACEMENT', 'error', 'Placement recorded late: entered %s',
                   'Person[8]/Requests[1]/ActivePlans/PlacementDetail[3]', 'placement_detail', %L)$$,
         (SELECT entry_date FROM sen2.placement_detail WHERE return_id = :rid AND source_id = 'P8-R1-AP-PD3'),
         (SELECT entry_date FROM sen2.placement_detail WHERE return_id = :rid AND source_id = 'P8-R1-AP-PD3')),
  'a local rule''s message column is added to the rule''s message; a rule without rows reports on the return');
SELECT throws_ok($$SELECT sen2.register_rule('LA_BAD', 'error', 'x', 'SELECT person_id AS id FROM sen2.person WHERE return_id = $1')$$,
                 '42P10', 'local rule LA_BAD returns unknown column(s) id', 'unknown columns are refused at registration');
SELECT throws_ok($$SELECT sen2.register_rule('LA_BAD', 'error', 'x', 'SELEC 1')$$, '42601', NULL,
                 'a syntax error is refused at registration');
SELECT throws_ok($$SELECT sen2.register_rule('LA_BAD', 'error', 'x',
                   'WITH d AS (DELETE FROM sen2.person WHERE return_id = $1 RETURNING person_id) SELECT person_id AS row_id FROM d')$$,
                 '22023', 'the query of a local rule must be a SELECT that changes nothing',
                 'a query that changes data is refused');
SELECT throws_ok($$SELECT sen2.register_rule('LA_BAD', 'error', 'x', 'SELECT 1 AS value; SELECT 2 AS value')$$,
                 '22023', NULL, 'several statements are refused');
SELECT throws_ok($$SELECT sen2.register_rule('P09', 'error', 'x', 'SELECT 1 AS value')$$, '23505',
                 'rule id P09 is a built-in rule', 'a local rule cannot take a built-in id');
SELECT throws_ok($$SELECT sen2.register_rule('LA_FEW', 'error', 'x', 'SELECT 1 AS value')$$, '23505',
                 'local rule LA_FEW already exists', 'nor silently replace a local rule');
SELECT throws_ok($$SELECT sen2.register_rule('LA_BAD', 'warning', 'x', 'SELECT 1 AS value')$$, '22023', NULL,
                 'the severity is error or query');
SELECT lives_ok($$SELECT sen2.register_rule('LA_FEW', 'query', 'Fewer persons than expected',
                  'SELECT count(*)::text AS value FROM sen2.person WHERE return_id = $1 HAVING count(*) < 5', replace => true)$$,
                'replace => true redefines a local rule');
-- broken at run time: a runtime error, and a table dropped after registration
SELECT sen2.register_rule('LA_DIV', 'query', 'Ratio', 'SELECT (1 / (count(*) - count(*)))::text AS value FROM sen2.person WHERE return_id = $1');
CREATE TABLE pg_temp.la_watch (upn text);
SELECT sen2.register_rule('LA_WATCH', 'query', 'On the watch list',
  'SELECT ''person'' AS table_name, p.person_id AS row_id FROM sen2.person p JOIN pg_temp.la_watch w USING (upn) WHERE p.return_id = $1');
DROP TABLE pg_temp.la_watch;
SELECT results_eq(
  format($$SELECT rule_id, severity, message FROM sen2.validate(%s) WHERE rule_id IN ('LA_DIV', 'LA_WATCH') ORDER BY 1$$, :rid),
  $$VALUES ('LA_DIV', 'error', 'local rule LA_DIV failed and was not applied: division by zero (SQLSTATE 22012)'),
           ('LA_WATCH', 'error', 'local rule LA_WATCH failed and was not applied: relation "pg_temp.la_watch" does not exist (SQLSTATE 42P01)')$$,
  'a broken local rule is an error finding naming the rule and the SQL error');
SELECT results_eq(
  format($$SELECT local_rules, broken_rules, errors > 0 FROM sen2.validation_run WHERE return_id = %s ORDER BY run_id DESC LIMIT 1$$, :rid),
  $$VALUES (5, 2, true)$$, 'the run counts local and broken rules, and went on with the others');
SELECT is((SELECT count(*) FROM sen2.findings WHERE return_id = :rid AND rule_id = 'LA_POSTCODE'), 3::bigint,
          'the other local rules still ran');
-- a local rule cannot change data, even through a function
CREATE FUNCTION pg_temp.sneaky() RETURNS text LANGUAGE sql AS $$ DELETE FROM sen2.person WHERE false; SELECT 'x' $$;
SELECT sen2.register_rule('LA_SNEAKY', 'query', 'Sneaky', 'SELECT pg_temp.sneaky() AS value');
SELECT is((SELECT message FROM sen2.validate(:rid) WHERE rule_id = 'LA_SNEAKY'),
          'local rule LA_SNEAKY failed and was not applied: cannot execute DELETE in a read-only transaction (SQLSTATE 25006)',
          'local rules run read-only');
SELECT is(current_setting('transaction_read_only'), 'off', 'and the transaction is writable again afterwards');
UPDATE sen2.rule SET enabled = false WHERE id IN ('LA_DIV', 'LA_WATCH', 'LA_SNEAKY');
SELECT max(run_id) AS lastrun FROM sen2.validate(:rid) \gset
SELECT is((SELECT broken_rules FROM sen2.validation_run WHERE run_id = :lastrun), 0,
          'a local rule can be disabled in the catalogue');
SELECT isnt(sen2.rule_set_version(2026), (SELECT rule_set_version FROM sen2.validation_run WHERE return_id = :rid ORDER BY run_id LIMIT 1),
            'local rules are part of the rule set version');
DELETE FROM sen2.rule WHERE origin = 'local';

-- the DfE's wording ---------------------------------------------------------
SET LOCAL client_min_messages = error;
SELECT is(sen2.import_rule_messages(E'Rule ID,Severity,Message\r\nP09,Q,"Possible duplicate pupil: check ""name"", DOB"\r\nR05,E,Late decision\r\nX999,E,Not ours\r\n\r\n'),
          2, 'import_rule_messages maps known ids and returns how many');
RESET client_min_messages;
SELECT results_eq($$SELECT id, severity, message, overridden FROM sen2.rule_effective WHERE id IN ('P09', 'R05') ORDER BY id$$,
  $$VALUES ('P09', 'query', 'Possible duplicate pupil: check "name", DOB', true), ('R05', 'error', 'Late decision', true)$$,
  'the official wording and severity are in force');
SELECT is((SELECT message FROM sen2.rule WHERE id = 'P09'),
          'Probable duplicate person: same surname, forename and date of birth as another person',
          'the catalogue row itself is unchanged (the import writes overrides)');
SELECT throws_ok($$SELECT sen2.import_rule_messages(E'id,message,severity\nP09,x,Q\nX999,y,E', strict => true)$$,
                 '42704', '1 rule id(s) in the CSV are not in the catalogue: X999', 'strict: unknown ids are an error');
SELECT is((SELECT message FROM sen2.rule_effective WHERE id = 'P09'), 'Possible duplicate pupil: check "name", DOB',
          '... and nothing was imported');
SELECT is(sen2.import_rule_messages(E'A04,"Two\nlines",query'), 1, 'a CSV without a header is id, message, severity');
SELECT is((SELECT message || '/' || severity FROM sen2.rule_effective WHERE id = 'A04'), E'Two\nlines/query',
          'quoted fields keep their line breaks');
SELECT throws_ok($$SELECT sen2.import_rule_messages(E'id,message,severity\nP09,x,Warning')$$, '22023',
                 'invalid severity "warning" for rule P09 on CSV line 2', 'an unknown severity is an error');
SELECT throws_ok($$SELECT sen2.import_rule_messages(E'id,message\nP09,"unterminated')$$, '22P02', NULL,
                 'malformed CSV is an error');
SELECT results_eq($$SELECT r FROM sen2.parse_csv(E'\xEF\xBB\xBFa,"b,c",\r"",x\n\n;1') r$$,
                  $$VALUES (ARRAY['a', 'b,c', '']), (ARRAY['', 'x']), (ARRAY[';1'])$$,
                  'parse_csv: byte-order mark, quoted delimiters, empty fields, CR line ends, blank lines');
SELECT results_eq($$SELECT r FROM sen2.parse_csv(E'a;"b;c"\n1;2', ';') r$$,
                  $$VALUES (ARRAY['a', 'b;c']), (ARRAY['1', '2'])$$, 'parse_csv with another delimiter');
DELETE FROM sen2.rule_override;

-- validate_all ----------------------------------------------------------------
INSERT INTO sen2.return (la_code, collection_year) VALUES ('886', 2031) RETURNING return_id AS rid3 \gset
SET LOCAL client_min_messages = error;
SELECT results_eq(
  format($$SELECT return_id, errors, queries, persons, failure
             FROM sen2.validate_all(2026) WHERE return_id IN (%s, %s) ORDER BY return_id$$, :rid, :rid2),
  format($$VALUES (%s::bigint, 1::bigint, 1::bigint, 9::bigint, NULL::text), (%s, 0, 0, 9, NULL)$$, :rid, :rid2),
  'validate_all validates every return of a year');
SELECT results_eq(
  format($$SELECT return_id, errors, failure FROM sen2.validate_all() WHERE return_id = %s$$, :rid3),
  format($$VALUES (%s::bigint, NULL::bigint, 'collection year 2031 is not known (SQLSTATE 22023)')$$, :rid3),
  'a return that cannot be validated is recorded as a failed run');
RESET client_min_messages;
SELECT is((SELECT count(*) FROM sen2.validation_run WHERE return_id = :rid3 AND failure IS NOT NULL), 1::bigint,
          'the failure is in the history');

SELECT * FROM finish();
ROLLBACK;
