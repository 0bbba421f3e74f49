-- Reference data: effective views, local overrides, copying a year.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS sen2;
RESET client_min_messages;

SELECT collection_year, reference_date, period_start, period_end FROM sen2.collection ORDER BY 1;
SELECT code_set, count(*) FROM sen2.code WHERE collection_year = 2026 GROUP BY 1 ORDER BY 1;
-- codes that exist only in some years
SELECT code_set, code, min(collection_year), max(collection_year)
  FROM sen2.code WHERE code IN ('DS', 'OTH', 'U') OR code_set IN ('gender', 'request_source')
 GROUP BY 1, 2 HAVING min(collection_year) > 2023 OR max(collection_year) < 2027 ORDER BY 1, 2;
SELECT kind, count(*) FROM sen2.la GROUP BY 1 ORDER BY 1;
SELECT la_code, first_year, last_year FROM sen2.la WHERE first_year IS NOT NULL OR last_year IS NOT NULL ORDER BY 1;
-- element layout: items and groups per year, and the 2023/2026 differences
SELECT collection_year, count(*) FILTER (WHERE kind = 'item') AS items, count(*) FILTER (WHERE kind = 'group') AS groups
  FROM sen2.element GROUP BY 1 ORDER BY 1;
SELECT parent, element, position, requirement FROM sen2.element WHERE collection_year = 2026 AND parent = 'ActivePlans' ORDER BY position;

-- A local correction wins over the built-in fact, and withdrawing works.
INSERT INTO sen2.ref_code (collection_year, code_set, code, label) VALUES (2026, 'sex', 'M', 'Male (local label)');
INSERT INTO sen2.ref_code (collection_year, code_set, code, label, in_use) VALUES (2026, 'sex', 'U', 'Unknown', false);
SELECT code, label, origin FROM sen2.code WHERE collection_year = 2026 AND code_set = 'sex' ORDER BY code;
DELETE FROM sen2.ref_code WHERE origin = 'local';
SELECT code, label, origin FROM sen2.code WHERE collection_year = 2026 AND code_set = 'sex' ORDER BY code;

-- Only local rows are dumped.
SELECT c.relname, x.cond
  FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS x(oid, cond)
  JOIN pg_class c ON c.oid = x.oid
 WHERE e.extname = 'sen2' AND c.relname LIKE 'ref\_%' ORDER BY 1;

-- Starting a new year.
SELECT sen2.copy_reference_year(2027, 2028, '2028-01-20') > 100 AS copied;
SELECT collection_year, reference_date, period_start, origin FROM sen2.collection WHERE collection_year = 2028;
SELECT sen2.copy_reference_year(2027, 2028, '2028-01-20');
SELECT sen2.copy_reference_year(1999, 2029, '2029-01-18');
SELECT sen2.copy_reference_year(2027, NULL, '2029-01-18');
DELETE FROM sen2.ref_code WHERE origin = 'local';
DELETE FROM sen2.ref_element WHERE origin = 'local';
DELETE FROM sen2.ref_collection WHERE origin = 'local';

-- A new return gets its header from the reference data.
SELECT sen2.new_return('886', 2026, 'Kent draft') AS rid \gset
SELECT la_code, collection_year, year, reference_date, lea, collection, source_level, date_time ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$' AS dt_ok
  FROM sen2.return WHERE return_id = :rid;
SELECT sen2.new_return('88', 2026);
SELECT sen2.new_return('886', 2031);
SELECT sen2.new_return(NULL, 2026);
DELETE FROM sen2.return;
