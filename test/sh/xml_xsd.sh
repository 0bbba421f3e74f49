#!/usr/bin/env bash
# For each collection year 2023-2027: build a small return that uses every
# element of the year's layout, write it with sen2.return_xml (and as lines
# with COPY from sen2.return_xml_rows), and validate both with
# xmllint --schema against sen2.xsd(year).  Then check that broken documents
# fail the schema (so this test can fail), and that a local correction to
# the code sets flows into the schema.
set -euo pipefail
export LANG=C.UTF-8 LC_ALL=C.UTF-8
cd "$(dirname "$0")/../.."
work=$(mktemp -d /tmp/sen2-xsd.XXXXXX)
db=sen2_xml_xsd_$$
cleanup() { dropdb --if-exists "$db" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
createdb "$db"
q() { psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }
q -c "CREATE EXTENSION sen2"

fail() { echo "FAIL: $*"; exit 1; }

q <<'SQL'
INSERT INTO sen2.return (la_code, collection_year, label, year, reference_date, lea, software_code,
                         release, serial_no, date_time, dmo, dco, dsco)
SELECT '886', c.collection_year, 'xsd', c.collection_year::text, to_char(c.reference_date, 'YYYY-MM-DD'),
       '886', 'sen2 test', '0.1', '001', '2026-02-01T10:00:00', 'Y', 'N', 'R'
  FROM sen2.collection c WHERE c.collection_year BETWEEN 2023 AND 2027;
INSERT INTO sen2.person (return_id, seq, surname, forename, person_birth_date, gender, sex, ethnicity,
                         post_code, upn, uln, upn_unknown)
SELECT r.return_id, v.* FROM sen2.return r,
       (VALUES (1, E'O''Brien & <Sons>', 'Zoë', '2012-03-04', '2', 'F', 'WBRI', 'CT1 1AA', 'B801200005001', '1234567890', 'UN1'),
               (2, 'Jones', E'Siân\tMair', '2010-01-02', '1', 'M', 'AIND', 'ME1 2AB', NULL, NULL, 'UN2')) v;
INSERT INTO sen2.request (return_id, person_id, seq, received_date, request_source, rya, request_outcome_date,
                          request_outcome, request_mediation, request_tribunal, exported)
SELECT p.return_id, p.person_id, k, '2025-02-01', '1', '0', '2025-03-01', 'Y', '0', '1', '887'
  FROM sen2.person p, generate_series(1, p.seq) k;
INSERT INTO sen2.assessment (return_id, request_id, assessment_outcome, assessment_outcome_date, assessment_mediation,
                             assessment_tribunal, other_mediation, other_tribunal, week20)
SELECT q.return_id, q.request_id, 'Y', '2025-06-01', '0', '0', '1', '0', '1' FROM sen2.request q;
INSERT INTO sen2.named_plan (return_id, assessment_id, start_date, plan_res, plan_wbp, pb, oa, dp, cease_date, cease_reason)
SELECT a.return_id, a.assessment_id, '2025-06-01', 'A', 'S', '1', '0', 'E', '2025-12-01', '1' FROM sen2.assessment a;
INSERT INTO sen2.plan_detail (return_id, named_plan_id, seq, urn, ukprn, sen_setting, sen_setting_other,
                              placement_rank, sen_unit_indicator, resourced_provision_indicator)
SELECT n.return_id, n.named_plan_id, v.* FROM sen2.named_plan n,
       (VALUES (1, '100001', NULL, 'NIEO', 'Awaiting a place', '1', '0', '1'),
               (2, NULL, '10012345', NULL, NULL, '2', '0', '0')) v;
INSERT INTO sen2.active_plans (return_id, request_id, transfer_la, res, wbp, review_meeting, review_outcome,
                               review_draft, phase_transfer_due_date, phase_transfer_final_date, last_review)
SELECT q.return_id, q.request_id, '887', 'B', 'T', '2025-10-01', 'A', '2025-10-20', '2026-02-15',
       '2026-01-10', '2025-10-15' FROM sen2.request q;
INSERT INTO sen2.placement_detail (return_id, active_plans_id, seq, urn, ukprn, sen_setting, sen_setting_other,
                                   placement_rank, entry_date, leaving_date, attendance_pattern,
                                   sen_unit_indicator, resourced_provision_indicator, res, wbp)
SELECT a.return_id, a.active_plans_id, v.* FROM sen2.active_plans a,
       (VALUES (1, '100002', '10054321', 'NIEO', 'Out of school', '1', '2024-09-01', '2025-08-31', 'F', '0', '0', 'A', 'A'),
               (2, '100003', NULL, NULL, NULL, '1', '2025-09-01', NULL, NULL, '1', '0', NULL, NULL)) v;
INSERT INTO sen2.sen_need (return_id, active_plans_id, seq, sen_type, sen_type_rank)
SELECT a.return_id, a.active_plans_id, v.* FROM sen2.active_plans a, (VALUES (1, 'ASD', '1'), (2, 'SLCN', '2')) v;

-- every element of the year's layout, as an absolute path
CREATE TABLE public.xsd_paths AS
WITH RECURSIVE t AS (
    SELECT e.collection_year, e.element, '/' || e.element AS path
      FROM sen2.element e WHERE e.parent = '/'
    UNION ALL
    SELECT e.collection_year, e.element, t.path || '/' || e.element
      FROM t JOIN sen2.element e ON e.collection_year = t.collection_year AND e.parent = t.element)
SELECT * FROM t;
SQL

for y in 2023 2024 2025 2026 2027; do
  id=$(q -At -c "SELECT return_id FROM sen2.return WHERE label = 'xsd' AND collection_year = $y")
  q -At -c "SELECT sen2.xsd($y)" > "$work/$y.xsd"
  q -At -c "SELECT sen2.return_xml_text($id)" > "$work/$y.xml"
  # the document covers every element of the year
  missing=$(q -At -c "SELECT string_agg(path, ' ') FROM public.xsd_paths
                       WHERE collection_year = $y AND NOT xpath_exists(path, sen2.return_xml($id))")
  [ -z "$missing" ] || fail "$y: elements not in the test document: $missing"
  xmllint --noout --schema "$work/$y.xsd" "$work/$y.xml" 2>"$work/err" || { cat "$work/err"; fail "$y: document does not validate"; }
  # the line-by-line form through COPY is the same file
  q -c "\\copy (SELECT * FROM sen2.return_xml_rows($id)) TO '$work/$y.rows.xml'"
  cmp -s "$work/$y.xml" "$work/$y.rows.xml" || fail "$y: COPY of return_xml_rows differs from return_xml"
  xmllint --noout --schema "$work/$y.xsd" "$work/$y.rows.xml" 2>/dev/null || fail "$y: COPY output does not validate"
  echo "ok $y: $(wc -c < "$work/$y.xml") bytes, $(grep -o '<xs:element' "$work/$y.xsd" | wc -l) element declarations"
done

# Broken documents must fail.
expect_invalid() {  # name xsd-year file
  if xmllint --noout --schema "$work/$2.xsd" "$3" >/dev/null 2>&1; then fail "$1: validated but should not"; fi
  echo "ok rejected: $1"
}
sed 's|<Surname>[^<]*</Surname>||' "$work/2026.xml" > "$work/bad1.xml"
expect_invalid "mandatory Surname missing" 2026 "$work/bad1.xml"
sed 's|<Sex>F</Sex>|<Sex>X</Sex>|' "$work/2026.xml" > "$work/bad2.xml"
expect_invalid "Sex not in the code set" 2026 "$work/bad2.xml"
sed 's|<Forename>Zoë</Forename><PersonBirthDate>2012-03-04</PersonBirthDate>|<PersonBirthDate>2012-03-04</PersonBirthDate><Forename>Zoë</Forename>|' \
  "$work/2026.xml" > "$work/bad3.xml"
cmp -s "$work/2026.xml" "$work/bad3.xml" && fail "bad3 edit did not apply"
expect_invalid "elements out of order" 2026 "$work/bad3.xml"
sed 's|<UPN>B801200005001</UPN>|<UPN></UPN>|' "$work/2026.xml" > "$work/bad4.xml"
expect_invalid "empty UPN" 2026 "$work/bad4.xml"
sed 's|<ReceivedDate>2025-02-01</ReceivedDate>|<ReceivedDate>2025-02-30</ReceivedDate>|' "$work/2026.xml" > "$work/bad5.xml"
expect_invalid "impossible date" 2026 "$work/bad5.xml"
expect_invalid "2023 document against the 2026 schema" 2026 "$work/2023.xml"
expect_invalid "2026 document against the 2023 schema" 2023 "$work/2026.xml"
sed 's|<Year>2026</Year>|<Year>2025</Year>|' "$work/2026.xml" > "$work/bad6.xml"
expect_invalid "wrong Year" 2026 "$work/bad6.xml"

# A local correction to the reference data flows into the schema.
q -c "INSERT INTO sen2.ref_code (collection_year, code_set, code, origin, label) VALUES (2026, 'sex', 'X', 'local', 'test')"
q -At -c "SELECT sen2.xsd(2026)" > "$work/2026x.xsd"
xmllint --noout --schema "$work/2026x.xsd" "$work/bad2.xml" 2>/dev/null || fail "local code X did not reach the schema"
echo "ok local code set correction reaches the schema"

# The file is UTF-8 and the writer copies text through: a database in
# another encoding is refused, and bytes that are not UTF-8 (possible in a
# SQL_ASCII database) are an error, never a broken file.
db2=${db}_latin1
db3=${db}_ascii
trap 'dropdb --if-exists "$db2" >/dev/null 2>&1 || true; dropdb --if-exists "$db3" >/dev/null 2>&1 || true; cleanup' EXIT
createdb -E LATIN1 -T template0 --locale=C "$db2"
psql -X -q -d "$db2" -c "CREATE EXTENSION sen2"
if out=$(psql -X -q -d "$db2" -At -c "SELECT sen2.xml_agg(p, h) FROM (SELECT 'x' AS surname) p, (SELECT '2026' AS year) h" 2>&1); then
  fail "LATIN1 database: expected an error, got $out"
fi
grep -q "needs a UTF8 database" <<<"$out" || fail "LATIN1 database: unexpected message: $out"
echo "ok refused: LATIN1 database"
createdb -E SQL_ASCII -T template0 --locale=C "$db3"
psql -X -q -d "$db3" -c "CREATE EXTENSION sen2"
if out=$(psql -X -q -d "$db3" -At -c "SELECT sen2.xml_agg(p, h) FROM (SELECT 7 AS person_id, E'Zo\\xeb' AS surname) p, (SELECT '2026' AS year) h" 2>&1); then
  fail "SQL_ASCII database with a Latin-1 byte: expected an error, got $out"
fi
grep -q "is not valid UTF-8" <<<"$out" || fail "SQL_ASCII database: unexpected message: $out"
echo "ok refused: a Latin-1 byte in a SQL_ASCII database ($(grep -o 'has the byte 0x[0-9A-F]* at byte [0-9]*' <<<"$out"))"
ok=$(psql -X -q -d "$db3" -At -c "SELECT sen2.xml_person(p, 2026) FROM (SELECT 'Zoë' AS surname) p")
[ "$ok" = "<Person><Surname>Zoë</Surname></Person>" ] || fail "SQL_ASCII database with UTF-8: got $ok"
echo "ok SQL_ASCII database holding UTF-8"
