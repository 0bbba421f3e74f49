-- sen2.xml_agg under parallel query: partial states written by workers,
-- serialized, combined and put in key order by the final function, so the
-- document is the same as the serial one.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS sen2;
RESET client_min_messages;

INSERT INTO sen2.return (la_code, collection_year, label, year, reference_date, lea, date_time, dmo, dco, dsco)
VALUES ('886', 2026, 'xml_parallel test', '2026', '2026-01-15', '886', '2026-02-01T10:00:00', 'Y', 'Y', 'Y'),
       ('887', 2026, 'xml_parallel test', '2026', '2026-01-15', '887', '2026-02-01T10:00:00', 'N', 'N', 'N');
-- seq is a permutation of the physical order, with repeats and NULLs, so
-- the workers' chunks interleave and the final sort has work to do.
INSERT INTO sen2.person (return_id, seq, surname, forename, person_birth_date, sex)
SELECT r.return_id, CASE WHEN g % 97 = 0 THEN NULL ELSE (g * 7919) % 2003 END,
       'Surname' || g, (ARRAY['Zoë', 'Siân', 'Ann'])[1 + g % 3],
       to_char(date '2008-01-01' + g, 'YYYY-MM-DD'), (ARRAY['M', 'F'])[1 + g % 2]
  FROM sen2.return r, generate_series(1, 3000) g
 WHERE r.label = 'xml_parallel test';
ANALYZE sen2.person;
ANALYZE sen2.return;

CREATE FUNCTION pg_temp.workers_launched(q text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    l text;
BEGIN
    FOR l IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q LOOP
        IF l ~ 'Workers Launched' THEN
            RETURN substring(l FROM '[0-9]+')::int;
        END IF;
    END LOOP;
    RETURN 0;
END
$$;

\set doc 'SELECT sen2.xml_agg(p, r, p.seq, p.person_id) AS x FROM sen2.person p JOIN sen2.return r USING (return_id) WHERE r.label = ''xml_parallel test'' AND r.la_code = ''886'''

-- Serial first.
SELECT md5(x::text) AS serial_md5, octet_length(x::text) AS bytes FROM (:doc) d \gset

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;   -- every row goes through a worker

EXPLAIN (COSTS OFF) :doc;
SELECT pg_temp.workers_launched(:'doc') > 0 AS workers_ran;
SELECT md5(x::text) = :'serial_md5' AS parallel_equals_serial,
       octet_length(x::text) = :bytes AS same_length
  FROM (:doc) d;

-- Persons are in (seq, person_id) order, NULL seq last, in the parallel
-- document too.
SELECT array_agg(s::text ORDER BY o) = (SELECT array_agg(p.surname ORDER BY p.seq NULLS LAST, p.person_id)
                                          FROM sen2.person p JOIN sen2.return r USING (return_id)
                                         WHERE r.label = 'xml_parallel test' AND r.la_code = '886') AS in_key_order
  FROM (:doc) d, unnest(xpath('//Person/Surname/text()', d.x)) WITH ORDINALITY AS u(s, o);

-- One document per return with GROUP BY, in parallel.
EXPLAIN (COSTS OFF)
SELECT r.la_code, sen2.xml_agg(p, r, p.seq, p.person_id)
  FROM sen2.person p JOIN sen2.return r USING (return_id)
 WHERE r.label = 'xml_parallel test' GROUP BY r.la_code;
SELECT r.la_code, (xpath('count(//Person)', sen2.xml_agg(p, r, p.seq, p.person_id)))[1]::text AS persons,
       (xpath('//LEA/text()', sen2.xml_agg(p, r, p.seq, p.person_id)))[1]::text AS lea
  FROM sen2.person p JOIN sen2.return r USING (return_id)
 WHERE r.label = 'xml_parallel test' GROUP BY r.la_code ORDER BY 1;

-- Ties on the keys are broken by the persons' content, so even a key that
-- is not unique gives one document whatever the plan.
\set tied 'SELECT md5(sen2.xml_agg(p, r, p.seq % 5)::text) AS x FROM sen2.person p JOIN sen2.return r USING (return_id) WHERE r.label = ''xml_parallel test'' AND r.la_code = ''886'''
SELECT x AS tied_parallel FROM (:tied) d \gset

-- With ORDER BY inside the call the planner aggregates serially (a known
-- limit of ordered aggregates); without keys the order is arrival order.
EXPLAIN (COSTS OFF)
SELECT sen2.xml_agg(p, r ORDER BY p.seq, p.person_id)
  FROM sen2.person p JOIN sen2.return r USING (return_id) WHERE r.label = 'xml_parallel test';

RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

SELECT x = :'tied_parallel' AS tied_serial_equals_parallel FROM (:tied) d;
SELECT md5(sen2.xml_agg(p, r ORDER BY p.seq NULLS LAST, p.person_id)::text) = :'serial_md5' AS ordered_call_equals_keyed
  FROM sen2.person p JOIN sen2.return r USING (return_id) WHERE r.label = 'xml_parallel test' AND r.la_code = '886';
-- keys given in reverse arrival order: the final function sorts
SELECT md5(sen2.xml_agg(p, r, p.seq, p.person_id ORDER BY p.seq DESC, p.person_id DESC)::text) = :'serial_md5' AS sorted_in_final
  FROM sen2.person p JOIN sen2.return r USING (return_id) WHERE r.label = 'xml_parallel test' AND r.la_code = '886';
-- and the one-call function gives the same persons in the same order
SELECT md5(sen2.return_xml(r.return_id)::text) = :'serial_md5' AS return_xml_same
  FROM sen2.return r WHERE r.label = 'xml_parallel test' AND r.la_code = '886';

DELETE FROM sen2.return WHERE label = 'xml_parallel test';
