-- The lenient identifier checks on raw text: sen2.is_valid_* and sen2.*_problem.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS sen2;
RESET client_min_messages;

-- Strict (NULL in, NULL out); immutable and parallel safe unless they read
-- the reference tables.
SELECT p.oid::regprocedure AS function, p.provolatile AS volatility, p.proisstrict AS strict,
       p.proparallel AS parallel, p.prorettype::regtype AS returns
  FROM pg_proc p
 WHERE p.pronamespace = 'sen2'::regnamespace
   AND (p.proname LIKE 'is\_valid\_%' OR p.proname LIKE '%\_problem') AND p.proname NOT LIKE 'stat\_%'
 ORDER BY p.oid::regprocedure::text;
SELECT sen2.is_valid_upn(NULL) AS upn, sen2.is_valid_uln(NULL) AS uln, sen2.is_valid_urn(NULL) AS urn,
       sen2.is_valid_ukprn(NULL) AS ukprn, sen2.is_valid_postcode(NULL) AS postcode,
       sen2.is_valid_la(NULL, 2026) AS la, sen2.is_valid_la('201', NULL) AS la_no_year,
       sen2.upn_problem(NULL) AS upn_problem, sen2.uln_problem(NULL) AS uln_problem,
       sen2.la_problem('201', NULL) AS la_problem;

-- UPN
SELECT v, sen2.is_valid_upn(v) AS valid, sen2.upn_problem(v) AS problem
  FROM (VALUES ('B801200005001'), ('A801200005001'), ('H93612341234E'), ('B80120000500I'), (''),
               ('b801200005001'), (' B801200005001'), ('B 801200005001'), ('B80120000500'),
               ('B8012000050011'), ('I801200005001'), ('B8O1200005001'), ('B80120000500１'),
               ('1234567899')) AS t(v);

-- ULN
SELECT v, sen2.is_valid_uln(v) AS valid, sen2.uln_problem(v) AS problem
  FROM (VALUES ('1234567899'), ('0000000018'), ('1234567890'), ('1234567837'), (''), ('123456789'),
               ('12345678901'), ('12345678x9'), ('1234567899 '), ('１234567899'),
               ('B801200005001')) AS t(v);

-- The lenient checks and the types' input are the same C code: the type
-- accepts a value exactly when is_valid_* says it is valid, and its error
-- detail is the problem text.
CREATE FUNCTION pg_temp.upn_input(v text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    detail text;
BEGIN
    PERFORM v::sen2.upn;
    RETURN NULL;
EXCEPTION WHEN invalid_text_representation THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
    RETURN detail;
END
$$;
CREATE FUNCTION pg_temp.uln_input(v text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    detail text;
BEGIN
    PERFORM v::sen2.uln;
    RETURN NULL;
EXCEPTION WHEN invalid_text_representation THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
    RETURN detail;
END
$$;
CREATE TEMP TABLE samples AS
SELECT v FROM (VALUES ('B801200005001'), ('A801200005001'), ('H93612341234E'), (''), ('b801200005001'),
                      (' B801200005001'), ('1234567899'), ('1234567890'), ('1234567837'), ('0000000018'),
                      ('12345678x9'), ('I801200005001'), (E'B801200005001\n'), ('B80120000500é'),
                      (repeat('9', 100000))) AS t(v)
UNION ALL
SELECT substr('ABCDEFGHJKLMNPQRTUVWXYZ', 1 + i % 23, 1) || substr(translate(md5(i::text), 'abcdef', '012345'), 1, 12)
  FROM generate_series(1, 500) AS i
UNION ALL
SELECT substr(translate(md5(i::text), 'abcdef', '012345'), 1, 10 + i % 3 - 1)
  FROM generate_series(1, 500) AS i;
SELECT count(*) AS samples,
       count(*) FILTER (WHERE sen2.is_valid_upn(v)) AS valid_upns,
       count(*) FILTER (WHERE sen2.is_valid_uln(v)) AS valid_ulns,
       count(*) FILTER (WHERE sen2.is_valid_upn(v) <> (pg_temp.upn_input(v) IS NULL)) AS upn_disagreements,
       count(*) FILTER (WHERE pg_temp.upn_input(v) IS DISTINCT FROM 'The UPN ' || sen2.upn_problem(v) || '.') AS upn_detail_differs,
       count(*) FILTER (WHERE sen2.is_valid_uln(v) <> (pg_temp.uln_input(v) IS NULL)) AS uln_disagreements,
       count(*) FILTER (WHERE pg_temp.uln_input(v) IS DISTINCT FROM 'The ULN ' || sen2.uln_problem(v) || '.') AS uln_detail_differs
  FROM samples;

-- URN (6 digits) and UKPRN (8 digits): form only; existence is for the rules.
SELECT v, sen2.is_valid_urn(v) AS urn, sen2.urn_problem(v) AS urn_problem,
       sen2.is_valid_ukprn(v) AS ukprn, sen2.ukprn_problem(v) AS ukprn_problem
  FROM (VALUES ('100000'), ('000001'), ('10012345'), ('12345'), ('1234567'), ('12a456'), (' 123456'),
               ('123456 '), (''), ('１23456'), ('-12345'), ('1234567a')) AS t(v);

-- Postcodes: upper case, with or without the one space before the inward code.
SELECT v, sen2.is_valid_postcode(v) AS valid, sen2.postcode_problem(v) AS problem
  FROM (VALUES ('SW1A 1AA'), ('SW1A1AA'), ('M60 1NW'), ('B1 1AA'), ('W1A 0AX'), ('EC1A 1BB'), ('CR2 6XH'),
               ('DN55 1PT'), ('GIR 0AA'), ('GIR0AA'), ('sw1a 1aa'), ('SW1A  1AA'), (' SW1A 1AA'),
               ('SW1A 1AA '), ('SW1A-1AA'), ('SW1A 1CA'), ('SW1A 1AI'), ('1A 1AA'), ('A 1AA'), ('AAA1 1AA'),
               ('SW1 A1AA'), ('SW1A 1AAA'), ('SW1A1AAA'), (''), ('B1 1ÅA'), ('B11 1A1'), ('BB 1AA')) AS t(v);

-- LA numbers for LEA / TransferLA / Exported: three digits, and an English
-- LA in use in the collection year according to sen2.la.
SELECT code, yr, sen2.is_valid_la(code, yr) AS valid, sen2.la_problem(code, yr) AS problem,
       sen2.la_format_problem(code) AS format_problem
  FROM (VALUES ('201', 2026), ('886', 2026), ('928', 2021), ('928', 2022), ('940', 2026), ('909', 2023),
               ('909', 2024), ('942', 2023), ('942', 2024), ('660', 2026), ('001', 2026), ('705', 2026),
               ('999', 2026), ('12', 2026), ('1234', 2026), ('8O1', 2026), (' 201', 2026), ('', 2026))
       AS t(code, yr);
-- The reference data decides: an authority's local correction is honoured.
BEGIN;
INSERT INTO sen2.ref_la (la_code, origin, kind, first_year, name)
VALUES ('999', 'local', 'england', 2026, 'An authority not yet in the built-in list');
INSERT INTO sen2.ref_la (la_code, origin, kind, in_use)
VALUES ('201', 'local', 'england', false);
SELECT code, yr, sen2.is_valid_la(code, yr) AS valid, sen2.la_problem(code, yr) AS problem
  FROM (VALUES ('999', 2025), ('999', 2026), ('201', 2026)) AS t(code, yr);
ROLLBACK;
SELECT sen2.is_valid_la('999', 2026) AS after_rollback;

DROP TABLE samples;
DROP FUNCTION pg_temp.upn_input(text), pg_temp.uln_input(text);
