#!/usr/bin/env bash
# The XML writer's memory beyond the output, as its DEBUG1 lines report it,
# on a return of 1,500 persons and one of 6,000:
#  - sen2.return_xml: the writer's memory less its output buffer is the same
#    small amount whatever the number of persons (no per-person index);
#  - sen2.xml_agg with sort keys and ORDER BY exactly those keys: the index
#    stays at its first allocation (1,024 entries, 32 kB) at both sizes;
#  - the same call without ORDER BY (rows may come in any order) keeps one
#    32-byte entry per person, so its index grows with the persons.
# The documents are the same with and without ORDER BY.
set -euo pipefail
db=sen2_xml_writer_memory
trap 'dropdb --if-exists $db 2>/dev/null' EXIT
dropdb --if-exists $db 2>/dev/null
createdb $db
q() { psql -X -q -v ON_ERROR_STOP=1 -d $db "$@"; }
fail() { echo "FAIL: $*"; exit 1; }

q <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION sen2;
SQL

# a return of n persons with seq rising with person_id, and ties every tenth
make_return() {
  q -At <<SQL
INSERT INTO sen2.return (la_code, collection_year, label, year, reference_date, lea, date_time)
VALUES ('886', 2026, 'memory $1', '2026', '2026-01-15', '886', '2026-02-01T10:00:00') RETURNING return_id \gset
INSERT INTO sen2.person (return_id, seq, surname, forename, person_birth_date, sex, ethnicity)
SELECT :return_id, g - g % 10, 'Surname' || (g * 7919 % 10007), 'Ann', '2012-03-04', 'F', 'WBRI'
  FROM generate_series(1, $1) g;
SELECT :return_id;
SQL
}
# the DEBUG1 line of one statement
debug_line() {
  q -At -c "SET client_min_messages = debug1" -c "$1" 2>&1 >/dev/null | grep -o "$2.*" || fail "no DEBUG1 line for: $1"
}

for n in 1500 6000; do
  rid=$(make_return $n)
  # sen2.return_xml: memory less buffer, in bytes
  line=$(debug_line "SELECT octet_length(sen2.return_xml_text($rid))" "sen2.return_xml: ")
  echo "$n: $line"
  persons=$(sed -E 's/.*: ([0-9]+) persons.*/\1/' <<<"$line")
  [ "$persons" = "$n" ] || fail "return_xml wrote $persons persons, expected $n"
  mem=$(sed -E 's/.*writer memory ([0-9]+) bytes.*/\1/' <<<"$line")
  buf=$(sed -E 's/.*\(buffer ([0-9]+)\).*/\1/' <<<"$line")
  beyond=$((mem - buf))
  eval "beyond_$n=$beyond"
  [ "$beyond" -lt 65536 ] || fail "return_xml holds $beyond bytes beyond its buffer at $n persons"

  agg="FROM sen2.person p JOIN sen2.return h USING (return_id) WHERE h.return_id = $rid"
  line=$(debug_line "SELECT octet_length(sen2.xml_agg(p, h, p.seq, p.person_id ORDER BY p.seq, p.person_id)::text) $agg" "sen2.xml_agg: ")
  echo "$n ordered:   $line"
  grep -q "index 32768)" <<<"$line" || fail "xml_agg with ORDER BY its keys kept a per-person index at $n persons"
  line=$(debug_line "SELECT octet_length(sen2.xml_agg(p, h, p.seq, p.person_id)::text) $agg" "sen2.xml_agg: ")
  echo "$n unordered: $line"
  idx=$(sed -E 's/.*index ([0-9]+)\).*/\1/' <<<"$line")
  [ "$idx" -ge $((n * 32)) ] || fail "xml_agg without ORDER BY has an index of $idx bytes for $n persons"

  same=$(q -At -c "SELECT (SELECT md5(sen2.xml_agg(p, h, p.seq ORDER BY p.seq)::text) $agg)
                        = (SELECT md5(sen2.xml_agg(p, h, p.seq)::text) $agg)
                      AND (SELECT md5(sen2.xml_agg(p, h, p.seq, p.person_id)::text) $agg)
                        = (SELECT md5(sen2.return_xml_text($rid)))")
  [ "$same" = t ] || fail "documents differ at $n persons"
done
# shellcheck disable=SC2154
[ "$beyond_1500" -eq "$beyond_6000" ] ||
  fail "return_xml's memory beyond its buffer grew with the persons: $beyond_1500 -> $beyond_6000 bytes"
echo "ok"
