SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS sen2;
RESET client_min_messages;
-- sen2.load_xml on input that is not a well-formed SEN2 document, or is
-- hostile: always an ERROR with a SQLSTATE, a message, a DETAIL with line
-- and column and a HINT; never a crash, never a partial return.

CREATE FUNCTION pg_temp.try(doc bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    st text; msg text; det text; hnt text; id bigint;
BEGIN
    id := sen2.load_xml(doc, label => 'xml_reader_errors');
    RETURN (SELECT format('loaded: %s persons, surnames %s, %s issues',
                          (SELECT count(*) FROM sen2.person WHERE return_id = id),
                          (SELECT string_agg(CASE WHEN length(surname) > 20
                                                  THEN left(surname, 8) || '...(' || length(surname) || ' characters)'
                                                  ELSE surname END, ',' ORDER BY seq)
                             FROM sen2.person WHERE return_id = id),
                          (SELECT count(*) FROM sen2.load_issue WHERE return_id = id)));
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                            det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
    RETURN st || ': ' || msg || E'\nDETAIL: ' || coalesce(det, '') || E'\nHINT: ' || coalesce(hnt, '');
END
$$;
CREATE FUNCTION pg_temp.try(doc text) RETURNS text LANGUAGE sql
AS $$ SELECT pg_temp.try(convert_to(doc, 'UTF8')) $$;
CREATE FUNCTION pg_temp.try_text(doc text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    st text; msg text; det text; hnt text;
BEGIN
    PERFORM sen2.load_xml(doc, label => 'xml_reader_errors');
    RETURN 'loaded';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                            det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
    RETURN st || ': ' || msg || E'\nDETAIL: ' || coalesce(det, '') || E'\nHINT: ' || coalesce(hnt, '');
END
$$;
\set head '<Message><Header><CollectionDetails><Year>2024</Year></CollectionDetails><Source><LEA>886</LEA></Source></Header><Persons>'
\set tail '</Persons></Message>'

-- nothing, or not XML at all
SELECT pg_temp.try('');
SELECT pg_temp.try_text('');
SELECT pg_temp.try(E'  \n\t ');
SELECT pg_temp.try('\x00ff13fe0102030405'::bytea);
SELECT pg_temp.try('just some text');
SELECT pg_temp.try('{"Message": {"Persons": []}}');

-- truncated, unbalanced, two roots, the wrong root
SELECT pg_temp.try(:'head' || '<Person><Surname>Smi');
SELECT pg_temp.try(:'head' || E'<Person>\n<Surname>Smith</Surname>\n' || :'tail');
SELECT pg_temp.try(:'head' || :'tail' || '<Message/>');
SELECT pg_temp.try('<Return><Persons/></Return>');
SELECT pg_temp.try('<message><Persons/></message>');
SELECT pg_temp.try(:'head' || '<Person><Surname a="1>x</Surname></Person>' || :'tail');

-- bytes that are not characters: NUL, invalid UTF-8, a wrong or unknown encoding declaration
SELECT pg_temp.try(convert_to(:'head', 'UTF8') || '\x00'::bytea || convert_to(:'tail', 'UTF8'));
SELECT pg_temp.try(convert_to(:'head' || '<Person><Surname>Caf', 'UTF8') || '\xe9'::bytea ||
                   convert_to('</Surname></Person>' || :'tail', 'UTF8'));
SELECT pg_temp.try(convert_to('<?xml version="1.0" encoding="UTF-16"?>' || :'head' || :'tail', 'UTF8'));
SELECT pg_temp.try(convert_to('<?xml version="1.0" encoding="x-no-such"?>' || :'head' || :'tail', 'UTF8'));
SELECT pg_temp.try(:'head' || '<Person><Surname>&#0;</Surname></Person>' || :'tail');
-- ... and the same characters correctly declared load
SELECT pg_temp.try(convert_to('<?xml version="1.0" encoding="ISO-8859-1"?>' || :'head' || '<Person><Surname>Caf', 'UTF8') ||
                   '\xe9'::bytea || convert_to('</Surname></Person>' || :'tail', 'UTF8'));
-- (UTF-16LE with a byte-order mark; pg_temp.utf16 spells ASCII text in it, the ë is EB 00)
CREATE FUNCTION pg_temp.utf16(s text) RETURNS bytea LANGUAGE sql
AS $$ SELECT decode(regexp_replace(encode(convert_to(s, 'SQL_ASCII'), 'hex'), '(..)', '\100', 'g'), 'hex') $$;
SELECT pg_temp.try('\xfffe'::bytea || pg_temp.utf16('<?xml version="1.0" encoding="UTF-16"?>' || :'head' ||
                   '<Person><Surname>Zo') || '\xeb00'::bytea || pg_temp.utf16('</Surname></Person>' || :'tail'));
SELECT pg_temp.try(convert_to('<?xml version="1.0" encoding="UTF-8"?>' || :'head' ||
                   '<Person><Surname>Zoë</Surname></Person>' || :'tail', 'UTF8'));
-- SQL text is already characters: its encoding declaration is not used
SELECT pg_temp.try_text('<?xml version="1.0" encoding="UTF-16"?>' || :'head' || :'tail');

-- hostile: DTDs (entity expansion, external entities) are refused before anything is expanded or read
SELECT pg_temp.try(E'<?xml version="1.0"?>\n<!DOCTYPE Message [\n<!ENTITY a "aaaaaaaaaa">\n'
                   '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">\n'
                   '<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">\n<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">\n'
                   '<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">\n<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">\n'
                   ']>\n' || :'head' || '<Person><Surname>&g;</Surname></Person>' || :'tail');
SELECT pg_temp.try(E'<!DOCTYPE Message [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n' || :'head' ||
                   '<Person><Surname>&xxe;</Surname></Person>' || :'tail');
SELECT pg_temp.try('<!DOCTYPE Message SYSTEM "http://example.invalid/sen2.dtd">' || :'head' || :'tail');
SELECT pg_temp.try(:'head' || '<Person><Surname>&xxe;</Surname></Person>' || :'tail');
-- predefined and character references are decoded
SELECT pg_temp.try(:'head' || '<Person><Surname>A&amp;B &lt;&#67;&#x44;&gt;</Surname></Person>' || :'tail');

-- deep nesting is refused at the cap, before the parser's own limit
SELECT pg_temp.try(:'head' || repeat('<Person>', 100000) || repeat('</Person>', 100000) || :'tail');
SELECT pg_temp.try(:'head' || '<Person>' || repeat('<x>', 40) || repeat('</x>', 40) || '</Person>' || :'tail');

-- values over sen2.max_item_bytes are refused, naming the element and the cap
SHOW sen2.max_item_bytes;
SET sen2.max_item_bytes = '1kB';
SELECT pg_temp.try(:'head' || '<Person><Surname>' || repeat('x', 1024) || '</Surname></Person>' || :'tail');
SELECT pg_temp.try(:'head' || '<Person><Surname>' || repeat('x', 1025) || '</Surname></Person>' || :'tail');
SELECT pg_temp.try(:'head' || '<Person><Nickname>' || repeat('é', 600) || '</Nickname></Person>' || :'tail');
SELECT pg_temp.try(:'head' || repeat(' ', 5000) || 'x' || :'tail');
-- blank indentation of any length is fine
SELECT pg_temp.try(:'head' || repeat(' ', 5000) || '<Person><Surname>x</Surname></Person>' || :'tail');
-- a stray element larger than the cap is kept cut, and says so
SELECT pg_temp.try(:'head' || '<Person><Notes>' || repeat('<Note>' || repeat('n', 90) || '</Note>', 20) ||
                   '</Notes></Person>' || :'tail');
SELECT length(value) <= 1024 AS within_cap, value_cut, message
  FROM sen2.load_issue i JOIN sen2.return r USING (return_id)
 WHERE r.label = 'xml_reader_errors' AND i.element = 'Notes';
RESET sen2.max_item_bytes;
SET sen2.max_item_bytes = 10;

-- only the loads that said "loaded" above left a return behind
SELECT count(*) AS returns_loaded FROM sen2.return WHERE label = 'xml_reader_errors';
DELETE FROM sen2.return WHERE label = 'xml_reader_errors';
