-- sen2.uln: input check, output, operators, index and hash support, casts.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS sen2;
RESET client_min_messages;

-- An independent implementation of the check digit rule, from the
-- specification (sen2-spec.md 6.3): r = sum of d1..d9 weighted 10..2, mod 11;
-- r = 0 has no valid check digit, otherwise d10 = 10 - r.
CREATE FUNCTION pg_temp.ref_remainder(u text) RETURNS int LANGUAGE sql IMMUTABLE AS $$
  SELECT (sum((11 - i) * substr(u, i, 1)::int) % 11)::int FROM generate_series(1, 9) AS i
$$;

SELECT '1234567899'::sen2.uln AS uln, pg_typeof('1234567899'::sen2.uln) AS type,
       pg_temp.ref_remainder('1234567899') AS remainder;

-- Every remainder: the accepted last digits are exactly 10 - r, and none for r = 0.
SELECT DISTINCT ON (r) r AS remainder, p AS first_nine,
       CASE WHEN r > 0 THEN 10 - r END AS spec_check_digit,
       (SELECT string_agg(d::text, ',' ORDER BY d) FROM generate_series(0, 9) AS d
         WHERE sen2.is_valid_uln(p || d)) AS accepted_last_digits,
       sen2.uln_problem(p || CASE WHEN r = 1 THEN '0' ELSE '9' END) AS problem_with_wrong_digit
  FROM (SELECT p, pg_temp.ref_remainder(p) AS r
          FROM (SELECT (123456780 + n)::text AS p FROM generate_series(0, 40) AS n) s) t
 ORDER BY r, p;

-- Leading zeros are kept.
SELECT '0000000018'::sen2.uln AS leading_zeros, '0000000018'::sen2.uln::text = '0000000018' AS round_trip;

-- The C check agrees with the reference on 3000 generated values.
CREATE TEMP TABLE gen AS
SELECT substr(translate(md5(i::text), 'abcdef', '012345'), 1, 9) || (i % 10)::text AS u
  FROM generate_series(1, 3000) AS i;
SELECT count(*) AS total,
       count(*) FILTER (WHERE sen2.is_valid_uln(u)) AS valid,
       count(*) FILTER (WHERE sen2.is_valid_uln(u)
                          <> (pg_temp.ref_remainder(u) > 0
                              AND substr(u, 10, 1)::int = 10 - pg_temp.ref_remainder(u))) AS disagreements,
       count(*) FILTER (WHERE sen2.is_valid_uln(u) AND sen2.uln_problem(u) IS NOT NULL) AS inconsistent,
       count(*) FILTER (WHERE pg_temp.ref_remainder(u) > 0 AND NOT sen2.is_valid_uln(u)
                          AND sen2.uln_problem(u) <> 'has the wrong check digit: for these digits it should be '
                                                     || (10 - pg_temp.ref_remainder(u))) AS wrong_advice
  FROM gen;
CREATE TEMP TABLE t (u sen2.uln);
INSERT INTO t SELECT u FROM gen WHERE sen2.is_valid_uln(u);
SELECT count(*) AS stored, count(*) FILTER (WHERE u::text IN (SELECT g.u FROM gen g)) AS same_text FROM t;

-- Bad inputs: each with its message, detail and hint, and SQLSTATE 22P02.
SELECT NULL::sen2.uln IS NULL AS null_is_null;
SELECT ''::sen2.uln;
\echo :LAST_ERROR_SQLSTATE
SELECT '123456789'::sen2.uln;
SELECT '12345678999'::sen2.uln;
SELECT '1234567890'::sen2.uln;
\echo :LAST_ERROR_SQLSTATE
SELECT '1234567810'::sen2.uln;
SELECT '12345678X9'::sen2.uln;
SELECT '１234567899'::sen2.uln;
SELECT ' 1234567899'::sen2.uln;
SELECT '12345 67899'::sen2.uln;
SELECT E'1234567899\r\n'::sen2.uln;
SELECT '-123456789'::sen2.uln;
SELECT 'B801200005001'::sen2.uln;
SELECT repeat('1234567899', 100000)::sen2.uln;
\echo :LAST_ERROR_SQLSTATE
SELECT repeat('€', 400000)::sen2.uln;

-- Casts: text both ways (assignment), bigint both ways (explicit).
CREATE TEMP TABLE raw (r text);
INSERT INTO raw VALUES ('1234567899'), ('1234567890');
INSERT INTO t (u) SELECT r FROM raw;
INSERT INTO t (u) SELECT r FROM raw WHERE r = '1234567899';
INSERT INTO t (u) VALUES ('0000000018');
INSERT INTO raw SELECT u FROM t WHERE u::text = '0000000018';
SELECT r FROM raw ORDER BY r;
SELECT '1234567899'::sen2.uln::bigint AS to_bigint, 1234567899::bigint::sen2.uln AS from_bigint,
       18::bigint::sen2.uln AS padded, '0000000018'::sen2.uln::bigint AS small;
SELECT 1234567890::bigint::sen2.uln;
SELECT 12::bigint::sen2.uln;
SELECT (-1)::bigint::sen2.uln;
\echo :LAST_ERROR_SQLSTATE
SELECT 10000000000::bigint::sen2.uln;
-- no implicit or assignment cast with bigint: a ULN is not a quantity
SELECT '1234567899'::sen2.uln + 1;
INSERT INTO t (u) VALUES (1234567899::bigint);

-- Operators (with sen2 on the search_path), ordering, hashing and indexes.
SET search_path = public, sen2;
SELECT a, b, a = b AS eq, a <> b AS ne, a < b AS lt, a <= b AS le, a > b AS gt, a >= b AS ge
  FROM (VALUES ('1234567899'::sen2.uln, '1234567899'::sen2.uln),
               ('0000000018', '1234567899'),
               ('1234567899', '0000000018')) v(a, b);
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE (a.u < b.u) <> (a.u::text < b.u::text COLLATE "C")
                           OR (a.u = b.u) <> (a.u::text = b.u::text)
                           OR (a.u > b.u) <> (a.u::bigint > b.u::bigint)) AS order_mismatches
  FROM (SELECT u FROM t LIMIT 60) a, (SELECT u FROM t LIMIT 60) b;
INSERT INTO t SELECT u FROM t;
ANALYZE t;
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT u, count(*) FROM t GROUP BY u;
SELECT count(*) AS groups, min(n) AS min_n, max(n) AS max_n FROM (SELECT u, count(*) AS n FROM t GROUP BY u) g;
RESET enable_sort;
SELECT min(u) AS min, max(u) AS max, min(u::text) AS min_text, max(u::text) AS max_text FROM t;
SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM t a JOIN t b ON a.u = b.u;
SELECT count(*) AS hash_join_rows FROM t a JOIN t b ON a.u = b.u;
RESET enable_mergejoin;
RESET enable_nestloop;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
CREATE INDEX t_u_btree ON t (u);
EXPLAIN (COSTS OFF) SELECT u FROM t WHERE u < '0100000001' ORDER BY u;
SELECT u FROM t WHERE u < '0100000001' ORDER BY u;
SELECT u FROM t WHERE u::text < '0100000001' ORDER BY u;
DROP INDEX t_u_btree;
CREATE INDEX t_u_hash ON t USING hash (u);
EXPLAIN (COSTS OFF) SELECT u FROM t WHERE u = '1234567899';
SELECT u FROM t WHERE u = '1234567899';
RESET enable_seqscan;
RESET enable_bitmapscan;
CREATE TEMP TABLE uq (u sen2.uln UNIQUE);
INSERT INTO uq VALUES ('1234567899'), ('1234567899');

DROP TABLE t, gen, raw, uq;
DROP FUNCTION pg_temp.ref_remainder(text);
RESET search_path;
