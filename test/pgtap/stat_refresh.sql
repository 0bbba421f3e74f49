-- sen2.refresh_statistics(return_ids): refreshing the stored facts of some
-- returns only gives the same stored facts as computing all of them again,
-- drops the facts of returns deleted since, and refuses when the other
-- returns' facts were computed with other parameters (or never).
BEGIN;
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS sen2;
SELECT plan(11);

SELECT sen2.synthesize('886', 2026, 300, 11, 0.2) AS ra \gset
SELECT sen2.synthesize('201', 2026, 200, 12, 0.1) AS rb \gset
SELECT sen2.synthesize('202', 2025, 200, 13, 0) AS rc \gset
ANALYZE sen2.return, sen2.person, sen2.request, sen2.assessment, sen2.named_plan, sen2.plan_detail,
        sen2.active_plans, sen2.placement_detail, sen2.sen_need;

-- rows that differ between the stored facts and the live ones
CREATE FUNCTION pg_temp.stale() RETURNS bigint LANGUAGE sql AS $$
  SELECT count(*) FROM sen2.stat_case_cache a FULL JOIN sen2.stat_case b ON b.request_id = a.request_id
   WHERE ROW(a.*) IS DISTINCT FROM ROW(b.*)
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

-- other parameters: a partial refresh would mix two definitions
SET LOCAL sen2.caseload_age_basis = 'august_31';
SELECT throws_ok(format('SELECT sen2.refresh_statistics(ARRAY[%s]::bigint[])', :ra), '55000', NULL,
                 'refreshing some returns with other parameters is refused');
SELECT lives_ok('SELECT sen2.refresh_statistics()', 'a full refresh with the new parameters works');

SELECT * FROM finish();
ROLLBACK;
