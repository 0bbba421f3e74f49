-- sen2.xml_agg over an authority's own warehouse: its own table and column
-- names, typed columns (date, boolean, timestamp, char(n), integer), items it
-- does not hold, one view per module nested as arrays of the child view's
-- row type, 1:1 modules given inline, lower-case tag names as column names.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS sen2;
RESET client_min_messages;

CREATE SCHEMA xml_views_test;
CREATE TABLE xml_views_test.pupil (
    pupil_ref   int PRIMARY KEY,
    family_name text,
    given_name  varchar(40),
    dob         date,
    gender_code char(1),
    ethnic      text,
    upn         char(15),           -- padded: the padding is not written
    list_order  int
);
CREATE TABLE xml_views_test.ehc_case (   -- request, assessment and plan in one row
    case_ref         int PRIMARY KEY,
    pupil_ref        int REFERENCES xml_views_test.pupil,
    received         date,
    youth_custody    boolean,
    decision         text,
    decided_on       date,
    assessed         text,
    issued_on        date,
    plan_start       date,
    personal_budget  boolean
);
CREATE TABLE xml_views_test.placement (
    placement_ref int PRIMARY KEY,
    case_ref      int REFERENCES xml_views_test.ehc_case,
    school_urn    int,
    rank          int,
    started       date,
    unit          boolean,
    rp            boolean
);
INSERT INTO xml_views_test.pupil VALUES
 (10, 'Ní Bhriain', 'Siobhán', '2013-07-08', 'F', 'WIRI', 'B801200005001  ', 2),
 (11, 'Okafor', 'Chidi', '2009-11-30', 'M', 'BAFR', NULL, 1),
 (12, 'Quiet', NULL, NULL, NULL, NULL, NULL, 3);
INSERT INTO xml_views_test.ehc_case VALUES
 (100, 10, '2025-01-10', false, 'Y', '2025-02-14', 'Y', '2025-05-20', '2025-05-20', true),
 (101, 11, '2025-03-03', true, 'N', '2025-04-10', NULL, NULL, NULL, NULL),
 (102, 10, '2024-06-01', false, 'W', NULL, NULL, NULL, NULL, NULL);
INSERT INTO xml_views_test.placement VALUES
 (1000, 100, 123456, 1, '2025-09-01', false, true),
 (1001, 100, 654321, 2, '2025-09-01', true, false);

-- One view per module, named as sen2.element's column_name; the nested
-- arrays are arrays of the child view's row type.
CREATE VIEW xml_views_test.sen2_placement AS
SELECT pl.case_ref, pl.school_urn AS urn, pl.rank AS placement_rank, pl.started AS entry_date,
       pl.unit AS sen_unit_indicator, pl.rp AS resourced_provision_indicator
  FROM xml_views_test.placement pl;
CREATE VIEW xml_views_test.sen2_request AS
SELECT c.pupil_ref, c.case_ref,
       c.received AS receiveddate,           -- the lower-case tag works too
       c.youth_custody AS rya,
       c.decided_on AS request_outcome_date, c.decision AS request_outcome,
       -- Assessment and NamedPlan occur at most once: inline columns
       c.assessed AS assessment_outcome, c.issued_on AS assessment_outcome_date,
       c.plan_start AS start_date, c.personal_budget AS pb,
       -- ActivePlans inline too, with its placements as an array
       (SELECT array_agg(p ORDER BY p.placement_rank) FROM xml_views_test.sen2_placement p
         WHERE p.case_ref = c.case_ref) AS placement_detail
  FROM xml_views_test.ehc_case c;
CREATE VIEW xml_views_test.sen2_person AS
SELECT p.pupil_ref AS person_id, p.list_order,
       p.family_name AS surname, p.given_name AS forename, p.dob AS person_birth_date,
       p.gender_code AS sex, p.ethnic AS ethnicity, p.upn,     -- no post_code: left out
       (SELECT array_agg(r ORDER BY r.receiveddate) FROM xml_views_test.sen2_request r
         WHERE r.pupil_ref = p.pupil_ref) AS requests
  FROM xml_views_test.pupil p;
CREATE VIEW xml_views_test.sen2_header AS
SELECT 2026 AS collection_year, 'SEN2' AS collection, 2026 AS year, date '2026-01-15' AS reference_date,
       'L' AS source_level, '886' AS lea, 'LA warehouse' AS software_code, '7.1' AS release,
       '042' AS serial_no, timestamp '2026-02-03 14:05:06.789' AS date_time,
       'Y' AS dmo, 'R' AS dco, 'N' AS dsco;

-- Dates and timestamps are written as ISO whatever DateStyle says; booleans
-- as 1/0; char(n) without its padding; integers as digits.
SET datestyle = 'SQL, DMY';
SELECT regexp_split_to_table(regexp_replace(
         sen2.xml_agg(p, h, p.list_order, p.person_id)::text, '><', E'>\n<', 'g'), E'\n') AS line
  FROM xml_views_test.sen2_person p, xml_views_test.sen2_header h;
RESET datestyle;

-- The same through a plain query with anonymous records (no views needed).
SELECT (xpath('count(//Person)', x))[1]::text AS persons,
       (xpath('//Person[1]/Surname/text()', x))[1]::text AS first,
       (xpath('//Requests[ReceivedDate="2025-03-03"]/RYA/text()', x))[1]::text AS rya
  FROM (SELECT sen2.xml_agg(p, h, p.sort) AS x
          FROM (SELECT pu.list_order AS sort, pu.family_name AS surname,
                       (SELECT array_agg(q) FROM (SELECT c.received AS received_date, c.youth_custody AS rya,
                                                         c.decision AS request_outcome
                                                    FROM xml_views_test.ehc_case c
                                                   WHERE c.pupil_ref = pu.pupil_ref) q) AS requests
                  FROM xml_views_test.pupil pu) p,
               (SELECT '2026' AS year) h) d;

-- Mistakes are errors, not silently missing elements.
SELECT sen2.xml_agg(p, h)
  FROM (SELECT 'a' AS surname, date '2025-01-01' AS received_date,
               (SELECT array_agg(q) FROM (SELECT '2025-01-01' AS received_date, '2025-01-02' AS receiveddate) q) AS requests) p,
       xml_views_test.sen2_header h;
SELECT sen2.xml_agg(p, h)
  FROM (SELECT 'a' AS surname, 'not a record' AS requests) p, xml_views_test.sen2_header h;
SELECT sen2.xml_agg(p, h)
  FROM (SELECT ROW('a', 'b') AS surname) p, xml_views_test.sen2_header h;
SELECT sen2.xml_agg(ROW('Smith', '2013-07-08'), h) FROM xml_views_test.sen2_header h;
SELECT sen2.xml_agg(p, h)
  FROM (SELECT 'a' AS surname, (SELECT array_agg(ROW('x', 'y'))) AS requests) p, xml_views_test.sen2_header h;

SET client_min_messages = warning;
DROP SCHEMA xml_views_test CASCADE;
RESET client_min_messages;
