#!/usr/bin/env bash
# A generated return of 5,000 persons (test/fixtures/gen_sen2_xml.sql) loads
# the same through sen2.load_xml_file, sen2.load_xml(bytea) and
# sen2.load_xml(text): every row, with xml_line equal to the line grep finds
# for its start tag.  Then memory: while sen2.load_xml_file reads a larger
# file (20,000 persons; 200,000 with SEN2_SLOW=1), the backend's private
# memory must stay far below the file's size, as the file is streamed and
# written one batch of persons at a time.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d "${SEN2_TEST_WORK:-/tmp}/xml_reader_large.XXXXXX")
chmod 755 "$work"
db=sen2_xml_large
trap 'rm -rf "$work"; dropdb --if-exists $db 2>/dev/null' EXIT
dropdb --if-exists $db 2>/dev/null; createdb $db
q() { psql -X -At -v ON_ERROR_STOP=1 -d $db "$@"; }
q -q -c "CREATE EXTENSION sen2"
gen() { psql -X -At -v ON_ERROR_STOP=1 -v FETCH_COUNT=5000 -v persons="$1" -v la=886 -f test/fixtures/gen_sen2_xml.sql -d $db > "$2"; chmod 644 "$2"; }

gen 5000 "$work/p5k.xml"
xmllint --noout "$work/p5k.xml"
a=$(q -c "SELECT sen2.load_xml_file('$work/p5k.xml')")
b=$(q -c "SELECT sen2.load_xml(pg_read_binary_file('$work/p5k.xml'))")
c=$(q -c "SELECT sen2.load_xml(pg_read_file('$work/p5k.xml'))")
counts=$(q -c "SELECT string_agg(n::text, ' ' ORDER BY t) FROM (
  SELECT 1 t, count(*) n FROM sen2.person WHERE return_id = $a UNION ALL
  SELECT 2, count(*) FROM sen2.request WHERE return_id = $a UNION ALL
  SELECT 3, count(*) FROM sen2.assessment WHERE return_id = $a UNION ALL
  SELECT 4, count(*) FROM sen2.named_plan WHERE return_id = $a UNION ALL
  SELECT 5, count(*) FROM sen2.plan_detail WHERE return_id = $a UNION ALL
  SELECT 6, count(*) FROM sen2.active_plans WHERE return_id = $a UNION ALL
  SELECT 7, count(*) FROM sen2.placement_detail WHERE return_id = $a UNION ALL
  SELECT 8, count(*) FROM sen2.sen_need WHERE return_id = $a UNION ALL
  SELECT 9, count(*) FROM sen2.load_issue WHERE return_id = $a) s")
echo "rows per table: $counts"
[ "$counts" = "5000 6000 4000 4000 4000 4000 4000 4000 0" ] || { echo "unexpected counts"; exit 1; }

# xml_line is the line of the start tag, for every row
diff <(grep -n '<Person>' "$work/p5k.xml" | cut -d: -f1) \
     <(q -c "SELECT xml_line FROM sen2.person WHERE return_id = $a ORDER BY seq")
diff <(grep -n '<Requests>' "$work/p5k.xml" | cut -d: -f1) \
     <(q -c "SELECT r.xml_line FROM sen2.request r JOIN sen2.person p USING (person_id) WHERE r.return_id = $a ORDER BY p.seq, r.seq")
diff <(grep -n '<SENneed>' "$work/p5k.xml" | cut -d: -f1) \
     <(q -c "SELECT xml_line FROM sen2.sen_need WHERE return_id = $a ORDER BY xml_line")
echo "xml_line matches grep for Person, Requests and SENneed"

# the three ways in give the same return
digest() {
  q -c "SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
    SELECT format('%s %s %s', seq, xml_line, row(surname, forename, person_birth_date, sex, ethnicity, post_code, upn, uln, upn_unknown)) x
      FROM sen2.person WHERE return_id = $1
    UNION ALL SELECT format('%s %s', xml_line, row(received_date, rya, request_outcome_date, request_outcome, request_mediation, request_tribunal, exported))
      FROM sen2.request WHERE return_id = $1
    UNION ALL SELECT format('%s %s', xml_line, row(urn, placement_rank, entry_date, sen_unit_indicator, resourced_provision_indicator))
      FROM sen2.placement_detail WHERE return_id = $1
    UNION ALL SELECT format('%s %s', xml_line, row(start_date, pb)) FROM sen2.named_plan WHERE return_id = $1
    UNION ALL SELECT format('%s', row(year, reference_date, lea, software_code, date_time, dmo, dco)) FROM sen2.return WHERE return_id = $1) s"
}
da=$(digest $a); db_=$(digest $b); dc=$(digest $c)
echo "digests: $da $db_ $dc"
[ "$da" = "$db_" ] && [ "$da" = "$dc" ]

# memory: sample the backend's private memory while it streams a larger file
persons=20000; [ -n "${SEN2_SLOW:-}" ] && persons=200000
gen $persons "$work/big.xml"
size=$(stat -c %s "$work/big.xml")
pidfile="$work/pid"
(
  psql -X -At -d $db -v ON_ERROR_STOP=1 <<SQL >"$work/load.out" 2>&1
\o $pidfile
SELECT pg_backend_pid();
\o
SELECT pg_sleep(0.3);
\timing on
SELECT sen2.load_xml_file('$work/big.xml') AS id \\gset
\timing off
SELECT count(*) FROM sen2.person WHERE return_id = :id;
SQL
) &
loader=$!
while [ ! -s "$pidfile" ]; do sleep 0.05; done
pid=$(head -1 "$pidfile")
base=$(awk '/^RssAnon/ { print $2 }' /proc/$pid/status)
peak=$base
while kill -0 $loader 2>/dev/null; do
  now=$(awk '/^RssAnon/ { print $2 }' /proc/$pid/status 2>/dev/null || echo 0)
  [ "${now:-0}" -gt "$peak" ] && peak=$now
  sleep 0.05
done
wait $loader
cat "$work/load.out"
grep -qx "$persons" "$work/load.out"
growth=$(( (peak - base) / 1024 ))
echo "file $((size / 1048576)) MB, $persons persons: backend private memory grew by $growth MB while loading"
[ $growth -lt 64 ] && [ $((growth * 1048576)) -lt $((size / 2)) ]
