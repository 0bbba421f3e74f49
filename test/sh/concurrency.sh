#!/usr/bin/env bash
# Several clients at once (pgbench -c 4 -j 2 for SEN2_BENCH_SECONDS, default
# 10 s) mixing, on one shared return and on returns of their own:
#   build     new returns built with plain SQL inserts (always)
#   copy      sen2.copy_return + cascading delete (always)
#   read      rows, needs and the sen2.stat_* views of the shared return (always)
#   validate  sen2.validate of the shared return        (when it exists)
#   xml       sen2.return_xml of the shared return      (when it exists)
#   load      sen2.load_xml of the shared return's file (when it and return_xml exist)
#   validate_xml  sen2.validate_xml of that file           (when it and return_xml exist)
#   synth     sen2.synthesize with a fixed seed          (when it exists)
#   refresh   sen2.refresh_statistics                   (when it exists; then
#             also a short second run of readers with sen2.use_cache on
#             against refreshes, and a REPEATABLE READ reader across one)
# Every value a client checks (findings count, document md5, rows per module,
# statistics) was first computed serially; a difference raises an error in
# that client.  Passes when pgbench exits 0 with no failed transaction, the
# server log of the run has no ERROR/deadlock/crash, and afterwards the shared
# return, every built return and the per-table totals match the serial run.
# See docs/hardening.md.
set -uo pipefail
export LANG=C.UTF-8 LC_ALL=C.UTF-8
cd "$(dirname "$0")/../.."
. scripts/pgcluster.sh
secs=${SEN2_BENCH_SECONDS:-10}
base_persons=${SEN2_BENCH_PERSONS:-60}
db=sen2_concurrency
own=
if [ -z "${PGHOST:-}" ]; then            # standalone: a cluster of our own
  own=$(mktemp -d /tmp/sen2-conc.XXXXXX)
  sen2_cluster_start "$own" "$((56700 + $$ % 100))" || exit 1
fi
log=$PGHOST/server.log                    # where sen2_cluster_start logs
work=$(mktemp -d "${SEN2_TEST_WORK:-/tmp}/concurrency.XXXXXX")
cleanup() {
  dropdb --if-exists $db 2>/dev/null
  [ -n "$own" ] && { sen2_cluster_stop "$own"; rm -rf "$own"; }
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d $db "$@"; }

dropdb --if-exists $db 2>/dev/null
createdb $db || fail "createdb"
q -c "CREATE EXTENSION sen2" -f bench/pgbench/setup.sql >/dev/null || fail "setup"
has() { [ "$(q -c "SELECT count(*) FROM pg_proc WHERE pronamespace = 'sen2'::regnamespace AND proname = '$1'")" -gt 0 ]; }

# --- serial run: the shared return and every expected value ---------------
base=$(q -c "SELECT bench.build_return('201', 2026, $base_persons, 'shared')") || fail "build shared return"
q -c "INSERT INTO bench.expect VALUES ('base_la', '201'), ('base_year', '2026'), ('base_id', '$base'),
        ('base_shape', bench.shape($base)), ('base_needs', bench.needs_digest($base))"
# the shape of a 30-person build, from a build that is then removed
rid=$(q -c "SELECT bench.build_return('800', 2025, 30)") || fail "serial build"
q -c "INSERT INTO bench.expect SELECT 'build30', bench.shape($rid)"
q -c "DELETE FROM sen2.return WHERE return_id = $rid"
q -c "INSERT INTO bench.expect VALUES ('stats', bench.stats_digest())"
scripts=(bench/pgbench/build.sql@2 bench/pgbench/copy.sql@2 bench/pgbench/read.sql@3)
ran="build copy read"; absent=""
nstats=$(q -c "SELECT count(*) FROM pg_class WHERE relnamespace = 'sen2'::regnamespace AND relkind IN ('v','m') AND relname LIKE 'stat\_%'")
ran+=" (stat_* views read: $nstats)"
if has refresh_statistics; then
  # the stored facts give the shared return the same statistics as live
  # (all but the views that show the parameters, use_cache among them)
  q -c "SELECT sen2.refresh_statistics()" >/dev/null || fail "serial refresh_statistics"
  q -c "SET sen2.use_cache = on; INSERT INTO bench.expect SELECT 'stats_cached', bench.stats_digest()"
  strip() { tr ' ' '\n' | grep -vE '^stat_(parameters|settings|return):' | paste -sd' '; }
  [ "$(q -c "SELECT value FROM bench.expect WHERE what = 'stats'" | strip)" = \
    "$(q -c "SELECT value FROM bench.expect WHERE what = 'stats_cached'" | strip)" ] ||
    fail "statistics from the stored facts differ from live ones"
  scripts+=(bench/pgbench/refresh.sql@1); ran+=" refresh"
else absent+=" refresh_statistics"; fi
if has validate; then
  q -c "INSERT INTO bench.expect SELECT 'validate_base', count(*)::text FROM sen2.validate($base)"
  scripts+=(bench/pgbench/validate.sql@3); ran+=" validate"
else absent+=" validate"; fi
if has return_xml; then
  q -c "INSERT INTO bench.expect SELECT 'xml_base', md5(sen2.return_xml($base)::text)"
  scripts+=(bench/pgbench/xml.sql@3); ran+=" xml"
  if has load_xml; then
    q -c "INSERT INTO bench.doc SELECT sen2.return_xml($base)::text"
    # the file loads serially to a return of the shared one's shape
    lid=$(q -c "SELECT sen2.load_xml(doc) FROM bench.doc") || fail "serial load_xml"
    [ "$(q -c "SELECT bench.shape($lid)")" = "$(q -c "SELECT value FROM bench.expect WHERE what = 'base_shape'")" ] ||
      fail "serial load_xml of the shared return's XML: $(q -c "SELECT bench.shape($lid)")"
    q -c "DELETE FROM sen2.return WHERE return_id = $lid"
    scripts+=(bench/pgbench/load.sql@2); ran+=" load"
  else absent+=" load_xml"; fi
  if has validate_xml; then
    [ "$(q -c "SELECT count(*) FROM bench.doc")" = 1 ] || q -c "INSERT INTO bench.doc SELECT sen2.return_xml($base)::text"
    q -c "INSERT INTO bench.expect SELECT 'validate_xml_base', count(*)::text FROM bench.doc d, sen2.validate_xml(d.doc)"
    scripts+=(bench/pgbench/validate_xml.sql@2); ran+=" validate_xml"
  else absent+=" validate_xml"; fi
else absent+=" return_xml"; has load_xml && absent+=" load_xml(needs return_xml)"; fi
if has synthesize; then
  sid=$(q -c "SELECT sen2.synthesize('800', 2025, 30, 42, 0.1)") || fail "serial synthesize"
  q -c "INSERT INTO bench.expect SELECT 'synth30', bench.shape($sid)"
  q -c "DELETE FROM sen2.return WHERE return_id = $sid"
  scripts+=(bench/pgbench/synth.sql@2); ran+=" synth"
else absent+=" synthesize"; fi
q -c "SELECT what || ' = ' || value FROM bench.expect ORDER BY what" | sed 's/^/  serial: /'
before=$(q -c "SELECT bench.module_counts()")

# --- concurrent run --------------------------------------------------------
args=()
for s in "${scripts[@]}"; do args+=(-f "$s"); done
logstart=$(stat -c %s "$log" 2>/dev/null || echo 0)
echo "parts run: $ran"
[ -n "$absent" ] && echo "parts skipped (not in this build):$absent"
pgbench -n -c 4 -j 2 -T "$secs" -D base="$base" "${args[@]}" $db >"$work/pgbench.out" 2>&1
prc=$?
grep -E '^(number of (transactions|failed)|tps|SQL script| - [0-9]+ transactions)' "$work/pgbench.out" | sed 's/^/  /'
[ $prc -eq 0 ] || { grep -E "aborted|ERROR|DETAIL|CONTEXT" "$work/pgbench.out" | head -20; fail "pgbench exited $prc"; }
failed=$(sed -nE 's/^number of failed transactions: ([0-9]+).*/\1/p' "$work/pgbench.out")
[ "${failed:-0}" -eq 0 ] || fail "$failed failed transactions"
grep -q "aborted" "$work/pgbench.out" && fail "a client aborted"

if [ -r "$log" ]; then
  tail -c +"$((logstart + 1))" "$log" >"$work/run.log"
  if grep -E 'ERROR|FATAL|PANIC|deadlock detected|terminated by signal|exited with exit code' "$work/run.log" >"$work/bad.log"; then
    head -20 "$work/bad.log"; fail "errors in the server log during the run"
  fi
  echo "  server log of the run: $(wc -l <"$work/run.log") lines, no errors, no deadlock"
else
  echo "  (server log $log not readable: log check skipped)"
fi

# --- afterwards: same as the serial run ------------------------------------
q -c "SELECT bench.verify('base_shape', bench.shape($base)); SELECT bench.verify('base_needs', bench.needs_digest($base)); SELECT bench.verify('stats', bench.stats_digest())" >/dev/null ||
  fail "shared return changed"
has validate && { q -c "SELECT bench.verify('validate_base', (SELECT count(*) FROM sen2.validate($base))::text)" >/dev/null || fail "validate after the run"; }
ntx() { awk -v f="$1" '$0 ~ "^SQL script [0-9]+: .*" f {x=1; next} x && /^ - [0-9]+ transactions/ {print $2; exit}' "$work/pgbench.out"; }
if has validate && [ "$(q -c "SELECT count(*) FROM pg_class WHERE oid = to_regclass('sen2.validation_run')")" = 1 ]; then
  # every validation recorded its own run, each with the serial number of findings
  vtx=$(ntx validate.sql)
  runs=$(q -c "SELECT count(*) FROM sen2.validation_run WHERE return_id = $base")
  [ "$runs" = "$((vtx + 2))" ] || fail "$runs validation runs recorded for the shared return, expected $vtx concurrent + 2 serial"
  sizes=$(q -c "SELECT string_agg(DISTINCT n::text, ',') FROM (SELECT r.run_id, count(f.run_id) AS n FROM sen2.validation_run r
                LEFT JOIN sen2.validation_finding f ON f.run_id = r.run_id WHERE r.return_id = $base GROUP BY r.run_id) s")
  [ "$sizes" = "$(q -c "SELECT value FROM bench.expect WHERE what = 'validate_base'")" ] ||
    fail "findings per recorded run: $sizes"
  echo "  $runs validation runs recorded for the shared return, each with $sizes findings"
fi
if has refresh_statistics; then
  # Readers of the stored facts (use_cache on) while several clients run
  # refresh_statistics() at once, and one REPEATABLE READ transaction (a BI
  # report reading several views from one snapshot) across a refresh: the
  # serial statistics each time, and the facts stored once per request
  # (concurrent refreshes once doubled them).
  pgbench -n -c 3 -j 2 -T "${SEN2_CACHE_SECONDS:-3}" -D base="$base" \
    -f bench/pgbench/read_cached.sql@3 -f bench/pgbench/refresh.sql@1 $db >"$work/cached.out" 2>&1
  crc=$?
  creads=$(awk '/^SQL script [0-9]+: .*read_cached\.sql/ {x=1; next} x && /^ - [0-9]+ transactions/ {print $2; exit}' "$work/cached.out")
  crefs=$(awk '/^SQL script [0-9]+: .*refresh\.sql/ {x=1; next} x && /^ - [0-9]+ transactions/ {print $2; exit}' "$work/cached.out")
  [ $crc -eq 0 ] || { grep -E "aborted|ERROR|DETAIL" "$work/cached.out" | head -10; fail "cached readers during refreshes: pgbench exited $crc"; }
  dup=$(q -c "SELECT count(*) - count(DISTINCT request_id) FROM sen2.stat_case_cache")
  [ "$dup" = 0 ] || fail "$dup requests stored twice in sen2.stat_case_cache after concurrent refreshes"
  echo "  cached statistics read ${creads:-?} times during ${crefs:-?} refreshes: as in the serial run; facts stored once"
  rm -f "$work/a_ready" "$work/b_done"
  psql -X -q -At -d $db >"$work/rr.out" 2>&1 <<SQL &
BEGIN ISOLATION LEVEL REPEATABLE READ;
SET LOCAL sen2.use_cache = on;
SELECT count(*) FROM sen2.return \\g /dev/null
\\! touch $work/a_ready; while [ ! -f $work/b_done ]; do sleep 0.05; done
SELECT bench.stats_digest();
COMMIT;
SQL
  rr=$!
  for _ in $(seq 1 200); do [ -f "$work/a_ready" ] && break; sleep 0.05; done
  q -c "SELECT sen2.refresh_statistics()" >/dev/null; touch "$work/b_done"; wait $rr
  [ "$(tail -1 "$work/rr.out")" = "$(q -c "SELECT value FROM bench.expect WHERE what = 'stats_cached'")" ] ||
    fail "a REPEATABLE READ reader whose snapshot predates a refresh_statistics() sees other statistics"
  echo "  a REPEATABLE READ reader across a refresh_statistics() sees the serial statistics"
fi
builds=$(awk '/^SQL script [0-9]+: .*build\.sql/ {f=1; next} f && /^ - [0-9]+ transactions/ {print $2; exit}' "$work/pgbench.out")
kept=$(q -c "SELECT count(*) FROM sen2.return WHERE label = 'bench build'")
[ "$kept" = "${builds:-x}" ] || fail "pgbench committed ${builds:-?} builds but $kept built returns exist"
odd=$(q -c "SELECT count(*) FROM sen2.return r WHERE label = 'bench build' AND bench.shape(r.return_id) <> (SELECT value FROM bench.expect WHERE what = 'build30')")
[ "$odd" = 0 ] || fail "$odd built returns differ from the serial build"
left=$(q -c "SELECT count(*) FROM sen2.return WHERE return_id <> $base AND label <> 'bench build'")
[ "$left" = 0 ] || fail "$left copies/loads left behind"
after=$(q -c "DELETE FROM sen2.return WHERE label = 'bench build'; SELECT bench.module_counts()")
[ "$after" = "$before" ] || fail "table totals differ after removing the builds: before $before, after $after"
echo "  $kept built returns all of the serial shape; no copy or load left; totals back to: $after"
echo "ok: $ran"
