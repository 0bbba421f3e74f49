-- Reference data keyed by collection year.
--
-- Every fact the return depends on (census dates, code sets, LA codes, which
-- elements exist in which year, their order and whether they are mandatory)
-- lives in a table, because the public sources disagree on several of them
-- (see docs/reference-data.md).  Each table holds the extension's own rows
-- (origin = 'builtin') and the authority's corrections (origin = 'local').
-- A local row with the same key wins over the built-in one, a local row with
-- in_use = false withdraws a built-in fact, and only local rows are dumped by
-- pg_dump, so corrections survive dump/restore and extension upgrades.
-- The C code and the rules read the effective views, never the tables.

CREATE TABLE sen2.ref_collection (
    collection_year     int  NOT NULL CHECK (collection_year BETWEEN 2015 AND 2100),
    origin              text NOT NULL DEFAULT 'local' CHECK (origin IN ('builtin', 'local')),
    reference_date      date NOT NULL,
    submission_deadline date,
    period_start        date NOT NULL,
    period_end          date NOT NULL,
    in_use              boolean NOT NULL DEFAULT true,
    note                text,
    PRIMARY KEY (collection_year, origin),
    CHECK (period_start <= period_end)
);
COMMENT ON TABLE sen2.ref_collection IS
  'Census (reference) date, deadline and activity period of each collection year. Insert origin=''local'' rows to correct or add a year.';

CREATE TABLE sen2.ref_code (
    collection_year int  NOT NULL,
    code_set        text NOT NULL,
    code            text NOT NULL,
    origin          text NOT NULL DEFAULT 'local' CHECK (origin IN ('builtin', 'local')),
    label           text NOT NULL,
    in_use          boolean NOT NULL DEFAULT true,
    note            text,
    PRIMARY KEY (collection_year, code_set, code, origin)
);
COMMENT ON TABLE sen2.ref_code IS
  'Code sets per collection year. A local row overrides the built-in row with the same key; in_use=false withdraws a code.';

CREATE TABLE sen2.ref_la (
    la_code     text NOT NULL CHECK (la_code ~ '^[0-9]{3}$'),
    origin      text NOT NULL DEFAULT 'local' CHECK (origin IN ('builtin', 'local')),
    kind        text NOT NULL CHECK (kind IN ('england', 'wales', 'pseudo')),
    first_year  int,
    last_year   int,
    name        text,
    in_use      boolean NOT NULL DEFAULT true,
    note        text,
    PRIMARY KEY (la_code, origin)
);
COMMENT ON TABLE sen2.ref_la IS
  'DfE LA numbers. kind=england codes are valid for LEA, TransferLA and Exported in the collection years [first_year, last_year]; every in-use code is valid as the LA part of a UPN.';

CREATE TABLE sen2.ref_element (
    collection_year int  NOT NULL,
    parent          text NOT NULL,
    element         text NOT NULL,
    origin          text NOT NULL DEFAULT 'local' CHECK (origin IN ('builtin', 'local')),
    position        int  NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('group', 'item')),
    module          text NOT NULL,
    column_name     text,
    data_type       text CHECK (data_type IN ('text', 'date', 'datetime', 'year', 'bool',
                                              'code', 'la', 'upn', 'uln', 'urn', 'ukprn',
                                              'postcode', 'digits')),
    code_set        text,
    requirement     text NOT NULL CHECK (requirement IN ('M', 'C', 'O')),
    max_occurs      int,
    aliases         text[] NOT NULL DEFAULT '{}',
    in_use          boolean NOT NULL DEFAULT true,
    note            text,
    PRIMARY KEY (collection_year, parent, element, origin),
    CHECK ((kind = 'item') = (column_name IS NOT NULL))
);
COMMENT ON TABLE sen2.ref_element IS
  'The XML layout of each collection year: element, parent, order among siblings, module table and column, data type, code set and requirement (M mandatory, C conditional, O optional). aliases lists other spellings the reader accepts.';

-- The effective views: a local row wins over the built-in row with the same key.
CREATE VIEW sen2.collection AS
SELECT collection_year, reference_date, submission_deadline, period_start, period_end, origin, note
  FROM (SELECT DISTINCT ON (collection_year) *
          FROM sen2.ref_collection
         ORDER BY collection_year, origin DESC) c
 WHERE in_use;

CREATE VIEW sen2.code AS
SELECT collection_year, code_set, code, label, origin, note
  FROM (SELECT DISTINCT ON (collection_year, code_set, code) *
          FROM sen2.ref_code
         ORDER BY collection_year, code_set, code, origin DESC) c
 WHERE in_use;

CREATE VIEW sen2.la AS
SELECT la_code, kind, first_year, last_year, name, origin, note
  FROM (SELECT DISTINCT ON (la_code) *
          FROM sen2.ref_la
         ORDER BY la_code, origin DESC) l
 WHERE in_use;

CREATE VIEW sen2.element AS
SELECT collection_year, parent, element, position, kind, module, column_name,
       data_type, code_set, requirement, max_occurs, aliases, origin, note
  FROM (SELECT DISTINCT ON (collection_year, parent, element) *
          FROM sen2.ref_element
         ORDER BY collection_year, parent, element, origin DESC) e
 WHERE in_use;

COMMENT ON VIEW sen2.collection IS 'Effective collection years (local corrections applied).';
COMMENT ON VIEW sen2.code IS 'Effective code sets per collection year (local corrections applied).';
COMMENT ON VIEW sen2.la IS 'Effective LA codes (local corrections applied).';
COMMENT ON VIEW sen2.element IS 'Effective XML layout per collection year (local corrections applied).';

-- Only the authority's own rows are dumped: the built-in rows come back with
-- CREATE EXTENSION.
SELECT pg_catalog.pg_extension_config_dump('sen2.ref_collection', 'WHERE origin = ''local''');
SELECT pg_catalog.pg_extension_config_dump('sen2.ref_code', 'WHERE origin = ''local''');
SELECT pg_catalog.pg_extension_config_dump('sen2.ref_la', 'WHERE origin = ''local''');
SELECT pg_catalog.pg_extension_config_dump('sen2.ref_element', 'WHERE origin = ''local''');

-- Start a new collection year from the facts of an existing one, as local
-- rows the authority can then correct.  Returns the number of rows copied.
CREATE FUNCTION sen2.copy_reference_year(from_year int, to_year int, census_date date)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n bigint := 0;
    k bigint;
BEGIN
    IF from_year IS NULL OR to_year IS NULL OR census_date IS NULL THEN
        RAISE EXCEPTION 'copy_reference_year needs a source year, a target year and a census date'
              USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM sen2.collection WHERE collection_year = from_year) THEN
        RAISE EXCEPTION 'collection year % is not known', from_year
              USING ERRCODE = 'invalid_parameter_value',
                    HINT = 'SELECT collection_year FROM sen2.collection lists the known years.';
    END IF;
    IF EXISTS (SELECT 1 FROM sen2.collection WHERE collection_year = to_year) THEN
        RAISE EXCEPTION 'collection year % already exists', to_year
              USING ERRCODE = 'unique_violation',
                    HINT = 'Correct its rows in sen2.ref_* with origin = ''local'' instead.';
    END IF;
    INSERT INTO sen2.ref_collection (collection_year, origin, reference_date, period_start, period_end, note)
    VALUES (to_year, 'local', census_date, make_date(to_year - 1, 1, 1), make_date(to_year - 1, 12, 31),
            format('copied from %s', from_year));
    n := 1;
    INSERT INTO sen2.ref_code (collection_year, code_set, code, origin, label, note)
    SELECT to_year, code_set, code, 'local', label, format('copied from %s', from_year)
      FROM sen2.code WHERE collection_year = from_year;
    GET DIAGNOSTICS k = ROW_COUNT; n := n + k;
    INSERT INTO sen2.ref_element (collection_year, parent, element, origin, position, kind, module,
                                  column_name, data_type, code_set, requirement, max_occurs, aliases, note)
    SELECT to_year, parent, element, 'local', position, kind, module, column_name, data_type,
           code_set, requirement, max_occurs, aliases, format('copied from %s', from_year)
      FROM sen2.element WHERE collection_year = from_year;
    GET DIAGNOSTICS k = ROW_COUNT; n := n + k;
    RETURN n;
END
$$;
COMMENT ON FUNCTION sen2.copy_reference_year(int, int, date) IS
  'Starts a new collection year as local reference rows copied from an existing year.';

-- ---------------------------------------------------------------------------
-- Built-in facts (sources and confidence: docs/reference-data.md)
-- ---------------------------------------------------------------------------

INSERT INTO sen2.ref_collection (collection_year, origin, reference_date, submission_deadline, period_start, period_end, note) VALUES
 (2023, 'builtin', '2023-01-19', NULL,         '2022-01-01', '2022-12-31', 'deadline not found in public sources'),
 (2024, 'builtin', '2024-01-18', '2024-03-14', '2023-01-01', '2023-12-31', NULL),
 (2025, 'builtin', '2025-01-16', '2025-03-14', '2024-01-01', '2024-12-31', NULL),
 (2026, 'builtin', '2026-01-15', '2026-03-12', '2025-01-01', '2025-12-31', NULL),
 (2027, 'builtin', '2027-01-21', '2027-03-11', '2026-01-01', '2026-12-31', 'layout copied from 2026 until the DfE publishes the 2027 specification');

-- Code sets: (code_set, code, label, first year, last year).
INSERT INTO sen2.ref_code (collection_year, code_set, code, origin, label, note)
SELECT y, c.code_set, c.code, 'builtin', c.label, c.note
  FROM (VALUES
    ('collection', 'SEN2', 'SEN2 person-level return', 2023, 2027, NULL),
    ('source_level', 'L', 'Local authority', 2023, 2027, NULL),
    ('designated_officer', 'Y', 'Yes', 2023, 2027, NULL),
    ('designated_officer', 'N', 'No', 2023, 2027, NULL),
    ('designated_officer', 'R', 'Recruiting', 2023, 2027, NULL),
    ('boolean', '1', 'Yes', 2023, 2027, NULL),
    ('boolean', '0', 'No', 2023, 2027, NULL),
    ('gender', '0', 'Not known', 2023, 2023, 'labels inferred from CBDS gender'),
    ('gender', '1', 'Male', 2023, 2023, NULL),
    ('gender', '2', 'Female', 2023, 2023, NULL),
    ('gender', '9', 'Not specified', 2023, 2023, NULL),
    ('sex', 'M', 'Male', 2024, 2027, NULL),
    ('sex', 'F', 'Female', 2024, 2027, NULL),
    ('sex', 'U', 'Unknown', 2024, 2027, 'uncertain: accepted by CBDS N00783 in other collections'),
    ('ethnicity', 'WBRI', 'White - British', 2023, 2027, NULL),
    ('ethnicity', 'WIRI', 'White - Irish', 2023, 2027, NULL),
    ('ethnicity', 'WIRT', 'Traveller of Irish heritage', 2023, 2027, NULL),
    ('ethnicity', 'WOTH', 'Any other White background', 2023, 2027, NULL),
    ('ethnicity', 'WROM', 'Gypsy/Roma', 2023, 2027, NULL),
    ('ethnicity', 'MWBC', 'Mixed - White and Black Caribbean', 2023, 2027, NULL),
    ('ethnicity', 'MWBA', 'Mixed - White and Black African', 2023, 2027, NULL),
    ('ethnicity', 'MWAS', 'Mixed - White and Asian', 2023, 2027, NULL),
    ('ethnicity', 'MOTH', 'Any other Mixed background', 2023, 2027, NULL),
    ('ethnicity', 'AIND', 'Asian - Indian', 2023, 2027, NULL),
    ('ethnicity', 'APKN', 'Asian - Pakistani', 2023, 2027, NULL),
    ('ethnicity', 'ABAN', 'Asian - Bangladeshi', 2023, 2027, NULL),
    ('ethnicity', 'AOTH', 'Any other Asian background', 2023, 2027, NULL),
    ('ethnicity', 'BCRB', 'Black - Caribbean', 2023, 2027, NULL),
    ('ethnicity', 'BAFR', 'Black - African', 2023, 2027, NULL),
    ('ethnicity', 'BOTH', 'Any other Black background', 2023, 2027, NULL),
    ('ethnicity', 'CHNE', 'Chinese', 2023, 2027, NULL),
    ('ethnicity', 'OOTH', 'Any other ethnic group', 2023, 2027, NULL),
    ('ethnicity', 'REFU', 'Refused', 2023, 2027, NULL),
    ('ethnicity', 'NOBT', 'Information not yet obtained', 2023, 2027, NULL),
    ('upn_unknown', 'UN1', 'Child under 6 years old and not yet assigned a UPN', 2023, 2027, NULL),
    ('upn_unknown', 'UN2', 'Never attended a state-funded school in England; no UPN assigned', 2023, 2027, NULL),
    ('upn_unknown', 'UN3', 'Educated outside England; no UPN assigned', 2023, 2027, NULL),
    ('upn_unknown', 'UN5', 'Sources collating UPNs reflect discrepancy in name or date of birth', 2023, 2027, NULL),
    ('upn_unknown', 'UN8', 'New to the LA; UPN or ULN not yet known', 2023, 2027, NULL),
    ('upn_unknown', 'UN9', 'Young person never attended a state-funded school or FE setting in England', 2023, 2027, NULL),
    ('upn_unknown', 'UN10', 'Request ended with no further action before UPN or ULN became known', 2023, 2027, NULL),
    ('request_source', '1', 'Young person or parent', 2025, 2027, NULL),
    ('request_source', '2', 'School or other education setting', 2025, 2027, NULL),
    ('request_source', '3', 'Health care professional', 2025, 2027, NULL),
    ('request_source', '4', 'Social care professional', 2025, 2027, NULL),
    ('request_source', '5', 'Other', 2025, 2027, NULL),
    ('request_outcome', 'Y', 'LA proceeded with an assessment', 2023, 2027, NULL),
    ('request_outcome', 'N', 'LA decided not to assess', 2023, 2027, NULL),
    ('request_outcome', 'A', 'Decision yet to be made', 2023, 2027, NULL),
    ('request_outcome', 'W', 'Request withdrawn or ceased before a decision to assess', 2023, 2027, NULL),
    ('request_outcome', 'H', 'Historical: decision made before the collection period', 2023, 2027, NULL),
    ('assessment_outcome', 'Y', 'Decided to issue a plan', 2023, 2027, NULL),
    ('assessment_outcome', 'N', 'Decided not to issue a plan', 2023, 2027, NULL),
    ('assessment_outcome', 'A', 'Decision not yet made', 2023, 2027, NULL),
    ('assessment_outcome', 'W', 'Withdrawn or ceased before the issue decision', 2023, 2027, NULL),
    ('assessment_outcome', 'H', 'Historical, or plan transferred in from another LA', 2023, 2027, NULL),
    ('sen_type', 'SPLD', 'Specific learning difficulty', 2023, 2027, NULL),
    ('sen_type', 'MLD', 'Moderate learning difficulty', 2023, 2027, NULL),
    ('sen_type', 'SLD', 'Severe learning difficulty', 2023, 2027, NULL),
    ('sen_type', 'PMLD', 'Profound and multiple learning difficulty', 2023, 2027, NULL),
    ('sen_type', 'SEMH', 'Social, emotional and mental health', 2023, 2027, NULL),
    ('sen_type', 'SLCN', 'Speech, language and communication needs', 2023, 2027, NULL),
    ('sen_type', 'HI', 'Hearing impairment', 2023, 2027, NULL),
    ('sen_type', 'VI', 'Vision impairment', 2023, 2027, NULL),
    ('sen_type', 'MSI', 'Multi-sensory impairment', 2023, 2027, NULL),
    ('sen_type', 'PD', 'Physical disability', 2023, 2027, NULL),
    ('sen_type', 'ASD', 'Autistic spectrum disorder', 2023, 2027, NULL),
    ('sen_type', 'DS', 'Down syndrome', 2025, 2027, 'first seen in the 2025 dictionary; 2024 status unknown'),
    ('sen_type', 'OTH', 'Other difficulty', 2023, 2027, NULL),
    ('sen_setting', 'OLA', 'Other - arrangements made by the LA (s61)', 2023, 2027, NULL),
    ('sen_setting', 'OPA', 'Other - arrangements made by parents or young person (s42(5)), not EHE', 2023, 2027, NULL),
    ('sen_setting', 'EHE', 'Elective home education', 2023, 2027, NULL),
    ('sen_setting', 'EYP', 'Early years provider with no URN', 2023, 2027, NULL),
    ('sen_setting', 'OTH', 'Other - a type of setting is named but no specific setting', 2024, 2027, NULL),
    ('sen_setting', 'NEET', 'Not in education, employment or training (16-25)', 2023, 2027, NULL),
    ('sen_setting', 'NIEC', 'Not in education or training - notice to cease issued', 2023, 2027, NULL),
    ('sen_setting', 'NIEO', 'Not in education or training - other', 2023, 2027, NULL),
    ('residential', 'A', '38 to 51 weeks', 2023, 2025, 'uncertain: RFC 1299 may redefine A and B from 2026'),
    ('residential', 'B', '52 weeks', 2023, 2025, 'uncertain: RFC 1299 may redefine A and B from 2026'),
    ('residential', 'A', 'Up to 38 weeks', 2026, 2027, 'uncertain: meaning per one vendor (CBDS RFC 1299)'),
    ('residential', 'B', '39 to 52 weeks', 2026, 2027, 'uncertain: meaning per one vendor (CBDS RFC 1299)'),
    ('work_based', 'A', 'Apprenticeship', 2023, 2027, NULL),
    ('work_based', 'T', 'Traineeship', 2023, 2027, NULL),
    ('work_based', 'S', 'Supported internship', 2023, 2027, NULL),
    ('direct_payment', 'E', 'Education only', 2023, 2027, NULL),
    ('direct_payment', 'H', 'Health only', 2023, 2027, NULL),
    ('direct_payment', 'S', 'Social care only', 2023, 2027, NULL),
    ('direct_payment', 'I', 'Integrated (a combination)', 2023, 2027, NULL),
    ('cease_reason', '1', 'Reached maximum age', 2023, 2027, NULL),
    ('cease_reason', '2', 'Needs met without a plan', 2023, 2027, NULL),
    ('cease_reason', '3', 'Moved on to higher education', 2023, 2027, NULL),
    ('cease_reason', '4', 'Moved on to paid employment', 2023, 2027, NULL),
    ('cease_reason', '5', 'Transferred to another LA in England', 2023, 2027, NULL),
    ('cease_reason', '6', 'Young person no longer wishes to engage in education or training', 2023, 2027, NULL),
    ('cease_reason', '7', 'Moved outside England', 2023, 2027, NULL),
    ('cease_reason', '8', 'Deceased', 2023, 2027, NULL),
    ('cease_reason', '9', 'Other', 2023, 2027, NULL),
    ('review_outcome', 'A', 'Amend', 2024, 2027, NULL),
    ('review_outcome', 'C', 'Cease', 2024, 2027, NULL),
    ('review_outcome', 'M', 'Maintain', 2024, 2027, NULL),
    ('rank', '1', 'Main (primary)', 2023, 2027, NULL),
    ('rank', '2', 'Secondary', 2023, 2027, NULL)
  ) AS c(code_set, code, label, first_year, last_year, note)
  CROSS JOIN LATERAL generate_series(c.first_year, c.last_year) AS y;

-- LA numbers (DfE CIN rule 1530 list; 942/943 created April 2023).
INSERT INTO sen2.ref_la (la_code, origin, kind, first_year, last_year, note)
SELECT lpad(n::text, 3, '0'), 'builtin',
       CASE WHEN n BETWEEN 660 AND 681 THEN 'wales'
            WHEN n BETWEEN 1 AND 5 OR n BETWEEN 701 AND 708 THEN 'pseudo'
            ELSE 'england' END,
       NULL,
       CASE n WHEN 928 THEN 2021 WHEN 909 THEN 2023 END,
       CASE n WHEN 928 THEN 'Northamptonshire: replaced by 940/941 in April 2021'
              WHEN 909 THEN 'Cumbria: replaced by 942/943 in April 2023' END
  FROM (SELECT generate_series(a, b) AS n
          FROM (VALUES (1, 5), (201, 213), (301, 320), (330, 336), (340, 344), (350, 359),
                       (370, 373), (380, 384), (390, 394), (420, 420), (660, 681), (701, 708),
                       (800, 803), (805, 808), (810, 813), (815, 816), (820, 823), (825, 826),
                       (830, 831), (835, 841), (845, 846), (850, 852), (855, 857), (860, 861),
                       (865, 896), (908, 909), (916, 916), (919, 919), (921, 921), (925, 926),
                       (928, 929), (931, 931), (933, 933), (935, 938), (940, 941)) r(a, b)) s;
INSERT INTO sen2.ref_la (la_code, origin, kind, first_year, last_year, name, note) VALUES
 ('942', 'builtin', 'england', 2024, NULL, 'Cumberland', 'created April 2023'),
 ('943', 'builtin', 'england', 2024, NULL, 'Westmorland and Furness', 'created April 2023');
