-- sen2.refresh_statistics(return_ids): refreshing the stored facts of some
-- returns only gives the same stored facts as computing all of them again,
-- drops the facts of returns deleted since, and refuses when the other
-- returns' facts were computed with other parameters (or never).
BEGIN;
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS sen2;
SELECT plan(19);

SELECT sen2.synthesize('886', 2026, 300, 11, 0.2) AS ra \gset
SELECT sen2.synthesize('201', 2026, 200, 12, 0.1) AS rb \gset
SELECT sen2.synthesize('202', 2025, 200, 13, 0) AS rc \gset
ANALYZE sen2.return, sen2.person, sen2.request, sen2.assessment, sen2.named_plan, sen2.plan_detail,
        sen2.active_plans, sen2.placement_detail, sen2.sen_need;

-- rows that differ between the stored facts and the live ones (compared by
-- column name: the store keeps the columns in another order)
CREATE FUNCTION pg_temp.stale() RETURNS bigint LANGUAGE sql AS $$
  SELECT count(*) FROM sen2.stat_case_cache a FULL JOIN sen2.stat_case b ON b.request_id = a.request_id
   WHERE to_jsonb(a.*) IS DISTINCT FROM to_jsonb(b.*)
$$;

SELECT is((SELECT count(*) FROM sen2.stat_case_rows(ARRAY[:ra, :rc]::bigint[])),
          (SELECT count(*) FROM sen2.stat_case WHERE return_id IN (:ra, :rc)),
          'stat_case_rows(return_ids) gives the rows of those returns');
SELECT is((SELECT count(*) FROM (SELECT * FROM sen2.stat_case_rows(ARRAY[:rb]::bigint[])
                                  EXCEPT ALL SELECT * FROM sen2.stat_case WHERE return_id = :rb) x),
          0::bigint, 'and the same rows as computing every return');

SELECT throws_ok(format('SELECT sen2.refresh_statistics(ARRAY[%s]::bigint[])', :ra), '55000', NULL,
                 'refreshing some returns before any full refresh is refused');
SELECT cmp_ok(sen2.refresh_statistics(), '>', 500::bigint, 'a full refresh stores every request');
SELECT is(pg_temp.stale(), 0::bigint, 'the stored facts are the live ones');

-- return A changes, return B is deleted: only A is refreshed
UPDATE sen2.named_plan SET cease_date = NULL WHERE return_id = :ra AND cease_date IS NOT NULL;
UPDATE sen2.person SET sex = 'F' WHERE return_id = :ra;
DELETE FROM sen2.return WHERE return_id = :rb;
SELECT cmp_ok(pg_temp.stale(), '>', 0::bigint, 'after the changes the stored facts are stale');
SELECT is(sen2.refresh_statistics(ARRAY[:ra]::bigint[]), (SELECT count(*) FROM sen2.request),
          'refreshing the changed return: every request stored once');
SELECT is(pg_temp.stale(), 0::bigint, 'the stored facts are the live ones again, the deleted return gone');
SELECT is((SELECT cases FROM sen2.stat_cache_status), (SELECT count(*) FROM sen2.request),
          'stat_cache_status counts the stored requests');

-- the views read the stored facts in the columns and order of stat_case
SET LOCAL sen2.use_cache = on;
SELECT ok(sen2.stat_cache_in_use(), 'the stored facts are in use');
SELECT is((SELECT count(*) FROM ((SELECT * FROM sen2.stat_case_facts EXCEPT ALL SELECT * FROM sen2.stat_case)
                                 UNION ALL
                                 (SELECT * FROM sen2.stat_case EXCEPT ALL SELECT * FROM sen2.stat_case_facts)) x),
          0::bigint, 'stat_case_facts gives the stored facts column for column as stat_case');
SELECT is((SELECT string_agg(format_type(atttypid, NULL), ',' ORDER BY attnum) FROM pg_attribute
            WHERE attrelid = 'sen2.stat_case_cache'::regclass AND attnum BETWEEN 1 AND 7),
          'boolean,boolean,boolean,boolean,boolean,boolean,boolean',
          'the stored facts keep the true/false states first');
RESET sen2.use_cache;

-- the store writes straight into the table: it refuses what INSERT would check
SAVEPOINT altered;
CREATE FUNCTION pg_temp.no_rows() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
CREATE TRIGGER no_rows BEFORE INSERT ON sen2.stat_case_cache FOR EACH ROW EXECUTE FUNCTION pg_temp.no_rows();
SELECT throws_ok('SELECT sen2.refresh_statistics()', '55000', 'sen2.stat_case_cache is not the table sen2 created',
                 'a trigger on the stored facts is refused, not bypassed');
ROLLBACK TO SAVEPOINT altered;
ALTER TABLE sen2.stat_case_cache ADD COLUMN note text;
SELECT throws_ok('SELECT sen2.refresh_statistics()', '55000', 'sen2.stat_case_cache is not the table sen2 created',
                 'a column added to the stored facts is refused');
ROLLBACK TO SAVEPOINT altered;
-- an index a DBA adds is kept up to date
CREATE INDEX stat_case_cache_test ON sen2.stat_case_cache (return_id, request_id);
SELECT lives_ok('SELECT sen2.refresh_statistics()', 'a refresh with an index on the stored facts works');
SET LOCAL enable_seqscan = off;
SET LOCAL enable_bitmapscan = off;
SELECT is((SELECT count(*) FROM sen2.stat_case_cache WHERE return_id = :ra AND request_id > 0),
          (SELECT count(*) FROM sen2.request WHERE return_id = :ra),
          'and the index finds every stored row');
RESET enable_seqscan;
RESET enable_bitmapscan;
ROLLBACK TO SAVEPOINT altered;
CREATE ROLE sen2_test_store_reader;
GRANT sen2_reader TO sen2_test_store_reader;
SET LOCAL ROLE sen2_test_store_reader;
SELECT throws_ok('SELECT sen2.stat_case_store(NULL)', '42501', NULL,
                 'storing facts needs INSERT on the table');
RESET ROLE;

-- other parameters: a partial refresh would mix two definitions
SET LOCAL sen2.caseload_age_basis = 'august_31';
SELECT throws_ok(format('SELECT sen2.refresh_statistics(ARRAY[%s]::bigint[])', :ra), '55000', NULL,
                 'refreshing some returns with other parameters is refused');
SELECT lives_ok('SELECT sen2.refresh_statistics()', 'a full refresh with the new parameters works');

SELECT * FROM finish();
ROLLBACK;
