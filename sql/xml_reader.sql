SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS sen2;
RESET client_min_messages;
-- sen2.load_xml: mapping a SEN2 file onto the staging tables.  Every return
-- made here carries the label 'xml_reader' and is deleted at the end.

-- A real file from another producer: Social Finance's 2024 mock-up.
\set mock `cat test/fixtures/sen2-2024-mockup.socialfinance.xml`
SELECT sen2.load_xml(:'mock', label => 'xml_reader') AS mock_id \gset

SELECT la_code, collection_year, origin, collection, year, reference_date, source_level,
       lea, software_code, release, serial_no, date_time, dmo, dco, dsco
  FROM sen2.return WHERE return_id = :mock_id;

-- every row, with its position among its siblings and the line of its start tag
SELECT seq, xml_line, surname, forename, person_birth_date, sex, ethnicity, post_code,
       upn, uln, upn_unknown, gender
  FROM sen2.person WHERE return_id = :mock_id ORDER BY seq;
SELECT p.seq AS person, r.seq, r.xml_line, r.received_date, r.request_source, r.rya,
       r.request_outcome_date, r.request_outcome, r.request_mediation, r.request_tribunal, r.exported
  FROM sen2.request r JOIN sen2.person p USING (person_id)
 WHERE r.return_id = :mock_id ORDER BY p.seq, r.seq;
SELECT a.xml_line, a.assessment_outcome, a.assessment_outcome_date, a.assessment_mediation,
       a.assessment_tribunal, a.other_mediation, a.other_tribunal, a.week20
  FROM sen2.assessment a WHERE a.return_id = :mock_id ORDER BY a.xml_line;
SELECT xml_line, start_date, plan_res, plan_wbp, pb, oa, dp, cease_date, cease_reason
  FROM sen2.named_plan WHERE return_id = :mock_id;
-- <SENSetting> (Social Finance's spelling) is an alias of <SENsetting>
SELECT seq, xml_line, urn, ukprn, sen_setting, sen_setting_other, placement_rank,
       sen_unit_indicator, resourced_provision_indicator
  FROM sen2.plan_detail WHERE return_id = :mock_id ORDER BY seq;
SELECT xml_line, transfer_la, res, wbp, review_meeting, review_outcome, review_draft,
       phase_transfer_due_date, phase_transfer_final_date, last_review
  FROM sen2.active_plans WHERE return_id = :mock_id;
SELECT seq, xml_line, urn, ukprn, sen_setting, sen_setting_other, placement_rank, entry_date,
       leaving_date, attendance_pattern, sen_unit_indicator, resourced_provision_indicator, res, wbp
  FROM sen2.placement_detail WHERE return_id = :mock_id ORDER BY seq;
SELECT seq, xml_line, sen_type, sen_type_rank FROM sen2.sen_need WHERE return_id = :mock_id ORDER BY seq;
-- parents are linked: each request under its person, each placement under its plan
SELECT count(*) AS linked_rows
  FROM sen2.placement_detail pd
  JOIN sen2.active_plans ap USING (active_plans_id)
  JOIN sen2.request r ON r.request_id = ap.request_id
  JOIN sen2.person p ON p.person_id = r.person_id
 WHERE pd.return_id = :mock_id AND p.return_id = :mock_id AND p.seq = 1;
-- empty elements are kept as '' (absent ones are NULL)
SELECT count(*) FILTER (WHERE upn_unknown = '') AS empty_upn_unknown,
       count(*) FILTER (WHERE gender IS NULL) AS absent_gender
  FROM sen2.person WHERE return_id = :mock_id;
-- ... and reported as load issues, with their lines (the mock-up has no other issue)
SELECT issue, count(*), string_agg(line::text, ',' ORDER BY line) AS lines
  FROM sen2.load_issue WHERE return_id = :mock_id GROUP BY issue;

-- The same bytes as bytea (the file's own encoding declaration is used) and as xml.
SELECT sen2.load_xml(convert_to(:'mock', 'UTF8'), label => 'xml_reader') AS mock_bytea \gset
SELECT sen2.load_xml(:'mock'::xml, label => 'xml_reader') AS mock_xml \gset
SELECT r.return_id = :mock_bytea AS bytea_load, count(p.*) AS persons,
       string_agg(p.surname, ',' ORDER BY p.seq) AS surnames
  FROM sen2.return r JOIN sen2.person p USING (return_id)
 WHERE r.return_id IN (:mock_bytea, :mock_xml) GROUP BY 1 ORDER BY 1;

-- What the layout cannot place goes to sen2.load_issue, with line, path and value.
SELECT sen2.load_xml($doc$<?xml version="1.0"?>
<Message xmlns:x="urn:example" x:note="hand-made">
  <Header>
    <CollectionDetails>
      <Collection>SEN2</Collection>
      <Year>2024</Year>
      <Year>2025</Year>
      <ReferenceDate>2024-01-18</ReferenceDate>
      <UPN>A123</UPN>
    </CollectionDetails>
    <Source>
      <SourceLevel>L</SourceLevel>
      <LEA>886</LEA>
      <DMO>Y</DMO>
      <DSCO>N</DSCO>
    </Source>
  </Header>
  <Persons>
    stray text
    <Person>
      <Surname> O'Brien &amp; Sons </Surname>
      <Forename><![CDATA[Zoë <"Zo">]]></Forename>
      <Gender>1</Gender>
      <Nickname>Zo</Nickname>
      <Requests>
        <RequestSource>1</RequestSource>
        <RequestOutcome>Y</RequestOutcome>
        <Assessment><AssessmentOutcome>Y</AssessmentOutcome></Assessment>
        <Assessment><AssessmentOutcome>N</AssessmentOutcome><Week20>1</Week20></Assessment>
        <PlacementDetail><URN>100000</URN></PlacementDetail>
      </Requests>
      <Extra a="1"><Deep><Deeper>x &lt; y</Deeper></Deep><Empty/></Extra>
    </Person>
    <Person><Requests/><Surname>Two</Surname><Requests/></Person>
  </Persons>
</Message>$doc$, label => 'xml_reader') AS issues_id \gset

SELECT line, path, element, issue, message, value, value_cut
  FROM sen2.load_issue WHERE return_id = :issues_id ORDER BY load_issue_id;
-- the first of a repeated item is loaded; values are raw (spaces kept, entities decoded)
SELECT year, lea, dmo, dsco FROM sen2.return WHERE return_id = :issues_id;
SELECT seq, xml_line, surname, forename, gender FROM sen2.person WHERE return_id = :issues_id ORDER BY seq;
SELECT p.seq AS person, r.seq, r.xml_line, r.request_source, r.request_outcome
  FROM sen2.request r JOIN sen2.person p USING (person_id)
 WHERE r.return_id = :issues_id ORDER BY 1, 2;
SELECT assessment_outcome, week20 FROM sen2.assessment WHERE return_id = :issues_id;

-- LA and year: from the header, or from the arguments when the header lacks them.
CREATE FUNCTION pg_temp.try_load(doc text, la text DEFAULT NULL, yr int DEFAULT NULL)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    st text; msg text; det text; hnt text; id bigint;
BEGIN
    id := sen2.load_xml(doc, la, yr, 'xml_reader');
    RETURN (SELECT format('loaded: la %s, year %s, LEA %s, Year %s', la_code, collection_year,
                          coalesce(lea, 'NULL'), coalesce(year, 'NULL'))
              FROM sen2.return WHERE return_id = id);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                            det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
    RETURN st || ': ' || msg || E'\nDETAIL: ' || coalesce(det, '') || E'\nHINT: ' || coalesce(hnt, '');
END
$$;
CREATE FUNCTION pg_temp.doc(year text, lea text) RETURNS text LANGUAGE sql AS $$
  SELECT '<Message><Header><CollectionDetails>' || coalesce('<Year>' || year || '</Year>', '') ||
         '</CollectionDetails><Source>' || coalesce('<LEA>' || lea || '</LEA>', '') ||
         '</Source></Header><Persons><Person><Surname>S</Surname></Person></Persons></Message>'
$$;
SELECT pg_temp.try_load(pg_temp.doc('2025', '886'));
SELECT pg_temp.try_load(pg_temp.doc(NULL, '886'));
SELECT pg_temp.try_load(pg_temp.doc(NULL, '886'), yr => 2026);
SELECT pg_temp.try_load(pg_temp.doc('twenty', '886'));
SELECT pg_temp.try_load(pg_temp.doc('twenty', '886'), yr => 2024);
SELECT pg_temp.try_load(pg_temp.doc('2019', '886'));
SELECT pg_temp.try_load(pg_temp.doc('2025', '886'), yr => 2024);
SELECT pg_temp.try_load(pg_temp.doc('2025', NULL));
SELECT pg_temp.try_load(pg_temp.doc('2025', 'ABC'));
SELECT pg_temp.try_load(pg_temp.doc('2025', 'ABC'), la => '201');
SELECT pg_temp.try_load(pg_temp.doc('2025', '886'), la => '201');
SELECT pg_temp.try_load(pg_temp.doc('2025', '886'), la => '2010');
-- the Year and LEA are read from the header, which comes before the persons
SELECT pg_temp.try_load('<Message><Persons><Person/></Persons><Header><CollectionDetails><Year>2024</Year></CollectionDetails></Header></Message>', '886');
SELECT sen2.load_xml(NULL::text);

-- Aliases: both spellings of the setting load into the same column.
SELECT sen2.load_xml('<Message><Header><CollectionDetails><Year>2026</Year></CollectionDetails><Source><LEA>886</LEA></Source></Header><Persons><Person><Requests><Assessment><NamedPlan><PlanDetail><SENsetting>OLA</SENsetting><SENsettingOther>a</SENsettingOther></PlanDetail><PlanDetail><SENSetting>EHE</SENSetting><SENSettingOther>b</SENSettingOther></PlanDetail></NamedPlan></Assessment></Requests></Person></Persons></Message>',
                     label => 'xml_reader') AS alias_id \gset
SELECT seq, sen_setting, sen_setting_other FROM sen2.plan_detail WHERE return_id = :alias_id ORDER BY seq;
SELECT count(*) AS issues FROM sen2.load_issue WHERE return_id = :alias_id;

-- A local correction of the layout is honoured: say DSCO also sits in CollectionDetails in 2026.
INSERT INTO sen2.ref_element (collection_year, parent, element, position, kind, module, column_name,
                              data_type, code_set, requirement, max_occurs)
VALUES (2026, 'CollectionDetails', 'DSCO', 4, 'item', 'return', 'dsco', 'code', 'designated_officer', 'O', 1);
SELECT sen2.load_xml('<Message><Header><CollectionDetails><Year>2026</Year><DSCO>R</DSCO></CollectionDetails><Source><LEA>886</LEA></Source></Header><Persons/></Message>',
                     label => 'xml_reader') AS local_id \gset
SELECT dsco FROM sen2.return WHERE return_id = :local_id;
SELECT count(*) AS issues FROM sen2.load_issue WHERE return_id = :local_id;
DELETE FROM sen2.ref_element WHERE origin = 'local' AND collection_year = 2026 AND element = 'DSCO';

-- All or nothing: an error after some persons leaves no trace.
SELECT count(*) AS returns_before FROM sen2.return \gset
SELECT pg_temp.try_load(replace(:'mock', '</Persons>', '<Person><Surname>x</Surnam></Person></Persons>'));
SELECT count(*) - :returns_before AS returns_added,
       (SELECT count(*) FROM sen2.person p WHERE NOT EXISTS
          (SELECT 1 FROM sen2.return r WHERE r.return_id = p.return_id)) AS orphans
  FROM sen2.return;

-- A return loads in the caller's transaction: rolled back with it.
BEGIN;
SELECT sen2.load_xml(:'mock', label => 'xml_reader rolled back') IS NOT NULL AS loaded;
ROLLBACK;
SELECT count(*) AS after_rollback FROM sen2.return WHERE label = 'xml_reader rolled back';

-- Deleting a loaded return removes its rows and its load issues.
SELECT count(*) AS issues_before FROM sen2.load_issue WHERE return_id = :issues_id;
DELETE FROM sen2.return WHERE label = 'xml_reader';
SELECT (SELECT count(*) FROM sen2.return WHERE label LIKE 'xml_reader%') AS returns,
       (SELECT count(*) FROM sen2.load_issue WHERE return_id = :issues_id) AS issues_after,
       (SELECT count(*) FROM sen2.person WHERE return_id = :mock_id) AS persons_after;
