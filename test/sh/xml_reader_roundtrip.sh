#!/usr/bin/env bash
# Round trip between the reader (sen2.load_xml) and the writer
# (sen2.return_xml):
#  1. for each collection year 2023-2027, a return using every element of
#     the year's layout, with awkward values (& < > " ' tab, line feed,
#     non-ASCII, leading and trailing spaces): write -> load gives back every
#     stored value unchanged, and write -> load -> write is a fixed point
#     (byte for byte);
#  2. the Social Finance mock-up and a generated 500-person file: load ->
#     write reproduces the input, compared canonically (xmllint --noblanks
#     --c14n); for the mock-up after dropping its empty elements, which the
#     writer leaves out by design, and spelling its <SENSetting> as the
#     layout's <SENsetting>; and again write -> load -> write is a fixed point.
set -euo pipefail
export LANG=C.UTF-8 LC_ALL=C.UTF-8
cd "$(dirname "$0")/../.."
work=$(mktemp -d "${SEN2_TEST_WORK:-/tmp}/xml_reader_roundtrip.XXXXXX")
chmod 755 "$work"
db=sen2_xml_roundtrip
trap 'rm -rf "$work"; dropdb --if-exists $db 2>/dev/null' EXIT
dropdb --if-exists $db 2>/dev/null; createdb $db
q() { psql -X -At -v ON_ERROR_STOP=1 -d $db "$@"; }
q -q -c "CREATE EXTENSION sen2"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

write() { q -c "SELECT sen2.return_xml_text($1)" > "$2"; chmod 644 "$2"; }
load() { q -c "SELECT sen2.load_xml_file('$1', label => 'roundtrip')"; }
canon() { xmllint --noblanks --c14n "$1" | sed -E "${2:-}"'s/></>\n</g'; }

# every stored item of a return, in file order, as one text per table row
values() {
  q -c "SELECT t, row_data FROM (
    SELECT 0 t, 0 o1, 0 o2, row(collection, year, reference_date, source_level, lea, software_code, release,
                  serial_no, date_time, dmo, dco, dsco)::text row_data FROM sen2.return WHERE return_id = $1
    UNION ALL SELECT 1, seq, 0, row(surname, forename, person_birth_date, gender, sex, ethnicity, post_code,
                  upn, uln, upn_unknown)::text FROM sen2.person WHERE return_id = $1
    UNION ALL SELECT 2, p.seq, r.seq, row(received_date, request_source, rya, request_outcome_date,
                  request_outcome, request_mediation, request_tribunal, exported)::text
      FROM sen2.request r JOIN sen2.person p USING (person_id) WHERE r.return_id = $1
    UNION ALL SELECT 3, p.seq, r.seq, row(a.assessment_outcome, a.assessment_outcome_date, a.assessment_mediation,
                  a.assessment_tribunal, a.other_mediation, a.other_tribunal, a.week20, n.start_date, n.plan_res,
                  n.plan_wbp, n.pb, n.oa, n.dp, n.cease_date, n.cease_reason)::text
      FROM sen2.assessment a JOIN sen2.request r USING (request_id) JOIN sen2.person p USING (person_id)
      LEFT JOIN sen2.named_plan n USING (assessment_id) WHERE a.return_id = $1
    UNION ALL SELECT 4, p.seq, r.seq * 10 + d.seq, row(d.urn, d.ukprn, d.sen_setting, d.sen_setting_other,
                  d.placement_rank, d.sen_unit_indicator, d.resourced_provision_indicator)::text
      FROM sen2.plan_detail d JOIN sen2.named_plan n USING (named_plan_id) JOIN sen2.assessment a USING (assessment_id)
      JOIN sen2.request r USING (request_id) JOIN sen2.person p USING (person_id) WHERE d.return_id = $1
    UNION ALL SELECT 5, p.seq, r.seq, row(ap.transfer_la, ap.res, ap.wbp, ap.review_meeting, ap.review_outcome,
                  ap.review_draft, ap.phase_transfer_due_date, ap.phase_transfer_final_date, ap.last_review)::text
      FROM sen2.active_plans ap JOIN sen2.request r USING (request_id) JOIN sen2.person p USING (person_id)
     WHERE ap.return_id = $1
    UNION ALL SELECT 6, p.seq, r.seq * 10 + d.seq, row(d.urn, d.ukprn, d.sen_setting, d.sen_setting_other,
                  d.placement_rank, d.entry_date, d.leaving_date, d.attendance_pattern, d.sen_unit_indicator,
                  d.resourced_provision_indicator, d.res, d.wbp)::text
      FROM sen2.placement_detail d JOIN sen2.active_plans ap USING (active_plans_id)
      JOIN sen2.request r USING (request_id) JOIN sen2.person p USING (person_id) WHERE d.return_id = $1
    UNION ALL SELECT 7, p.seq, r.seq * 10 + s.seq, row(s.sen_type, s.sen_type_rank)::text
      FROM sen2.sen_need s JOIN sen2.active_plans ap USING (active_plans_id)
      JOIN sen2.request r USING (request_id) JOIN sen2.person p USING (person_id) WHERE s.return_id = $1) v
   ORDER BY t, o1, o2, row_data"
}

# 1. every element of every year, awkward values
q -q <<'SQL'
INSERT INTO sen2.return (la_code, collection_year, label, year, reference_date, source_level, lea, software_code,
                         release, serial_no, date_time, dmo, dco, dsco)
SELECT '886', c.collection_year, 'source', c.collection_year::text, to_char(c.reference_date, 'YYYY-MM-DD'), 'L',
       '886', 'sen2 "round" & <trip>', ' 0.1 ', '001', '2026-02-01T10:00:00', 'Y', 'N', 'R'
  FROM sen2.collection c WHERE c.collection_year BETWEEN 2023 AND 2027;
INSERT INTO sen2.person (return_id, seq, surname, forename, person_birth_date, gender, sex, ethnicity,
                         post_code, upn, uln, upn_unknown)
SELECT r.return_id, v.* FROM sen2.return r,
       (VALUES (1, E'O''Brien & <Sons> "Ltd"', E'Zoë\tMair', '2012-03-04', '2', 'F', 'WBRI', 'CT1 1AA', 'B801200005001', '1234567890', 'UN1'),
               (2, E'  Line\nbreak  ', 'Siân', '2010-01-02', '1', 'M', 'AIND', 'ME1 2AB', NULL, NULL, 'UN2'),
               (3, 'Ünïcödé ✓ 𝄞', ']]> &amp; ', 'bad date', 'X', 'X', 'XXXX', 'nowhere', 'not a upn', '12', 'UN4')) v
 WHERE r.label = 'source';
INSERT INTO sen2.request (return_id, person_id, seq, received_date, request_source, rya, request_outcome_date,
                          request_outcome, request_mediation, request_tribunal, exported)
SELECT p.return_id, p.person_id, k, '2025-02-0' || k, '1', '0', '2025-03-01', 'Y', '0', '1', '887'
  FROM sen2.person p, generate_series(1, p.seq) k WHERE p.return_id IN (SELECT return_id FROM sen2.return WHERE label = 'source');
INSERT INTO sen2.assessment (return_id, request_id, assessment_outcome, assessment_outcome_date, assessment_mediation,
                             assessment_tribunal, other_mediation, other_tribunal, week20)
SELECT q.return_id, q.request_id, 'Y', '2025-06-01', '0', '0', '1', '0', '1' FROM sen2.request q
 WHERE q.return_id IN (SELECT return_id FROM sen2.return WHERE label = 'source');
INSERT INTO sen2.named_plan (return_id, assessment_id, start_date, plan_res, plan_wbp, pb, oa, dp, cease_date, cease_reason)
SELECT a.return_id, a.assessment_id, '2025-06-01', 'A', 'S', '1', '0', 'E', '2025-12-01', '1' FROM sen2.assessment a
 WHERE a.return_id IN (SELECT return_id FROM sen2.return WHERE label = 'source');
INSERT INTO sen2.plan_detail (return_id, named_plan_id, seq, urn, ukprn, sen_setting, sen_setting_other,
                              placement_rank, sen_unit_indicator, resourced_provision_indicator)
SELECT n.return_id, n.named_plan_id, v.* FROM sen2.named_plan n,
       (VALUES (1, '100001', NULL, 'NIEO', E'Awaiting a place\n(since May)', '1', '0', '1'),
               (2, NULL, '10012345', NULL, NULL, '2', '0', '0')) v
 WHERE n.return_id IN (SELECT return_id FROM sen2.return WHERE label = 'source');
INSERT INTO sen2.active_plans (return_id, request_id, transfer_la, res, wbp, review_meeting, review_outcome,
                               review_draft, phase_transfer_due_date, phase_transfer_final_date, last_review)
SELECT q.return_id, q.request_id, '887', 'B', 'T', '2025-10-01', 'A', '2025-10-20', '2026-02-15',
       '2026-01-10', '2025-10-15' FROM sen2.request q
 WHERE q.return_id IN (SELECT return_id FROM sen2.return WHERE label = 'source');
INSERT INTO sen2.placement_detail (return_id, active_plans_id, seq, urn, ukprn, sen_setting, sen_setting_other,
                                   placement_rank, entry_date, leaving_date, attendance_pattern,
                                   sen_unit_indicator, resourced_provision_indicator, res, wbp)
SELECT a.return_id, a.active_plans_id, v.* FROM sen2.active_plans a,
       (VALUES (1, '100002', '10054321', 'NIEO', 'Out of school', '1', '2024-09-01', '2025-08-31', 'F', '0', '0', 'A', 'A'),
               (2, '100003', NULL, NULL, NULL, '1', '2025-09-01', NULL, NULL, '1', '0', NULL, NULL),
               (3, '100004', NULL, 'OTH', 'x', '2', '2025-09-01', NULL, NULL, '0', '1', 'B', 'S')) v
 WHERE a.return_id IN (SELECT return_id FROM sen2.return WHERE label = 'source');
INSERT INTO sen2.sen_need (return_id, active_plans_id, seq, sen_type, sen_type_rank)
SELECT a.return_id, a.active_plans_id, v.* FROM sen2.active_plans a, (VALUES (1, 'ASD', '1'), (2, 'SLCN', '2')) v
 WHERE a.return_id IN (SELECT return_id FROM sen2.return WHERE label = 'source');
-- a return holds only the items of its year's layout
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT c.table_name, c.column_name, y.collection_year
               FROM information_schema.columns c
               CROSS JOIN generate_series(2023, 2027) AS y(collection_year)
              WHERE c.table_schema = 'sen2' AND c.data_type = 'text'
                AND c.table_name IN ('return', 'person', 'request', 'assessment', 'named_plan', 'plan_detail',
                                     'active_plans', 'placement_detail', 'sen_need')
                AND c.column_name NOT IN ('la_code', 'label', 'origin', 'source_id')
                AND NOT EXISTS (SELECT 1 FROM sen2.element e
                                 WHERE e.collection_year = y.collection_year AND e.module = c.table_name
                                   AND e.column_name = c.column_name)
    LOOP
        EXECUTE format('UPDATE sen2.%I SET %I = NULL WHERE return_id IN
                          (SELECT return_id FROM sen2.return WHERE label = ''source'' AND collection_year = %s)',
                       t.table_name, t.column_name, t.collection_year);
    END LOOP;
END
$$;
SQL

for y in 2023 2024 2025 2026 2027; do
  src=$(q -c "SELECT return_id FROM sen2.return WHERE label = 'source' AND collection_year = $y")
  write $src "$work/$y.w1.xml"
  l1=$(load "$work/$y.w1.xml")
  write $l1 "$work/$y.w2.xml"
  issues=$(q -c "SELECT count(*) FROM sen2.load_issue WHERE return_id = $l1")
  if ! diff <(values $src) <(values $l1) > "$work/$y.diff"; then
    head -20 "$work/$y.diff"; fail "$y: a value changed on the way through the file"
  elif ! cmp -s "$work/$y.w1.xml" "$work/$y.w2.xml"; then
    fail "$y: write -> load -> write is not a fixed point"
  elif [ "$issues" != 0 ]; then
    fail "$y: the writer's file gave $issues load issues"
  else
    echo "ok $y: $(values $src | wc -l) rows, $(wc -c < "$work/$y.w1.xml") bytes: values kept, fixed point"
  fi
done

# 2. files from elsewhere
cp test/fixtures/sen2-2024-mockup.socialfinance.xml "$work/mock.xml"
psql -X -At -v ON_ERROR_STOP=1 -v FETCH_COUNT=500 -v persons=500 -v la=886 \
     -f test/fixtures/gen_sen2_xml.sql -d $db > "$work/gen.xml"
chmod 644 "$work"/*.xml
for f in mock gen; do
  l1=$(load "$work/$f.xml")
  write $l1 "$work/$f.w1.xml"
  canon "$work/$f.xml" 's#<([A-Za-z]+)></\1>##g; s#<(/?)SENSetting>#<\1SENsetting>#g; ' > "$work/$f.in.c14n"
  canon "$work/$f.w1.xml" > "$work/$f.out.c14n"
  l2=$(load "$work/$f.w1.xml")
  write $l2 "$work/$f.w2.xml"
  if ! diff "$work/$f.in.c14n" "$work/$f.out.c14n" > "$work/$f.diff"; then
    head -20 "$work/$f.diff"; fail "$f: load -> write does not reproduce the file"
  elif ! cmp -s "$work/$f.w1.xml" "$work/$f.w2.xml"; then
    fail "$f: write -> load -> write is not a fixed point"
  else
    echo "ok $f: $(wc -l < "$work/$f.in.c14n") canonical lines reproduced, fixed point"
  fi
done
# the canonical comparison can fail: a changed value is seen
sed 's#<Surname>TestFamilyName1</Surname>#<Surname>Changed</Surname>#' "$work/mock.w1.xml" > "$work/mock.bad.xml"
canon "$work/mock.bad.xml" | cmp -s - "$work/mock.out.c14n" && fail "the comparison did not see a changed value"
exit $fails
