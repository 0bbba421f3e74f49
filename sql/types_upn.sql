-- sen2.upn: input check, output, accessors, operators, index and hash support, casts.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS sen2;
RESET client_min_messages;

-- An independent implementation of the check letter, straight from the
-- specification (sen2-spec.md 6.2), to test the C code against.
CREATE FUNCTION pg_temp.ref_check_letter(u text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT substr('ABCDEFGHJKLMNPQRTUVWXYZ',
                (SELECT sum(p * CASE WHEN substr(u, p, 1) BETWEEN '0' AND '9' THEN substr(u, p, 1)::int
                                     ELSE strpos('ABCDEFGHJKLMNPQRTUVWXYZ', substr(u, p, 1)) - 1 END)
                   FROM generate_series(2, 13) AS p)::int % 23 + 1, 1)
$$;

-- The worked example of the specification: S = 93, 93 mod 23 = 1 -> B.
SELECT pg_temp.ref_check_letter('B801200005001') AS ref,
       'B801200005001'::sen2.upn AS upn,
       sen2.upn_la('B801200005001') AS la,
       sen2.upn_is_temporary('B801200005001') AS temporary,
       pg_typeof('B801200005001'::sen2.upn) AS type;

-- Every allowed check letter in position 1: the first serial number under
-- 801 2000 05 giving each letter.
SELECT DISTINCT ON (letter) letter, u::sen2.upn AS upn, u::sen2.upn::text = u AS round_trip
  FROM (SELECT pg_temp.ref_check_letter(x) || substr(x, 2) AS u, pg_temp.ref_check_letter(x) AS letter
          FROM (SELECT '?80120000' || lpad(n::text, 4, '0') AS x FROM generate_series(0, 999) AS n) s) t
 ORDER BY letter, u;

-- I, O and S are never check letters.
SELECT 'I801200005001'::sen2.upn;
SELECT 'O801200005001'::sen2.upn;
SELECT 'S801200005001'::sen2.upn;

-- Every allowed letter in position 13 (temporary UPNs), with its check letter.
SELECT substr(u, 13, 1) AS last, u::sen2.upn AS upn, sen2.upn_is_temporary(u::sen2.upn) AS temporary,
       sen2.upn_la(u::sen2.upn) AS la
  FROM (SELECT pg_temp.ref_check_letter('?93612341234' || l) || '93612341234' || l AS u
          FROM unnest(string_to_array('A B C D E F G H J K L M N P Q R T U V W X Y Z', ' ')) AS l) t
 ORDER BY u;
-- and I, O, S and a lower-case letter there are rejected
SELECT 'B80120000500I'::sen2.upn;
SELECT sen2.upn_problem('B80120000500O'), sen2.upn_problem('B80120000500S'), sen2.upn_problem('B80120000500a');

-- Each wrong check letter for the worked example names the right one.
SELECT count(*) AS wrong_letters, min(sen2.upn_problem(l || '801200005001')) AS problem,
       count(DISTINCT sen2.upn_problem(l || '801200005001')) AS distinct_problems
  FROM unnest(string_to_array('A C D E F G H J K L M N P Q R T U V W X Y Z', ' ')) AS l;

-- The C check agrees with the reference on 3000 generated values (about
-- 1 in 23 valid), and the type accepts exactly the valid ones.
CREATE TEMP TABLE gen AS
SELECT substr('ABCDEFGHJKLMNPQRTUVWXYZ', 1 + i % 23, 1)
       || substr(translate(md5(i::text), 'abcdef', '012345'), 1, 11)
       || CASE WHEN i % 4 = 0 THEN substr('ABCDEFGHJKLMNPQRTUVWXYZ', 1 + (i / 4) % 23, 1)
               ELSE (i % 10)::text END AS u
  FROM generate_series(1, 3000) AS i;
SELECT count(*) AS total,
       count(*) FILTER (WHERE sen2.is_valid_upn(u)) AS valid,
       count(*) FILTER (WHERE sen2.is_valid_upn(u) <> (pg_temp.ref_check_letter(u) = substr(u, 1, 1))) AS disagreements,
       count(*) FILTER (WHERE sen2.is_valid_upn(u) AND sen2.upn_problem(u) IS NOT NULL) AS inconsistent,
       count(*) FILTER (WHERE NOT sen2.is_valid_upn(u)
                          AND sen2.upn_problem(u) <> 'has the wrong check letter: for these digits it should be '
                                                     || pg_temp.ref_check_letter(u)) AS wrong_advice
  FROM gen;
CREATE TEMP TABLE t (u sen2.upn);
INSERT INTO t SELECT u FROM gen WHERE sen2.is_valid_upn(u);
SELECT count(*) AS stored, count(*) FILTER (WHERE u::text IN (SELECT g.u FROM gen g)) AS same_text FROM t;

-- Bad inputs: each with its message, detail and hint, and SQLSTATE 22P02.
SELECT NULL::sen2.upn IS NULL AS null_is_null;
SELECT ''::sen2.upn;
\echo :LAST_ERROR_SQLSTATE
SELECT 'B80120000500'::sen2.upn;
SELECT 'B8012000050011'::sen2.upn;
SELECT 'b801200005001'::sen2.upn;
\echo :LAST_ERROR_SQLSTATE
SELECT 'b80120000500a'::sen2.upn;
SELECT ' B801200005001'::sen2.upn;
SELECT 'B801200005001 '::sen2.upn;
SELECT 'B8012 00005001'::sen2.upn;
SELECT E'B801200005001\n'::sen2.upn;
SELECT E'\tb801200005001'::sen2.upn;
SELECT 'B80120000500１'::sen2.upn;
SELECT E'B801200005001\u00A0'::sen2.upn;
SELECT 'B8O1200005001'::sen2.upn;
SELECT 'B80120000500-'::sen2.upn;
SELECT '8012000050011'::sen2.upn;
SELECT '1234567899'::sen2.upn;
-- a megabyte: the message quotes 32 bytes and an ellipsis, never the megabyte
SELECT repeat('B801200005001', 80000)::sen2.upn;
\echo :LAST_ERROR_SQLSTATE
-- a megabyte of two-byte characters: the cut falls on a character boundary
SELECT repeat('é', 500000)::sen2.upn;
SELECT repeat('x', 39)::sen2.upn;
SELECT repeat('x', 41)::sen2.upn;
SELECT E'B8012000\x01\x7f501'::sen2.upn;

-- The operators live in schema sen2, so an expression needs sen2 on the
-- search_path (or OPERATOR(sen2.=)).  ORDER BY, GROUP BY, DISTINCT and
-- indexes use the default operator classes and work either way.
SELECT 'B801200005001'::sen2.upn = 'B801200005001';
SELECT 'B801200005001'::sen2.upn OPERATOR(sen2.=) 'B801200005001' AS qualified;
SET search_path = public, sen2;

-- Casts.  text -> upn is an assignment cast through the same check ...
CREATE TEMP TABLE raw (r text);
INSERT INTO raw VALUES ('B801200005001'), ('T801200005001');
INSERT INTO t (u) SELECT r FROM raw;
INSERT INTO t (u) SELECT r FROM raw WHERE r = 'B801200005001';
UPDATE t SET u = (SELECT r FROM raw LIMIT 1) WHERE false;
SELECT 'B801200005001'::varchar::sen2.upn AS from_varchar, CAST(text 'B801200005001' AS sen2.upn) AS from_text;
-- ... and upn -> text is an assignment cast too
INSERT INTO raw SELECT u FROM t WHERE u = 'B801200005001' LIMIT 1;
SELECT r FROM raw ORDER BY r;
SELECT 'B801200005001'::sen2.upn::text || '!' AS as_text, 'B801200005001'::sen2.upn || '' AS concat;
-- Comparing a upn with text needs an explicit cast.
SELECT 'B801200005001'::sen2.upn = r FROM raw;
-- Casting raw text stops at the first bad row (which is why staging tables
-- hold text); sen2.is_valid_upn makes the cast lenient.
SELECT count(*) FROM raw WHERE r::sen2.upn = 'B801200005001';
SELECT count(*) FROM raw WHERE CASE WHEN sen2.is_valid_upn(r) THEN r::sen2.upn END = 'B801200005001';
SELECT count(*) FROM raw WHERE r = 'B801200005001'::sen2.upn::text;

-- Operators: the order is the order of the text in the C collation.
SELECT u FROM (VALUES ('P801200005011'::sen2.upn), ('B801200005001'), ('M80120000500A'), ('Y80120000500Z'),
                      ('A000000000000'), ('Q801200005002')) v(u)
 ORDER BY u;
SELECT a, b, a = b AS eq, a <> b AS ne, a < b AS lt, a <= b AS le, a > b AS gt, a >= b AS ge
  FROM (VALUES ('B801200005001'::sen2.upn, 'B801200005001'::sen2.upn),
               ('B801200005001', 'Q801200005002'),
               ('Q801200005002', 'B801200005001'),
               ('M80120000500A', 'Q801200005002')) v(a, b);
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE (a.u < b.u) <> (a.u::text < b.u::text COLLATE "C")
                           OR (a.u = b.u) <> (a.u::text = b.u::text)
                           OR (a.u >= b.u) <> (a.u::text >= b.u::text COLLATE "C")) AS order_mismatches
  FROM (SELECT u FROM t LIMIT 60) a, (SELECT u FROM t LIMIT 60) b;

-- Sorting, grouping, DISTINCT, hash and merge joins, btree and hash indexes.
INSERT INTO t SELECT u FROM t;
ANALYZE t;
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT u, count(*) FROM t GROUP BY u;
SELECT count(*) AS groups, min(n) AS min_n, max(n) AS max_n FROM (SELECT u, count(*) AS n FROM t GROUP BY u) g;
RESET enable_sort;
SET enable_hashagg = off;
SELECT count(DISTINCT u) AS distinct_upns FROM t;
RESET enable_hashagg;
SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM t a JOIN t b ON a.u = b.u;
SELECT count(*) AS hash_join_rows FROM t a JOIN t b ON a.u = b.u;
RESET enable_mergejoin;
SET enable_hashjoin = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM t a JOIN t b ON a.u = b.u;
SELECT count(*) AS merge_join_rows FROM t a JOIN t b ON a.u = b.u;
RESET enable_hashjoin;
RESET enable_nestloop;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
CREATE INDEX t_u_btree ON t (u);
EXPLAIN (COSTS OFF) SELECT u FROM t WHERE u = 'B801200005001';
SELECT u FROM t WHERE u = 'B801200005001';
EXPLAIN (COSTS OFF) SELECT u FROM t WHERE u BETWEEN 'B801200005001' AND 'M80120000500A' ORDER BY u;
SELECT count(*) AS by_index, min(u) AS first, max(u) AS last
  FROM t WHERE u BETWEEN 'B801200005001' AND 'M80120000500A';
SELECT count(*) AS by_text FROM t WHERE u::text COLLATE "C" BETWEEN 'B801200005001' AND 'M80120000500A';
DROP INDEX t_u_btree;
CREATE INDEX t_u_hash ON t USING hash (u);
EXPLAIN (COSTS OFF) SELECT u FROM t WHERE u = 'B801200005001';
SELECT u FROM t WHERE u = 'B801200005001';
RESET enable_seqscan;
RESET enable_bitmapscan;
CREATE TEMP TABLE uq (u sen2.upn PRIMARY KEY);
INSERT INTO uq VALUES ('B801200005001'), ('B801200005001');
-- hash partitioning uses the extended hash function
CREATE TEMP TABLE hp (u sen2.upn) PARTITION BY HASH (u);
CREATE TEMP TABLE hp0 PARTITION OF hp FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TEMP TABLE hp1 PARTITION OF hp FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO hp SELECT DISTINCT u FROM t;
SELECT (SELECT count(*) FROM hp0) > 0 AND (SELECT count(*) FROM hp1) > 0 AS both_used,
       (SELECT count(*) FROM hp) = (SELECT count(DISTINCT u) FROM t) AS none_lost;

DROP TABLE t, gen, raw, uq, hp;
DROP FUNCTION pg_temp.ref_check_letter(text);
RESET search_path;
