-- sen2.xsd(year): our XML Schema, generated from sen2.element and sen2.code
-- (validation of documents against it: test/sh/xml_xsd.sh).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS sen2;
RESET client_min_messages;

-- Occurrence of a few year-dependent elements: DSCO optional in 2025 and
-- compulsory from 2026, Gender only in 2023, PlacementDetail unbounded,
-- SENneed at most two.
SELECT y,
       (SELECT string_agg(coalesce(x.min, '1') || '..' || coalesce(x.max, '1'), ' ')
          FROM xmltable(xmlnamespaces('http://www.w3.org/2001/XMLSchema' AS xs),
                        '//xs:element[@name="DSCO"]' PASSING sen2.xsd(y)
                        COLUMNS min text PATH '@minOccurs', max text PATH '@maxOccurs') x) AS dsco,
       (SELECT count(*) FROM xmltable(xmlnamespaces('http://www.w3.org/2001/XMLSchema' AS xs),
                        '//xs:element[@name="Gender"]' PASSING sen2.xsd(y) COLUMNS n text PATH '@name') x) AS gender,
       (SELECT string_agg(coalesce(x.min, '1') || '..' || coalesce(x.max, '1'), ' ')
          FROM xmltable(xmlnamespaces('http://www.w3.org/2001/XMLSchema' AS xs),
                        '//xs:element[@name="PlacementDetail" or @name="SENneed"]' PASSING sen2.xsd(y)
                        COLUMNS min text PATH '@minOccurs', max text PATH '@maxOccurs') x) AS placement_need
  FROM generate_series(2023, 2027) y;

-- Code sets become enumerations for the year (DS from 2025, OTH setting
-- from 2024); dates, LA codes and UPNs get patterns.
SELECT y, (SELECT string_agg(v, ' ' ORDER BY v)
             FROM xmltable(xmlnamespaces('http://www.w3.org/2001/XMLSchema' AS xs),
                           '//xs:simpleType[@name="code_sen_type"]//xs:enumeration' PASSING sen2.xsd(y)
                           COLUMNS v text PATH '@value') x) AS sen_types
  FROM generate_series(2024, 2025) y;
SELECT t.name, t.base, t.pattern
  FROM xmltable(xmlnamespaces('http://www.w3.org/2001/XMLSchema' AS xs),
                '//xs:simpleType[xs:restriction/xs:pattern]' PASSING sen2.xsd(2026)
                COLUMNS name text PATH '@name', base text PATH 'xs:restriction/@base',
                        pattern text PATH 'xs:restriction/xs:pattern/@value') t
 ORDER BY 1;

-- A local correction to the layout flows into the schema and the writer:
-- an authority that learns the tag is spelt SENSetting withdraws the
-- built-in SENsetting of PlacementDetail for 2026 and adds its own.
INSERT INTO sen2.ref_element (collection_year, parent, element, origin, position, kind, module, column_name,
                              data_type, code_set, requirement, max_occurs, in_use)
VALUES (2026, 'PlacementDetail', 'SENsetting', 'local', 3, 'item', 'placement_detail', 'sen_setting',
        'code', 'sen_setting', 'C', 1, false),
       (2026, 'PlacementDetail', 'SENSetting', 'local', 3, 'item', 'placement_detail', 'sen_setting',
        'code', 'sen_setting', 'C', 1, true);
SELECT x.name, x.type
  FROM xmltable(xmlnamespaces('http://www.w3.org/2001/XMLSchema' AS xs),
                '//xs:complexType[@name="g_PlacementDetail"]//xs:element[position() <= 4]'
                PASSING sen2.xsd(2026) COLUMNS name text PATH '@name', type text PATH '@type') x;
SELECT sen2.xml_person(p, 2026)
  FROM (SELECT 'A' AS surname,
               (SELECT array_agg(q) FROM (SELECT (SELECT array_agg(d) FROM (SELECT 'OTH' AS sen_setting) d)
                                                 AS placement_detail) q) AS requests) p;
DELETE FROM sen2.ref_element WHERE origin = 'local' AND collection_year = 2026;

-- Bad calls.
SELECT sen2.xsd(1999);
SELECT sen2.xsd(NULL);
