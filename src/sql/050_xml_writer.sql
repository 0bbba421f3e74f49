-- Writing the return as SEN2 XML (docs/xml-writer.md).
--
-- sen2.xml_agg is an aggregate in the manner of PostGIS's ST_AsMVT: it takes
-- rows whose column names are SEN2 items, with nested modules as records or
-- arrays of records, and writes one document in one pass.  The layout
-- (element names, nesting, order) is sen2.element for the header's
-- collection year.  sen2.return_xml is the one-call version over the
-- staging tables; sen2.return_xml_rows streams the same bytes line by line.

CREATE FUNCTION sen2.xml_agg_transfn(internal, record, record)
RETURNS internal AS 'MODULE_PATHNAME', 'sen2_xml_agg_transfn'
LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION sen2.xml_agg_transfn(internal, record, record, bigint)
RETURNS internal AS 'MODULE_PATHNAME', 'sen2_xml_agg_transfn'
LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION sen2.xml_agg_transfn(internal, record, record, bigint, bigint)
RETURNS internal AS 'MODULE_PATHNAME', 'sen2_xml_agg_transfn'
LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION sen2.xml_agg_combinefn(internal, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'sen2_xml_agg_combinefn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION sen2.xml_agg_serialfn(internal)
RETURNS bytea AS 'MODULE_PATHNAME', 'sen2_xml_agg_serialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION sen2.xml_agg_deserialfn(bytea, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'sen2_xml_agg_deserialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION sen2.xml_agg_finalfn(internal)
RETURNS xml AS 'MODULE_PATHNAME', 'sen2_xml_agg_finalfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE sen2.xml_agg(person record, header record) (
    SFUNC = sen2.xml_agg_transfn, STYPE = internal, FINALFUNC = sen2.xml_agg_finalfn,
    COMBINEFUNC = sen2.xml_agg_combinefn, SERIALFUNC = sen2.xml_agg_serialfn,
    DESERIALFUNC = sen2.xml_agg_deserialfn, PARALLEL = SAFE);
CREATE AGGREGATE sen2.xml_agg(person record, header record, sort_key bigint) (
    SFUNC = sen2.xml_agg_transfn, STYPE = internal, FINALFUNC = sen2.xml_agg_finalfn,
    COMBINEFUNC = sen2.xml_agg_combinefn, SERIALFUNC = sen2.xml_agg_serialfn,
    DESERIALFUNC = sen2.xml_agg_deserialfn, PARALLEL = SAFE);
CREATE AGGREGATE sen2.xml_agg(person record, header record, sort_key bigint, sort_key2 bigint) (
    SFUNC = sen2.xml_agg_transfn, STYPE = internal, FINALFUNC = sen2.xml_agg_finalfn,
    COMBINEFUNC = sen2.xml_agg_combinefn, SERIALFUNC = sen2.xml_agg_serialfn,
    DESERIALFUNC = sen2.xml_agg_deserialfn, PARALLEL = SAFE);

COMMENT ON AGGREGATE sen2.xml_agg(record, record) IS
  'The SEN2 XML document of the person rows (columns named as SEN2 items; nested modules as records or arrays of records) under the header record (a sen2.return row or lookalike). Persons in the order the rows arrive.';
COMMENT ON AGGREGATE sen2.xml_agg(record, record, bigint) IS
  'sen2.xml_agg with persons ordered by sort_key (NULLs last, ties by content): the same document under serial and parallel plans.';
COMMENT ON AGGREGATE sen2.xml_agg(record, record, bigint, bigint) IS
  'sen2.xml_agg with persons ordered by (sort_key, sort_key2), NULLs last, ties by content: the same document under serial and parallel plans.';

CREATE FUNCTION sen2.xml_person(person record, collection_year int)
RETURNS text AS 'MODULE_PATHNAME', 'sen2_xml_person'
LANGUAGE C STABLE PARALLEL SAFE COST 50;
COMMENT ON FUNCTION sen2.xml_person(record, int) IS
  'One <Person> element (one line, no line break) for a person record, in the layout of the collection year; NULL if it would be empty.';

CREATE FUNCTION sen2.xml_open(header record)
RETURNS text AS 'MODULE_PATHNAME', 'sen2_xml_open'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sen2.xml_open(record) IS
  'The opening line of a document for a header record: <Message><Header>...</Header><Persons>.';

CREATE FUNCTION sen2.xml_close(header record)
RETURNS text AS 'MODULE_PATHNAME', 'sen2_xml_close'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sen2.xml_close(record) IS
  'The closing line of a document for a header record: </Persons></Message>.';

-- The one-call versions over the staging tables.  They run one SQL query
-- (in src/xml_return.c, shown in docs/xml-writer.md) that nests the staging
-- tables into records, persons already in document order, and feed them to
-- the writer sen2.xml_agg and sen2.xml_person use, so the elements are
-- written by the same code an authority's own views go through.  They are C
-- so the document is built in place, not sorted or copied on its way out.
CREATE FUNCTION sen2.return_xml(return_id bigint)
RETURNS xml AS 'MODULE_PATHNAME', 'sen2_return_xml'
LANGUAGE C STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp;
CREATE FUNCTION sen2.return_xml_rows(return_id bigint)
RETURNS SETOF text AS 'MODULE_PATHNAME', 'sen2_return_xml_rows'
LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 1000
SET search_path = pg_catalog, pg_temp;

COMMENT ON FUNCTION sen2.return_xml(bigint) IS
  'The SEN2 XML file of a return, from the staging tables, in the layout of its collection year; persons in (seq, person_id) order, children in (seq, id) order. Cast to text to keep the XML declaration.';
COMMENT ON FUNCTION sen2.return_xml_rows(bigint) IS
  'The SEN2 XML file of a return as lines (declaration, opening line, one line per person, closing line): COPY (SELECT * FROM sen2.return_xml_rows(id)) TO STDOUT writes the file, with no 1 GB limit. The lines joined by a line feed are exactly sen2.return_xml(id)::text.';

CREATE FUNCTION sen2.return_xml_text(return_id bigint)
RETURNS text AS 'MODULE_PATHNAME', 'sen2_return_xml'
LANGUAGE C STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION sen2.return_xml_text(bigint) IS
  'sen2.return_xml as text, XML declaration included (psql -Atc ''SELECT sen2.return_xml_text(1)'' > file.xml).';

-- ---------------------------------------------------------------------------
-- The XML Schema of a collection year, generated from the layout and the
-- code sets, so a correction to sen2.ref_element or sen2.ref_code flows
-- into the schema.  Our own schema: the DfE publishes none.
-- ---------------------------------------------------------------------------
CREATE FUNCTION sen2.xsd(collection_year int)
RETURNS xml
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    y   int := collection_year;
    doc xml;
BEGIN
    IF y IS NULL THEN
        RAISE EXCEPTION 'sen2.xsd needs a collection year'
              USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM sen2.element e WHERE e.collection_year = y) THEN
        RAISE EXCEPTION 'collection year % has no XML layout in sen2.element', y
              USING ERRCODE = 'invalid_parameter_value',
                    HINT = 'SELECT DISTINCT collection_year FROM sen2.element lists the years with a layout.';
    END IF;

    WITH el AS (
        SELECT e.*,
               CASE WHEN e.kind = 'group' THEN 'g_' || e.element
                    WHEN e.code_set IS NOT NULL
                         AND EXISTS (SELECT 1 FROM sen2.code c
                                      WHERE c.collection_year = y AND c.code_set = e.code_set)
                         THEN 'code_' || e.code_set
                    ELSE 's_' || coalesce(e.data_type, 'text') END AS type_name
          FROM sen2.element e
         WHERE e.collection_year = y),
    seqs AS (
        SELECT g.element, g.type_name,
               xmlelement(name "xs:complexType", xmlattributes(g.type_name AS name),
                 xmlelement(name "xs:sequence",
                   (SELECT xmlagg(xmlelement(name "xs:element",
                              xmlattributes(c.element AS name, c.type_name AS type,
                                            CASE WHEN c.requirement <> 'M' THEN '0' END AS "minOccurs",
                                            CASE WHEN c.max_occurs IS NULL THEN 'unbounded'
                                                 WHEN c.max_occurs > 1 THEN c.max_occurs::text END AS "maxOccurs"))
                                  ORDER BY c.position, c.element)
                      FROM el c WHERE c.parent = g.element))) AS def
          FROM el g WHERE g.kind = 'group'),
    simple AS (
        SELECT DISTINCT ON (e.type_name) e.type_name, e.data_type, e.code_set
          FROM el e WHERE e.kind = 'item'
         ORDER BY e.type_name),
    simple_defs AS (
        SELECT s.type_name,
               xmlelement(name "xs:simpleType", xmlattributes(s.type_name AS name),
                 CASE
                 WHEN s.type_name LIKE 'code\_%' THEN
                   xmlelement(name "xs:restriction", xmlattributes('xs:string' AS base),
                     (SELECT xmlagg(xmlelement(name "xs:enumeration", xmlattributes(c.code AS value))
                                    ORDER BY c.code)
                        FROM sen2.code c WHERE c.collection_year = y AND c.code_set = s.code_set))
                 WHEN s.data_type = 'year' THEN
                   xmlelement(name "xs:restriction", xmlattributes('xs:string' AS base),
                     xmlelement(name "xs:enumeration", xmlattributes(y::text AS value)))
                 WHEN s.data_type = 'date' THEN
                   xmlelement(name "xs:restriction", xmlattributes('xs:date' AS base),
                     xmlelement(name "xs:pattern", xmlattributes('[0-9]{4}-[0-9]{2}-[0-9]{2}' AS value)))
                 WHEN s.data_type = 'datetime' THEN
                   xmlelement(name "xs:restriction", xmlattributes('xs:dateTime' AS base),
                     xmlelement(name "xs:pattern", xmlattributes('[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}' AS value)))
                 ELSE
                   xmlelement(name "xs:restriction", xmlattributes('xs:string' AS base),
                     CASE s.data_type
                       WHEN 'bool' THEN xmlelement(name "xs:pattern", xmlattributes('[01]' AS value))
                       WHEN 'la' THEN xmlelement(name "xs:pattern", xmlattributes('[0-9]{3}' AS value))
                       WHEN 'upn' THEN xmlelement(name "xs:pattern", xmlattributes(
                            '[ABCDEFGHJKLMNPQRTUVWXYZ][0-9]{11}[0-9ABCDEFGHJKLMNPQRTUVWXYZ]' AS value))
                       WHEN 'uln' THEN xmlelement(name "xs:pattern", xmlattributes('[0-9]{10}' AS value))
                       WHEN 'urn' THEN xmlelement(name "xs:pattern", xmlattributes('[0-9]{6}' AS value))
                       WHEN 'ukprn' THEN xmlelement(name "xs:pattern", xmlattributes('[0-9]{8}' AS value))
                       WHEN 'digits' THEN xmlelement(name "xs:pattern", xmlattributes('[0-9]+' AS value))
                       WHEN 'postcode' THEN xmlelement(name "xs:pattern", xmlattributes(
                            '([A-Z][0-9]{1,2}|[A-Z][0-9][A-Z]|[A-Z]{2}[0-9]{1,2}|[A-Z]{2}[0-9][A-Z]) ?[0-9][ABD-HJLNP-UW-Z]{2}|GIR ?0AA' AS value))
                       ELSE xmlelement(name "xs:minLength", xmlattributes('1' AS value))
                     END)
                 END) AS def
          FROM simple s)
    SELECT xmlelement(name "xs:schema",
             xmlattributes('http://www.w3.org/2001/XMLSchema' AS "xmlns:xs",
                           'qualified' AS "elementFormDefault"),
             xmlcomment(format(' SEN2 collection year %s: generated by sen2.xsd(%s) from sen2.element and sen2.code. ', y, y)),
             (SELECT xmlagg(xmlelement(name "xs:element", xmlattributes(e.element AS name, e.type_name AS type)))
                FROM el e WHERE e.parent = '/'),
             (SELECT xmlagg(s.def ORDER BY s.element) FROM seqs s),
             (SELECT xmlagg(d.def ORDER BY d.type_name) FROM simple_defs d))
      INTO doc;
    RETURN doc;
END
$$;
COMMENT ON FUNCTION sen2.xsd(int) IS
  'Our XML Schema for a collection year, generated from sen2.element (structure, order, minOccurs/maxOccurs) and sen2.code (enumerations), with patterns for dates, booleans, LA codes, UPN, ULN, URN, UKPRN and postcodes.';
