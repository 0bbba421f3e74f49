-- A pseudonymised copy gives the same published statistics as the original,
-- except breakdowns by age (birth dates are cut to the month).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS sen2;
RESET client_min_messages;
SELECT sen2.synthesize('886', 2026, 3000, 11) AS rid \gset
SELECT sen2.pseudonymise(:rid, 'a-long-enough-secret-key-for-tests') AS pid \gset

CREATE TEMP TABLE stat_rows (view_name text, return_id bigint, row jsonb);
\set ECHO none
SELECT format('INSERT INTO stat_rows SELECT %L, s.return_id, to_jsonb(s) - ''return_id'' FROM sen2.%I s '
              'WHERE s.level = ''return'' AND s.return_id IN (%s, %s)', v, v, :rid, :pid)
  FROM unnest(ARRAY['stat_caseload', 'stat_new_plans', 'stat_primary_need', 'stat_requests',
                    'stat_assessments', 'stat_timeliness', 'stat_annual_reviews', 'stat_personal_budgets',
                    'stat_residential', 'stat_work_based', 'stat_ceased', 'stat_designated_officers']) AS v
\gexec
\set ECHO all

-- every view has rows for both returns
SELECT view_name, count(*) FILTER (WHERE return_id = :rid) > 0 AS original_rows,
       count(*) FILTER (WHERE return_id = :pid) > 0 AS copy_rows
  FROM stat_rows GROUP BY 1 ORDER BY 1;
-- rows that differ between the original and the copy, outside age breakdowns
SELECT view_name, coalesce(row->>'breakdown_topic', '') AS topic, count(*) AS differing_rows
  FROM ((SELECT view_name, row FROM stat_rows WHERE return_id = :rid
         EXCEPT SELECT view_name, row FROM stat_rows WHERE return_id = :pid)
        UNION ALL
        (SELECT view_name, row FROM stat_rows WHERE return_id = :pid
         EXCEPT SELECT view_name, row FROM stat_rows WHERE return_id = :rid)) d
 WHERE coalesce(row->>'breakdown_topic', '') !~* 'age'
 GROUP BY 1, 2 ORDER BY 1, 2;
DROP TABLE stat_rows;
DELETE FROM sen2.return WHERE return_id IN (:rid, :pid);
