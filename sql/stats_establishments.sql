-- Statistics: the CSV reader, the establishment register loader and the
-- mapping from what a placement names to the published placement types.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS sen2;
RESET client_min_messages;
-- error messages are shown without their (line-number-laden) context
\set SHOW_CONTEXT never

-- The CSV reader: quoted fields with commas, doubled quotes and line breaks;
-- LF, CRLF and lone CR line ends; a BOM; empty lines skipped; line numbers
-- count the physical lines a record starts on.
SELECT * FROM sen2.csv_records(E'\xEF\xBB\xBFa,b,"c"\r\n1,"x,y","say ""hi"""\n\n2,"two\nlines",\r3,,');
-- a trailing comma is an empty last field; a quote inside an unquoted field is data
SELECT * FROM sen2.csv_records(E'a,b,\n5" floppy,x');
SELECT * FROM sen2.csv_records('');
SELECT * FROM sen2.csv_records(NULL);
-- only the first records (a header), without parsing the rest
SELECT * FROM sen2.csv_records(E'h1,h2\n1,"never closed', 1);
SELECT * FROM sen2.csv_records(E'h1,h2\n1,2', 0);
SELECT * FROM sen2.csv_records(E'h1,h2', -1);
-- malformed input: clear errors that name the line
SELECT * FROM sen2.csv_records(E'a,b\n1,"open');
SELECT * FROM sen2.csv_records(E'a,b\n"1"x,2');

-- Errors inside the transaction below are expected: psql rolls back to a
-- savepoint and carries on.
\set ON_ERROR_ROLLBACK on
BEGIN;
-- The sample register: 21 fictional establishments in the GIAS column
-- layout (columns in another order than GIAS, extra columns, a name with a
-- comma and quotes, one with a line break, a Welsh name with non-ASCII text).
\set csv `cat test/fixtures/establishments_sample.csv`
SELECT sen2.load_establishments(:'csv') AS loaded;
SELECT urn, ukprn, establishment_name, la_code, type_of_establishment, establishment_status,
       type_of_resourced_provision, sen_unit_on_roll, resourced_provision_on_roll,
       has_sen_unit, has_resourced_provision, line_no
  FROM sen2.establishment ORDER BY urn;
-- each establishment's placement category (900020's type is not mapped)
SELECT urn, type_of_establishment, category, sen_unit_category, resourced_provision_category
  FROM sen2.stat_establishment_category ORDER BY urn;

-- A new load replaces the previous one (any column order, LF line ends, a BOM).
SELECT sen2.load_establishments(E'\uFEFFTypeOfEstablishment (name),URN\nCommunity school,123456\nFurther education,"654321"\n') AS loaded;
SELECT urn, type_of_establishment, ukprn, establishment_name, line_no FROM sen2.establishment ORDER BY urn;

-- Bad registers: each is a clear error and leaves the loaded register alone.
SELECT sen2.load_establishments(E'URN,EstablishmentName\n100000,A school');
SELECT sen2.load_establishments(E'URN,TypeOfEstablishment (name)\n100000,Community school,extra');
SELECT sen2.load_establishments(E'URN,TypeOfEstablishment (name)\n100000,Community school\n100000,Foundation school');
SELECT sen2.load_establishments(E'URN,TypeOfEstablishment (name)\n,Community school');
SELECT sen2.load_establishments(E'URN,TypeOfEstablishment (name)\n100000,');
SELECT sen2.load_establishments(E'URN,TypeOfEstablishment (name)\n100000,"Community');
SELECT sen2.load_establishments('');
SELECT sen2.load_establishments(NULL);
SELECT count(*) AS still_loaded FROM sen2.establishment;

-- Back to the sample register, then classify every setting of the fixture.
SELECT sen2.load_establishments(:'csv') AS loaded;
\set ECHO none
\i test/fixtures/stats_fixture.sql
\set ECHO all
-- Every placement attended and every setting named in a plan, with its
-- category.  Expected, by precedence:
--   URN in the register -> its type's category; the SEN unit variant when
--     SENunitIndicator = 1 (P2, A25 P2: academy SEN unit), the resourced
--     provision variant when ResourcedProvisionIndicator = 1 (P1: community
--     school RP); special schools have no variants
--   URN not in the register -> urn_not_in_register (B5: 999999 attended, 999998 named)
--   URN whose type is not mapped -> establishment_type_unmapped (B6: 900020)
--   no URN, UKPRN in the register -> the open establishment's type (P5:
--     10099914 is shared by 900014 Further education, open, and 900021
--     Secure units, closed: general FE)
--   no URN, UKPRN not in the register -> ukrlp_provider (P6)
--   else SENsetting (P7 EHE, P22 EYP, B2/B3 NIEO, named OLA) -> its category;
--     NIEO's compulsory-school-age variant is csa_category
SELECT r.la_code, r.collection_year, c.source, p.source_id AS person, c.urn, c.ukprn, c.sen_setting,
       c.category, c.csa_category
  FROM sen2.stat_setting_category c
  JOIN sen2.return r ON r.return_id = c.return_id
  LEFT JOIN sen2.active_plans ap ON ap.active_plans_id = c.active_plans_id
  LEFT JOIN sen2.named_plan np ON np.named_plan_id = c.named_plan_id
  LEFT JOIN sen2.assessment a ON a.assessment_id = np.assessment_id
  JOIN sen2.request q ON q.request_id = coalesce(ap.request_id, a.request_id)
  JOIN sen2.person p ON p.person_id = q.person_id
 WHERE r.label LIKE 'stats fixture %'
 ORDER BY r.collection_year, r.la_code, p.seq, c.source;

-- URNs the register does not know (for the validation rules)
SELECT u.la_code, u.collection_year, u.module, p.source_id AS person, u.urn
  FROM sen2.unknown_urn u JOIN sen2.person p ON p.person_id = u.person_id
 ORDER BY u.la_code, u.module, u.urn;

-- The mapping is data: a local row maps the unmapped type (here: to
-- mainstream independent) ...
INSERT INTO sen2.ref_placement_map (kind, value, category, note)
VALUES ('establishment_type', 'Experimental provision', 'mainstream_independent', 'test');
SELECT urn, category FROM sen2.stat_establishment_category WHERE urn = '900020';
-- a local row with in_use = false withdraws a built-in mapping
INSERT INTO sen2.ref_placement_map (kind, value, category, in_use) VALUES ('sen_setting', 'EHE', 'elective_home_education', false);
SELECT p.source_id AS person, c.sen_setting, c.category
  FROM sen2.stat_placement c JOIN sen2.active_plans ap ON ap.active_plans_id = c.active_plans_id
  JOIN sen2.request q ON q.request_id = ap.request_id JOIN sen2.person p ON p.person_id = q.person_id
 WHERE c.sen_setting = 'EHE';
-- with no register loaded, unknown_urn stays empty rather than listing every URN
DELETE FROM sen2.establishment;
SELECT count(*) AS unknown_without_register FROM sen2.unknown_urn;
ROLLBACK;
