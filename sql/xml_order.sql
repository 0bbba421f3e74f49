-- File order of persons on the two read paths: sen2.return_xml and the
-- validator go by person_id when seq rises with it (the usual return) and
-- otherwise by (seq NULLS LAST, person_id); both must give file order.  And
-- sen2.xml_agg called with ORDER BY on its own sort keys, which keeps no
-- index of every person: the same document as without ORDER BY.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS sen2;
RESET client_min_messages;

-- Six returns of five persons, with seq as given per return:
--   rising      seq rises with person_id (ties allowed)
--   falls_last  the last person by person_id comes first in the file
--   null_first  a NULL seq before non-NULL ones by person_id (NULLs go last)
--   all_null    no seq at all: person_id order
--   nulls_last  NULLs only at the end by person_id: still person_id order
--   shuffled    a permutation with a tie
CREATE TEMP TABLE shape (label text, k int, seq int);
INSERT INTO shape VALUES
  ('rising', 1, 1), ('rising', 2, 2), ('rising', 3, 2), ('rising', 4, 7), ('rising', 5, 9),
  ('falls_last', 1, 2), ('falls_last', 2, 3), ('falls_last', 3, 4), ('falls_last', 4, 5), ('falls_last', 5, 1),
  ('null_first', 1, NULL), ('null_first', 2, 1), ('null_first', 3, 2), ('null_first', 4, 3), ('null_first', 5, 4),
  ('all_null', 1, NULL), ('all_null', 2, NULL), ('all_null', 3, NULL), ('all_null', 4, NULL), ('all_null', 5, NULL),
  ('nulls_last', 1, 1), ('nulls_last', 2, 5), ('nulls_last', 3, 6), ('nulls_last', 4, NULL), ('nulls_last', 5, NULL),
  ('shuffled', 1, 30), ('shuffled', 2, 10), ('shuffled', 3, 20), ('shuffled', 4, 10), ('shuffled', 5, 5);

INSERT INTO sen2.return (la_code, collection_year, label, year, reference_date, lea, date_time, dmo, dco, dsco)
SELECT DISTINCT '886', 2026, 'xml_order ' || s.label, '2026', '2026-01-15', '886', '2026-02-01T10:00:00', 'Y', 'Y', 'Y'
  FROM shape s;
-- persons inserted in k order, so person_id rises with k; sex 'X' is not a
-- code, so the validator reports every person at its file position
INSERT INTO sen2.person (return_id, source_id, seq, surname, forename, person_birth_date, sex, ethnicity)
SELECT r.return_id, 'P' || s.k, s.seq, 'Surname' || s.k, 'Ann', '2012-03-04', 'X', 'WBRI'
  FROM shape s JOIN sen2.return r ON r.label = 'xml_order ' || s.label
 ORDER BY s.label, s.k;

-- The surnames in the order they should come: (seq NULLS LAST, person_id).
CREATE FUNCTION pg_temp.file_order(rid bigint) RETURNS text[] LANGUAGE sql AS $$
  SELECT array_agg(p.surname ORDER BY p.seq NULLS LAST, p.person_id) FROM sen2.person p WHERE p.return_id = rid
$$;
CREATE FUNCTION pg_temp.doc_order(doc xml) RETURNS text[] LANGUAGE sql AS $$
  SELECT array_agg(x::text) FROM unnest(xpath('/Message/Persons/Person/Surname/text()', doc)) x
$$;

SELECT substr(r.label, 11) AS shape,
       array_to_string(pg_temp.doc_order(sen2.return_xml(r.return_id)), ' ') AS return_xml_order,
       pg_temp.doc_order(sen2.return_xml(r.return_id)) = pg_temp.file_order(r.return_id) AS in_file_order,
       (SELECT string_agg(l, E'\n') FROM sen2.return_xml_rows(r.return_id) l) = sen2.return_xml(r.return_id)::text
         AS rows_equal_document,
       sen2.return_xml(r.return_id)::text =
         (SELECT sen2.xml_agg(p, h, p.seq, p.person_id)::text
            FROM sen2.person p JOIN sen2.return h USING (return_id) WHERE h.return_id = r.return_id)
         AS equals_keyed_aggregate
  FROM sen2.return r WHERE r.label LIKE 'xml_order %' ORDER BY r.label;

-- The validator's locations: Person[n] is the file position.
SELECT substr(r.label, 11) AS shape,
       string_agg(f.person_source_id || '=' || f.location, ' ' ORDER BY f.location) AS locations,
       bool_and(f.location = 'Person[' || w.pos || ']') AS positions_are_file_order
  FROM sen2.return r
  CROSS JOIN LATERAL sen2.validate_builtin(r.return_id) f
  JOIN (SELECT p.person_id, row_number() OVER (PARTITION BY p.return_id ORDER BY p.seq NULLS LAST, p.person_id) AS pos
          FROM sen2.person p) w ON w.person_id = f.row_id
 WHERE r.label LIKE 'xml_order %' AND f.table_name = 'person' AND f.item = 'Sex'
 GROUP BY r.label ORDER BY r.label;

-- sen2.xml_agg with ORDER BY its keys: ties (equal seq) in byte order and
-- NULL keys last, as without ORDER BY; one key and two; an ORDER BY that is
-- not the keys' (DESC) falls back to the index and is still right.
\set persons 'FROM sen2.person p JOIN sen2.return h USING (return_id) WHERE h.label = ''xml_order shuffled'''
SELECT sen2.xml_agg(p, h, p.seq)::text AS one_key FROM sen2.person p JOIN sen2.return h USING (return_id)
 WHERE h.label = 'xml_order shuffled' \gset
SELECT sen2.xml_agg(p, h, p.seq, p.person_id)::text AS two_keys FROM sen2.person p JOIN sen2.return h USING (return_id)
 WHERE h.label = 'xml_order shuffled' \gset
SELECT array_to_string(pg_temp.doc_order(:'one_key'::xml), ' ') AS one_key_order;
SELECT (SELECT sen2.xml_agg(p, h, p.seq ORDER BY p.seq) :persons)::text = :'one_key' AS one_key_ordered,
       (SELECT sen2.xml_agg(p, h, p.seq ORDER BY p.seq, p.surname DESC) :persons)::text = :'one_key'
         AS ties_in_byte_order,
       (SELECT sen2.xml_agg(p, h, p.seq, p.person_id ORDER BY p.seq, p.person_id) :persons)::text = :'two_keys'
         AS two_keys_ordered,
       (SELECT sen2.xml_agg(p, h, p.seq, p.person_id ORDER BY p.seq DESC, p.person_id) :persons)::text = :'two_keys'
         AS other_order_sorted_at_the_end;
-- NULL keys: at the end, in byte order among themselves (they arrive in
-- reverse)
SELECT array_to_string(pg_temp.doc_order(sen2.xml_agg(p, h, p.seq ORDER BY p.seq, p.surname DESC)), ' ') AS null_keys_last,
       sen2.xml_agg(p, h, p.seq ORDER BY p.seq, p.surname DESC)::text = sen2.xml_agg(p, h, p.seq)::text AS same_as_unordered
  FROM sen2.person p JOIN sen2.return h USING (return_id) WHERE h.label = 'xml_order nulls_last';

DELETE FROM sen2.return WHERE label LIKE 'xml_order %';
DROP TABLE shape;
