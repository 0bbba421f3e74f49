-- sen2.return_xml, sen2.return_xml_rows and sen2.xml_agg over the staging
-- tables: structure per collection year, escaping, NULL omission, order,
-- UTF-8, bad characters, the size limit.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS sen2;
RESET client_min_messages;

-- One return per collection year, each with a person that has every item
-- of every year filled (a year writes only the elements of its layout),
-- and a sparse person.
INSERT INTO sen2.return (la_code, collection_year, label, year, reference_date, lea, software_code,
                         release, serial_no, date_time, dmo, dco, dsco)
SELECT '886', c.collection_year, 'xml_writer test', c.collection_year::text,
       to_char(c.reference_date, 'YYYY-MM-DD'), '886', 'sen2', '0.1', '001', '2026-02-01T10:00:00', 'Y', 'N', 'R'
  FROM sen2.collection c WHERE c.collection_year BETWEEN 2023 AND 2027;
INSERT INTO sen2.person (return_id, seq, surname, forename, person_birth_date, gender, sex, ethnicity,
                         post_code, upn, uln, upn_unknown)
SELECT r.return_id, v.seq, v.surname, v.forename, v.dob, v.gender, v.sex, v.eth, v.pc, v.upn, v.uln, v.unk
  FROM sen2.return r,
       (VALUES (1, 'Full', 'Person', '2012-03-04', '2', 'F', 'WBRI', 'CT1 1AA', 'B801200005001', '1234567890', 'UN1'),
               (2, 'Sparse', '', '2011-05-06', NULL, NULL, NULL, NULL, NULL, NULL, NULL))
         AS v(seq, surname, forename, dob, gender, sex, eth, pc, upn, uln, unk)
 WHERE r.label = 'xml_writer test';
INSERT INTO sen2.request (return_id, person_id, seq, received_date, request_source, rya, request_outcome_date,
                          request_outcome, request_mediation, request_tribunal, exported)
SELECT p.return_id, p.person_id, 1, '2025-02-01', '1', '0', '2025-03-01', 'Y', '0', '1', '887'
  FROM sen2.person p JOIN sen2.return r USING (return_id) WHERE r.label = 'xml_writer test' AND p.seq = 1;
INSERT INTO sen2.request (return_id, person_id, seq, received_date, request_outcome)
SELECT p.return_id, p.person_id, 1, '2025-04-01', 'A'
  FROM sen2.person p JOIN sen2.return r USING (return_id) WHERE r.label = 'xml_writer test' AND p.seq = 2;
INSERT INTO sen2.assessment (return_id, request_id, assessment_outcome, assessment_outcome_date, assessment_mediation,
                             assessment_tribunal, other_mediation, other_tribunal, week20)
SELECT q.return_id, q.request_id, 'Y', '2025-06-01', '0', '0', '1', '0', '1'
  FROM sen2.request q JOIN sen2.return r USING (return_id) WHERE r.label = 'xml_writer test' AND q.request_outcome = 'Y';
-- an assessment with nothing in it: no empty <Assessment/>
INSERT INTO sen2.assessment (return_id, request_id)
SELECT q.return_id, q.request_id
  FROM sen2.request q JOIN sen2.return r USING (return_id) WHERE r.label = 'xml_writer test' AND q.request_outcome = 'A';
INSERT INTO sen2.named_plan (return_id, assessment_id, start_date, plan_res, plan_wbp, pb, oa, dp, cease_date, cease_reason)
SELECT a.return_id, a.assessment_id, '2025-06-01', 'A', 'S', '1', '0', 'E', '2025-12-01', '1'
  FROM sen2.assessment a JOIN sen2.return r USING (return_id)
 WHERE r.label = 'xml_writer test' AND a.assessment_outcome = 'Y';
-- plan details inserted out of order: seq decides, then the id
INSERT INTO sen2.plan_detail (return_id, named_plan_id, seq, urn, ukprn, sen_setting, sen_setting_other,
                              placement_rank, sen_unit_indicator, resourced_provision_indicator)
SELECT n.return_id, n.named_plan_id, v.seq, v.urn, v.ukprn, v.setting, v.other, v.rank, '0', '1'
  FROM sen2.named_plan n JOIN sen2.return r USING (return_id),
       (VALUES (2, NULL, '10012345', NULL, NULL, '2'),
               (1, '100001', NULL, 'NIEO', 'Awaiting a place', '1')) AS v(seq, urn, ukprn, setting, other, rank)
 WHERE r.label = 'xml_writer test';
INSERT INTO sen2.active_plans (return_id, request_id, transfer_la, res, wbp, review_meeting, review_outcome,
                               review_draft, phase_transfer_due_date, phase_transfer_final_date, last_review)
SELECT q.return_id, q.request_id, '887', 'B', 'T', '2025-10-01', 'A', '2025-10-20', '2026-02-15', '2026-01-10', '2025-10-15'
  FROM sen2.request q JOIN sen2.return r USING (return_id) WHERE r.label = 'xml_writer test' AND q.request_outcome = 'Y';
INSERT INTO sen2.placement_detail (return_id, active_plans_id, seq, urn, ukprn, sen_setting, sen_setting_other,
                                   placement_rank, entry_date, leaving_date, attendance_pattern,
                                   sen_unit_indicator, resourced_provision_indicator, res, wbp)
SELECT a.return_id, a.active_plans_id, v.seq, v.urn, NULL, v.setting, v.other, '1', v.entry, v.leaving, 'F',
       '0', '0', 'A', 'A'
  FROM sen2.active_plans a JOIN sen2.return r USING (return_id),
       (VALUES (2, '100002', NULL, NULL, '2025-09-01', NULL),
               (1, NULL, 'OTH', 'Special school', '2024-09-01', '2025-08-31')) AS v(seq, urn, setting, other, entry, leaving)
 WHERE r.label = 'xml_writer test';
INSERT INTO sen2.sen_need (return_id, active_plans_id, seq, sen_type, sen_type_rank)
SELECT a.return_id, a.active_plans_id, v.seq, v.t, v.rank
  FROM sen2.active_plans a JOIN sen2.return r USING (return_id),
       (VALUES (2, 'SLCN', '2'), (1, 'ASD', '1')) AS v(seq, t, rank)
 WHERE r.label = 'xml_writer test';

-- The elements of the full person, in document order, per year: 2023 has
-- Gender, Res/WBP under ActivePlans and AttendancePattern; 2024 Sex, the
-- review items and Res/WBP in PlacementDetail; 2025+ RequestSource,
-- ReviewDraft and the phase-transfer dates.
SELECT r.collection_year,
       string_agg((xpath('local-name(/*)', e.n))[1]::text, ' ' ORDER BY e.ord) AS person_elements
  FROM sen2.return r,
       unnest(xpath('/Message/Persons/Person[1]//*', sen2.return_xml(r.return_id))) WITH ORDINALITY AS e(n, ord)
 WHERE r.label = 'xml_writer test'
 GROUP BY r.collection_year ORDER BY r.collection_year;

-- The header per year (DSCO from 2025).
SELECT r.collection_year,
       string_agg((xpath('local-name(/*)', e.n))[1]::text, ' ' ORDER BY e.ord) AS header_elements
  FROM sen2.return r,
       unnest(xpath('/Message/Header//*', sen2.return_xml(r.return_id))) WITH ORDINALITY AS e(n, ord)
 WHERE r.label = 'xml_writer test'
 GROUP BY r.collection_year ORDER BY r.collection_year;

-- The whole 2026 document, one tag per line: the sparse person has no empty
-- tags (forename '' and the empty assessment are left out), children are in
-- (seq, id) order.
SELECT regexp_split_to_table(regexp_replace(sen2.return_xml_text(r.return_id), '><', E'>\n<', 'g'), E'\n') AS line
  FROM sen2.return r WHERE r.label = 'xml_writer test' AND r.collection_year = 2026;

-- The declaration: kept by the text forms (the xml type's output drops it,
-- as PostgreSQL does for every xml value with a plain 1.0/UTF-8 declaration).
SELECT left(sen2.return_xml_text(r.return_id), 39) AS text_form,
       left(sen2.return_xml(r.return_id)::text, 39) AS cast_form
  FROM sen2.return r WHERE r.label = 'xml_writer test' AND r.collection_year = 2026;

-- The lines around the persons, as sen2.xml_open / sen2.xml_close give them
-- (2024: no DSCO).
SELECT sen2.xml_open(r) AS open_line, sen2.xml_close(r) AS close_line
  FROM sen2.return r WHERE r.label = 'xml_writer test' AND r.collection_year = 2024;

-- The lines of return_xml_rows joined by line feeds are the document, byte
-- for byte; the document parses; the document is the same on every call.
SELECT r.collection_year,
       (SELECT string_agg(l, E'\n' ORDER BY o) FROM sen2.return_xml_rows(r.return_id) WITH ORDINALITY AS x(l, o))
         = sen2.return_xml_text(r.return_id) AS rows_equal_document,
       (SELECT count(*) FROM sen2.return_xml_rows(r.return_id)) AS lines,
       xml_is_well_formed_document(sen2.return_xml_text(r.return_id)) AS well_formed,
       md5(sen2.return_xml_text(r.return_id)) = md5(sen2.return_xml_text(r.return_id)) AS repeatable
  FROM sen2.return r WHERE r.label = 'xml_writer test' ORDER BY 1;

-- Escaping and UTF-8.  &, < and > become references; quotes stay; CR, LF
-- and TAB become character references (one person per line, and they
-- survive parsing: PostgreSQL's xpath shows the parsed CR as &#x0d;); a
-- backslash becomes &#92; so COPY's text format passes the lines through
-- unchanged.  Multi-byte characters are copied byte for byte.
UPDATE sen2.person p SET surname = E'O''Brien & "Sons" <Ltd> ]]>', forename = 'Zoë Siân'
  FROM sen2.return r WHERE r.return_id = p.return_id AND r.label = 'xml_writer test' AND p.seq = 1;
UPDATE sen2.plan_detail d SET sen_setting_other = E'line 1\r\nline 2\tend \\ done'
  FROM sen2.return r WHERE r.return_id = d.return_id AND r.label = 'xml_writer test' AND d.seq = 1;
SELECT substring(x FROM '<Surname>[^/]*</Surname><Forename>[^<]*</Forename>') AS names,
       substring(x FROM '<SENSettingOther>[^/]*</SENSettingOther>') AS other,
       position(convert_to('<Forename>Zoë Siân</Forename>', 'UTF8') IN convert_to(x, 'UTF8')) > 0 AS utf8_bytes_kept,
       (xpath('//Person[1]/Forename/text()', x::xml))[1]::text = 'Zoë Siân' AS forename_parses,
       (xpath('string(//PlanDetail[1]/SENSettingOther)', x::xml))[1]::text AS other_parsed
  FROM (SELECT sen2.return_xml_text(r.return_id) AS x
          FROM sen2.return r WHERE r.label = 'xml_writer test' AND r.collection_year = 2026) d;
SELECT count(*) AS lines, bool_and(l !~ E'[\\t\\r\\n\\\\]') AS copy_safe
  FROM sen2.return r, sen2.return_xml_rows(r.return_id) l
 WHERE r.label = 'xml_writer test' AND r.collection_year = 2026;

-- Persons in (seq, person_id) order, NULL seq last, whatever order the rows
-- were inserted in.
INSERT INTO sen2.person (return_id, seq, surname)
SELECT r.return_id, v.seq, v.name
  FROM sen2.return r, (VALUES (NULL::int, 'NoSeqA'), (0, 'Zero'), (NULL, 'NoSeqB'), (2, 'TwoB')) AS v(seq, name)
 WHERE r.label = 'xml_writer test' AND r.collection_year = 2026;
SELECT string_agg(s::text, ' ' ORDER BY o) AS surnames_in_order
  FROM sen2.return r,
       unnest(xpath('//Person/Surname/text()', sen2.return_xml(r.return_id))) WITH ORDINALITY AS x(s, o)
 WHERE r.label = 'xml_writer test' AND r.collection_year = 2026;

-- A character XML 1.0 cannot carry is an error naming the item, not a
-- broken file.  (VERBOSITY terse: the detail names the person_id, which
-- depends on what ran before.)
\set VERBOSITY terse
UPDATE sen2.person p SET forename = E'Ann\x01e'
  FROM sen2.return r WHERE r.return_id = p.return_id AND r.label = 'xml_writer test' AND p.seq = 1;
SELECT sen2.return_xml(r.return_id) FROM sen2.return r WHERE r.label = 'xml_writer test' AND r.collection_year = 2026;
SELECT count(*) FROM sen2.return r, sen2.return_xml_rows(r.return_id)
 WHERE r.label = 'xml_writer test' AND r.collection_year = 2026;
UPDATE sen2.person p SET forename = E'Ann\uFFFEe'
  FROM sen2.return r WHERE r.return_id = p.return_id AND r.label = 'xml_writer test' AND p.seq = 1;
SELECT sen2.return_xml(r.return_id) FROM sen2.return r WHERE r.label = 'xml_writer test' AND r.collection_year = 2026;
\set VERBOSITY default
-- the whole message, with a fixed person_id
SELECT sen2.xml_agg(p, r)
  FROM (SELECT 42 AS person_id, 'Smith' AS surname, E'Ann\x1fe' AS forename) p,
       (SELECT '2026' AS year) r;
UPDATE sen2.person p SET forename = 'Zoë Siân'
  FROM sen2.return r WHERE r.return_id = p.return_id AND r.label = 'xml_writer test' AND p.seq = 1;

-- The 1 GB limit, lowered for the test: a clear error before any
-- allocation fails, with the way out; the line-by-line form has no limit on
-- the whole.
SET sen2.xml_max_bytes = 3000;
-- (return_xml's rows reach the aggregate in plan order, so where the limit
-- strikes varies: only the message is shown here)
\set VERBOSITY terse
SELECT sen2.return_xml(r.return_id) FROM sen2.return r WHERE r.label = 'xml_writer test' AND r.collection_year = 2026;
\set VERBOSITY default
-- (rows fed in file order, so the point where the limit strikes is fixed)
SELECT sen2.xml_agg(p, r, p.seq, p.person_id ORDER BY p.seq, p.person_id) FROM sen2.person p JOIN sen2.return r USING (return_id)
 WHERE r.label = 'xml_writer test' AND r.collection_year = 2026;
SELECT count(*) AS lines FROM sen2.return r, sen2.return_xml_rows(r.return_id)
 WHERE r.label = 'xml_writer test' AND r.collection_year = 2026;
RESET sen2.xml_max_bytes;

-- A return with no persons yet: the header and an empty Persons (which the
-- schema then rejects: a return needs a person).
INSERT INTO sen2.return (la_code, collection_year, label, year, reference_date, lea, date_time)
VALUES ('887', 2026, 'xml_writer test', '2026', '2026-01-15', '887', '2026-02-01T10:00:00');
SELECT sen2.return_xml_text(r.return_id) AS empty_return
  FROM sen2.return r WHERE r.label = 'xml_writer test' AND r.la_code = '887';

-- Bad calls.
SELECT sen2.return_xml(-1);
SELECT sen2.return_xml(NULL) IS NULL AS null_in_null_out;
SELECT sen2.xml_agg(p, NULL::sen2.return) FROM sen2.person p JOIN sen2.return r USING (return_id)
 WHERE r.label = 'xml_writer test';
SELECT sen2.xml_agg(p, r) FROM sen2.person p JOIN sen2.return r USING (return_id)
 WHERE r.label = 'xml_writer test';
SELECT sen2.xml_agg(r, p) FROM sen2.person p JOIN sen2.return r USING (return_id)
 WHERE r.label = 'xml_writer test';
SELECT sen2.xml_agg(p, r) IS NULL AS no_rows_no_document FROM sen2.person p JOIN sen2.return r USING (return_id)
 WHERE false;
SELECT sen2.xml_agg(p, r)
  FROM (SELECT 'x' AS surname) p, (SELECT 2031 AS collection_year) r;
SELECT sen2.xml_agg(p, r)
  FROM (SELECT 'x' AS surname) p, (SELECT 'twenty' AS year) r;

DELETE FROM sen2.return WHERE label = 'xml_writer test';
