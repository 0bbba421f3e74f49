#!/usr/bin/env bash
# scripts/demo end to end, in a temporary directory on a port of its own:
# it must finish, write its outputs (the findings and the XML file whenever
# sen2.validate and sen2.return_xml are installed), reuse its running
# cluster on a second run and give the same return again.
set -euo pipefail
cd "$(dirname "$0")/../.."
export LANG=C.UTF-8 LC_ALL=C.UTF-8
. scripts/pgcluster.sh

TMP=$(mktemp -d /tmp/sen2-demo-smoke.XXXXXX)
chmod 755 "$TMP"
PORT=$((56500 + $$ % 100))
cleanup() {
  sen2_cluster_stop "$TMP/demo"
  rm -rf "$TMP"
}
trap cleanup EXIT
export SEN2_NO_SETUP=1 SEN2_DEMO_DIR=$TMP/demo SEN2_DEMO_OUT=$TMP/out SEN2_DEMO_PORT=$PORT
# the smoke test needs no more than a small authority
export SEN2_DEMO_PERSONS=600 SEN2_DEMO_DEFECT_RATE=0.05
unset PGHOST PGPORT PGDATABASE

fail() { echo "demo_smoke: $*" >&2; exit 1; }

scripts/demo >"$TMP/run1.txt" 2>&1 || { cat "$TMP/run1.txt"; fail "scripts/demo failed"; }
grep -q 'Creating a cluster' "$TMP/run1.txt" || { cat "$TMP/run1.txt"; fail "first run did not create a cluster"; }
grep -Eq '^ persons +\| +600$' "$TMP/run1.txt" || { cat "$TMP/run1.txt"; fail "summary does not show 600 persons"; }
grep -q 'psql -h ' "$TMP/run1.txt" || fail "no psql hint"
[ -s "$TMP/out/planted_defects.csv" ] || fail "no planted_defects.csv"
[ "$(head -1 "$TMP/out/planted_defects.csv")" = "person_source_id,table_name,item,kind,expected_rule_id,value" ] ||
  fail "planted_defects.csv has an unexpected header"
[ "$(wc -l <"$TMP/out/planted_defects.csv")" -gt 5 ] || fail "too few planted defects"

q() { psql -X -At -h "$TMP/demo" -p "$PORT" -U postgres -d sen2_demo -c "$1"; }
[ "$(q "SELECT count(*) FROM sen2.return WHERE label LIKE 'sen2 demo%'")" = 1 ] || fail "not exactly one demo return"
YEAR=$(q "SELECT collection_year FROM sen2.return WHERE label LIKE 'sen2 demo%'")
LA=$(q "SELECT la_code FROM sen2.return WHERE label LIKE 'sen2 demo%'")

if [ "$(q "SELECT to_regprocedure('sen2.validate(bigint)') IS NOT NULL")" = t ]; then
  [ -s "$TMP/out/findings.csv" ] || fail "sen2.validate exists but findings.csv is missing"
  [ "$(wc -l <"$TMP/out/findings.csv")" -gt 1 ] || fail "findings.csv has no findings"
  grep -q 'findings by severity' "$TMP/run1.txt" || fail "no findings summary"
else
  echo "sen2.validate not installed: findings not checked"
fi
if [ "$(q "SELECT to_regprocedure('sen2.return_xml(bigint)') IS NOT NULL OR to_regprocedure('sen2.return_xml_text(bigint)') IS NOT NULL")" = t ]; then
  XML="$TMP/out/sen2_${LA}_${YEAR}.xml"
  [ -s "$XML" ] || fail "sen2.return_xml exists but $XML is missing"
  xmllint --noout "$XML" || fail "$XML is not well-formed"
  [ "$(grep -o '<Person>' "$XML" | wc -l)" = 600 ] || fail "$XML does not hold 600 persons"
else
  echo "sen2.return_xml not installed: XML not checked"
fi

# a second run reuses the running cluster and gives the same return
cp "$TMP/out/planted_defects.csv" "$TMP/defects1.csv"
scripts/demo >"$TMP/run2.txt" 2>&1 || { cat "$TMP/run2.txt"; fail "second run failed"; }
grep -q 'Reusing the running cluster' "$TMP/run2.txt" || { cat "$TMP/run2.txt"; fail "second run did not reuse the cluster"; }
grep -q 'already at' "$TMP/run2.txt" || { cat "$TMP/run2.txt"; fail "second run re-created the extension"; }
cmp -s "$TMP/defects1.csv" "$TMP/out/planted_defects.csv" || fail "second run planted different defects"
[ "$(q "SELECT count(*) FROM sen2.return WHERE label LIKE 'sen2 demo%'")" = 1 ] || fail "old demo return not replaced"

# a stopped cluster is started again
sen2_cluster_stop "$TMP/demo"
scripts/demo >"$TMP/run3.txt" 2>&1 || { cat "$TMP/run3.txt"; fail "third run failed"; }
grep -q 'Starting the cluster' "$TMP/run3.txt" || { cat "$TMP/run3.txt"; fail "third run did not start the stopped cluster"; }
echo "demo smoke test passed"
