SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS sen2;
RESET client_min_messages;
-- The reader writes as the calling user: grants, row-level security by LA
-- and a fixed search_path apply to sen2.load_xml as to any INSERT.
SET client_min_messages = warning;
DROP ROLE IF EXISTS xml_reader_la_a;
DROP ROLE IF EXISTS xml_reader_viewer;
RESET client_min_messages;
CREATE ROLE xml_reader_la_a LOGIN IN ROLE sen2_writer;
CREATE ROLE xml_reader_viewer LOGIN IN ROLE sen2_reader;
INSERT INTO sen2.la_access (role_name, la_code) VALUES ('xml_reader_la_a', '201'), ('xml_reader_viewer', '*');
\set mock `cat test/fixtures/sen2-2024-mockup.socialfinance.xml`
\set doc202 '<Message><Header><CollectionDetails><Year>2024</Year></CollectionDetails><Source><LEA>202</LEA></Source></Header><Persons><Person><Surname>B</Surname><Nickname>x</Nickname></Person></Persons></Message>'

SET ROLE xml_reader_la_a;
-- its own LA (the mock-up is LA 201): loaded, rows and load issues visible
SELECT sen2.load_xml(:'mock', label => 'xml_reader_security') IS NOT NULL AS loaded_own_la;
SELECT count(*) AS persons_seen FROM sen2.person p JOIN sen2.return r USING (return_id)
 WHERE r.label = 'xml_reader_security';
-- another LA's file: refused by the policy, nothing left behind
SELECT sen2.load_xml(:'doc202', label => 'xml_reader_security');
SELECT count(*) AS returns_seen FROM sen2.return WHERE label = 'xml_reader_security';
-- nor may it pretend the file is its own
SELECT sen2.load_xml(:'doc202', la_code => '201', label => 'xml_reader_security');
-- reading server files needs more than sen2_writer
SELECT sen2.load_xml_file('/etc/passwd');
RESET ROLE;

SET ROLE xml_reader_viewer;
-- a reader sees the loaded return but cannot load
SELECT count(*) AS returns_seen FROM sen2.return WHERE label = 'xml_reader_security';
SELECT sen2.load_xml(:'mock', label => 'xml_reader_security');
RESET ROLE;

-- a hostile search_path does not change what the reader does
CREATE SCHEMA xml_reader_evil;
CREATE TABLE xml_reader_evil.element (LIKE sen2.ref_element);
CREATE FUNCTION xml_reader_evil.unnest(anyarray) RETURNS SETOF anyelement LANGUAGE sql AS 'SELECT NULL';
SET search_path = xml_reader_evil, public;
SELECT sen2.load_xml(:'mock', label => 'xml_reader_security') AS evil_id \gset
RESET search_path;
SELECT count(*) AS persons, string_agg(surname, ',' ORDER BY seq) AS surnames
  FROM sen2.person WHERE return_id = :evil_id;

SET client_min_messages = warning;
DROP SCHEMA xml_reader_evil CASCADE;
RESET client_min_messages;
DELETE FROM sen2.return WHERE label = 'xml_reader_security';
DELETE FROM sen2.la_access WHERE role_name IN ('xml_reader_la_a', 'xml_reader_viewer');
DROP ROLE xml_reader_la_a;
DROP ROLE xml_reader_viewer;
