-- The data model: tables, columns, keys and the structural constraints.
BEGIN;
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS sen2;
SELECT plan(48);

SELECT has_schema('sen2');
SELECT has_table('sen2', t, 'table sen2.' || t) FROM unnest(ARRAY['return', 'person', 'request', 'assessment',
       'named_plan', 'plan_detail', 'active_plans', 'placement_detail', 'sen_need',
       'ref_collection', 'ref_code', 'ref_la', 'ref_element']) t;
SELECT has_view('sen2', v, 'view sen2.' || v) FROM unnest(ARRAY['collection', 'code', 'la', 'element']) v;

-- every item column the layout names exists in its module table
SELECT is((SELECT count(*) FROM sen2.element e
            WHERE e.kind = 'item'
              AND NOT EXISTS (SELECT 1 FROM information_schema.columns c
                               WHERE c.table_schema = 'sen2' AND c.table_name = e.module
                                 AND c.column_name = e.column_name)),
          0::bigint, 'every layout item maps to a column');
-- and every item column is stored as raw text
SELECT is((SELECT count(*) FROM sen2.element e JOIN information_schema.columns c
             ON c.table_schema = 'sen2' AND c.table_name = e.module AND c.column_name = e.column_name
            WHERE e.kind = 'item' AND c.data_type <> 'text'), 0::bigint, 'item columns are text');

SELECT col_is_pk('sen2', t, t || '_id', t || ' surrogate key') FROM unnest(ARRAY['return', 'person', 'request',
       'assessment', 'named_plan', 'plan_detail', 'active_plans', 'placement_detail', 'sen_need']) t;
SELECT has_column('sen2', t, 'source_id', t || ' keeps the LA source id') FROM unnest(ARRAY['person', 'request',
       'assessment', 'named_plan', 'plan_detail', 'active_plans', 'placement_detail', 'sen_need']) t;
SELECT col_is_unique('sen2', 'assessment', 'request_id', 'at most one assessment per request');
SELECT col_is_unique('sen2', 'named_plan', 'assessment_id', 'at most one named plan per assessment');
SELECT col_is_unique('sen2', 'active_plans', 'request_id', 'at most one active-plans block per request');
SELECT fk_ok('sen2', 'request', ARRAY['return_id', 'person_id'], 'sen2', 'person', ARRAY['return_id', 'person_id']);
SELECT fk_ok('sen2', 'sen_need', ARRAY['return_id', 'active_plans_id'], 'sen2', 'active_plans', ARRAY['return_id', 'active_plans_id']);

-- cascade from the return, and a child cannot sit in another return
SELECT sen2.new_return('201', 2026) AS r1 \gset
SELECT sen2.new_return('202', 2026) AS r2 \gset
INSERT INTO sen2.person (return_id, surname) VALUES (:r1, 'A') RETURNING person_id AS p1 \gset
INSERT INTO sen2.request (return_id, person_id, request_outcome) VALUES (:r1, :p1, 'Y') RETURNING request_id AS q1 \gset
INSERT INTO sen2.assessment (return_id, request_id, assessment_outcome) VALUES (:r1, :q1, 'Y');
SELECT throws_ok(format('INSERT INTO sen2.request (return_id, person_id) VALUES (%s, %s)', :r2, :p1),
                 '23503', NULL, 'a request cannot point at a person of another return');
SELECT throws_ok(format('INSERT INTO sen2.assessment (return_id, request_id) VALUES (%s, %s)', :r1, :q1),
                 '23505', NULL, 'a second assessment for one request is refused');
INSERT INTO sen2.person (return_id, surname, source_id) VALUES (:r1, 'B', 'P-1');
SELECT throws_ok(format('INSERT INTO sen2.person (return_id, surname, source_id) VALUES (%s, %L, %L)', :r1, 'C', 'P-1'),
                 '23505', NULL, 'source ids are unique within a return');
SELECT lives_ok(format('INSERT INTO sen2.person (return_id, surname, source_id) VALUES (%s, %L, %L)', :r2, 'C', 'P-1'),
                'the same source id may appear in another return');
DELETE FROM sen2.return WHERE return_id = :r1;
SELECT is((SELECT count(*) FROM sen2.assessment WHERE return_id = :r1), 0::bigint, 'deleting a return cascades');
SELECT is((SELECT count(*) FROM sen2.person WHERE return_id = :r2), 1::bigint, 'other returns untouched');

SELECT * FROM finish();
ROLLBACK;
