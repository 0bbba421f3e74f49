-- Reading SEN2 XML files into the staging tables (src/xmlin.c, src/xml_load.c;
-- docs/xml-reader.md).

-- What a loaded file held that the layout of its year cannot place: kept
-- here, with its line, rather than dropped.
CREATE TABLE sen2.load_issue (
    load_issue_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    return_id      bigint NOT NULL REFERENCES sen2.return ON DELETE CASCADE,
    line           int,
    path           text,
    element        text,
    issue          text NOT NULL CHECK (issue IN ('unknown_element', 'misplaced_element',
                                                  'repeated_element', 'text_in_group',
                                                  'attribute', 'namespace', 'out_of_order',
                                                  'empty_element')),
    message        text NOT NULL,
    value          text,
    value_cut      boolean NOT NULL DEFAULT false
);
CREATE INDEX load_issue_return ON sen2.load_issue (return_id, line);
-- The authority's data, like the returns it belongs to: pg_dump writes it.
SELECT pg_catalog.pg_extension_config_dump('sen2.load_issue', '');
SELECT pg_catalog.pg_extension_config_dump(
    pg_catalog.pg_get_serial_sequence('sen2.load_issue', 'load_issue_id')::pg_catalog.regclass, '');
COMMENT ON TABLE sen2.load_issue IS
  'Parts of a loaded XML file that the layout of its year cannot place (unknown or misplaced elements, repeats, stray text, attributes), with line, path and value, so nothing in the file is silently dropped; and what is loaded but wrong as a file: elements out of the layout''s order (out_of_order), empty non-mandatory elements (empty_element, loaded as the empty string).';
COMMENT ON COLUMN sen2.load_issue.value IS
  'The text of the element, or its markup when it has child elements or attributes; NULL for none.';
COMMENT ON COLUMN sen2.load_issue.value_cut IS
  'The markup was longer than sen2.max_item_bytes and is cut there.';

CREATE FUNCTION sen2.load_xml(doc text, la_code text DEFAULT NULL, collection_year int DEFAULT NULL,
                              label text DEFAULT NULL)
RETURNS bigint
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'sen2_load_xml_text';

CREATE FUNCTION sen2.load_xml(doc bytea, la_code text DEFAULT NULL, collection_year int DEFAULT NULL,
                              label text DEFAULT NULL)
RETURNS bigint
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'sen2_load_xml_bytea';

CREATE FUNCTION sen2.load_xml(doc xml, la_code text DEFAULT NULL, collection_year int DEFAULT NULL,
                              label text DEFAULT NULL)
RETURNS bigint
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'sen2_load_xml_text';

COMMENT ON FUNCTION sen2.load_xml(text, text, int, text) IS
  'Loads a SEN2 XML document as a new return (origin xml) and returns its return_id; all or nothing. LA and year come from the header''s LEA and Year, or from la_code / collection_year when the header lacks them.';
COMMENT ON FUNCTION sen2.load_xml(bytea, text, int, text) IS
  'Loads a SEN2 XML file''s bytes (e.g. pg_read_binary_file) as a new return; the file''s encoding declaration or BOM is honoured (UTF-8 by default).';
COMMENT ON FUNCTION sen2.load_xml(xml, text, int, text) IS
  'Loads a SEN2 XML document held as xml as a new return.';

CREATE FUNCTION sen2.load_xml_file(path text, la_code text DEFAULT NULL, collection_year int DEFAULT NULL,
                                   label text DEFAULT NULL)
RETURNS bigint
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'sen2_load_xml_file';
REVOKE ALL ON FUNCTION sen2.load_xml_file(text, text, int, text) FROM PUBLIC;
COMMENT ON FUNCTION sen2.load_xml_file(text, text, int, text) IS
  'Loads a SEN2 XML file from the database server''s disk, streaming it (any size, memory stays flat); needs the privileges of pg_read_server_files and EXECUTE, which is not granted to PUBLIC.';

CREATE FUNCTION sen2.load_xml_lo(loid oid, la_code text DEFAULT NULL, collection_year int DEFAULT NULL,
                                 label text DEFAULT NULL)
RETURNS bigint
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'sen2_load_xml_lo';
COMMENT ON FUNCTION sen2.load_xml_lo(oid, text, int, text) IS
  'Loads a SEN2 XML file stored as a large object (psql: \lo_import file.xml), streaming it: any size, memory stays flat.';

-- The rows sen2.load_xml has gathered for one table, handed to the INSERT
-- that writes them (and to nothing else: at any other time it is an error).
-- It reads no table and returns only what the caller's own load holds.
CREATE FUNCTION sen2.xml_load_batch(module text)
RETURNS SETOF record
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'sen2_xml_load_batch';
COMMENT ON FUNCTION sen2.xml_load_batch(text) IS
  'Internal to sen2.load_xml: the rows of one module table it is writing, for its own INSERT; an error when called at any other time.';

-- The rule each kind of load issue reports under in sen2.validate_xml
-- (severity and message from sen2.rule_effective).
CREATE FUNCTION sen2.load_issue_rule()
RETURNS TABLE (issue text, rule_id text)
LANGUAGE C IMMUTABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'sen2_load_issue_rule';
COMMENT ON FUNCTION sen2.load_issue_rule() IS
  'The rule each kind of sen2.load_issue reports under in sen2.validate_xml: L02, L07, or the reader''s own X01 (order), X02 (text, attributes, namespace), X03 (empty element).';

-- Validating a file without keeping it (src/xml_validate.c).
CREATE FUNCTION sen2.validate_xml(doc text, la_code text DEFAULT NULL, collection_year int DEFAULT NULL)
RETURNS SETOF sen2.finding
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'sen2_validate_xml_text';

CREATE FUNCTION sen2.validate_xml(doc bytea, la_code text DEFAULT NULL, collection_year int DEFAULT NULL)
RETURNS SETOF sen2.finding
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'sen2_validate_xml_bytea';

CREATE FUNCTION sen2.validate_xml(doc xml, la_code text DEFAULT NULL, collection_year int DEFAULT NULL)
RETURNS SETOF sen2.finding
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'sen2_validate_xml_text';

COMMENT ON FUNCTION sen2.validate_xml(text, text, int) IS
  'The findings of every rule in force (as sen2.validate) on a SEN2 XML document, plus its load issues (L02, L07, X01, X02, X03: sen2.load_issue_rule), each with the line in the file; nothing is stored. A document that is not well-formed is an error.';
COMMENT ON FUNCTION sen2.validate_xml(bytea, text, int) IS
  'sen2.validate_xml on a file''s bytes (e.g. pg_read_binary_file): the file''s encoding declaration is honoured.';
COMMENT ON FUNCTION sen2.validate_xml(xml, text, int) IS
  'sen2.validate_xml on a document held as xml.';
