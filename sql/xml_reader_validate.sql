SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS sen2;
RESET client_min_messages;
-- sen2.validate_xml: the rules of sen2.validate on a file, with lines, and
-- the reader's own findings on the file's structure; nothing is stored.
\set mock `cat test/fixtures/sen2-2024-mockup.socialfinance.xml`
SELECT (SELECT count(*) FROM sen2.return) AS returns_before,
       (SELECT count(*) FROM sen2.validation_run) AS runs_before \gset

-- Social Finance's mock-up: its known defects (invalid UPNs and ULNs, empty
-- elements, missing mandatory items) are found, each with its line
SELECT rule_id, severity, item, value, location, line
  FROM sen2.validate_xml(:'mock') ORDER BY line, rule_id, item;

-- nothing was stored: no return, no validation run
SELECT (SELECT count(*) FROM sen2.return) - :returns_before AS returns_added,
       (SELECT count(*) FROM sen2.validation_run) - :runs_before AS runs_added;

-- the same rules as sen2.validate on the loaded file: identical findings
SELECT sen2.load_xml(:'mock', label => 'xml_reader_validate') AS mock_id \gset
SELECT count(*) AS validate_findings FROM sen2.validate(:mock_id);
(SELECT rule_id, severity, item, value, message, person_name, location, line FROM sen2.validate(:mock_id)
 EXCEPT ALL
 SELECT rule_id, severity, item, value, message, person_name, location, line FROM sen2.validate_xml(:'mock'))
UNION ALL
(SELECT rule_id, severity, item, value, message, person_name, location, line FROM sen2.validate_xml(:'mock')
  WHERE rule_id !~ '^X0' AND message NOT LIKE '%not loaded%'
 EXCEPT ALL
 SELECT rule_id, severity, item, value, message, person_name, location, line FROM sen2.validate(:mock_id));

-- findings on the file's structure, from the reader
SELECT rule_id, severity, item, value, message, person_name, location, line
  FROM sen2.validate_xml($doc$<Message>
  <Header>
    <CollectionDetails><Collection>SEN2</Collection><Year>2024</Year><ReferenceDate>2024-01-18</ReferenceDate><DSCO>Y</DSCO></CollectionDetails>
    <Source><SourceLevel>L</SourceLevel><LEA>886</LEA><SoftwareCode>x</SoftwareCode><Release>1</Release><SerialNo>001</SerialNo><DateTime>2024-02-01T10:00:00</DateTime><DMO>Y</DMO><DCO>Y</DCO></Source>
  </Header>
  <Persons>
    <Person>
      <Forename>Zoë</Forename>
      <Surname>Smith</Surname>
      <PersonBirthDate>2015-03-02</PersonBirthDate><Sex>F</Sex><Sex>M</Sex><Ethnicity>WBRI</Ethnicity><PostCode>CT1 1AA</PostCode>
      <UPN>B801200005001</UPN><UPNunknown/>
      <Requests><ReceivedDate>2023-03-01</ReceivedDate><RYA>0</RYA><RequestOutcomeDate>2023-04-01</RequestOutcomeDate><RequestOutcome>N</RequestOutcome><RequestMediation>0</RequestMediation><RequestTribunal>0</RequestTribunal>stray</Requests>
    </Person>
  </Persons>
</Message>$doc$)
 WHERE rule_id IN ('L02', 'L07') OR rule_id LIKE 'X%'
 ORDER BY line, rule_id, item;

-- the authority's overrides apply to them: a disabled rule reports nothing
INSERT INTO sen2.rule_override (rule_id, enabled) VALUES ('L02', false);
SELECT count(*) AS l02_findings
  FROM sen2.validate_xml('<Message><Header><CollectionDetails><Year>2024</Year></CollectionDetails><Source><LEA>886</LEA></Source></Header><Persons><Person><Nickname>Zo</Nickname></Person></Persons></Message>')
 WHERE rule_id = 'L02';
DELETE FROM sen2.rule_override WHERE rule_id = 'L02';
SELECT count(*) AS l02_findings
  FROM sen2.validate_xml('<Message><Header><CollectionDetails><Year>2024</Year></CollectionDetails><Source><LEA>886</LEA></Source></Header><Persons><Person><Nickname>Zo</Nickname></Person></Persons></Message>')
 WHERE rule_id = 'L02';

-- LA and year from the arguments when the header lacks them; bytea and xml too
SELECT count(*) > 0 AS findings
  FROM sen2.validate_xml('<Message><Persons><Person><Surname>S</Surname></Person></Persons></Message>',
                         la_code => '886', collection_year => 2026);
SELECT count(*) AS same_count FROM sen2.validate_xml(convert_to(:'mock', 'UTF8'))
HAVING count(*) = (SELECT count(*) FROM sen2.validate_xml(:'mock'::xml));

-- a document that is not well-formed is an error, and leaves nothing behind
SELECT * FROM sen2.validate_xml('<Message><Persons><Person></Persons></Message>');
SELECT * FROM sen2.validate_xml('<Message><Persons/></Message>');
SELECT * FROM sen2.validate_xml(NULL::text);
SELECT (SELECT count(*) FROM sen2.return WHERE label IS DISTINCT FROM 'xml_reader_validate') - :returns_before AS returns_added,
       (SELECT count(*) FROM sen2.validation_run WHERE return_id <> :mock_id) - :runs_before AS runs_added;

DELETE FROM sen2.validation_run WHERE return_id = :mock_id;
DELETE FROM sen2.return WHERE label = 'xml_reader_validate';
