#!/usr/bin/env bash
# Slow tier: the pg_regress suite and the pgTAP files against a cluster whose
# postmaster (and so every backend it forks) runs under valgrind memcheck.
# Fails if any process's valgrind log reports an error (invalid read/write,
# use of uninitialised memory in a syscall, ...) or a definite leak that
# test/valgrind/postgres.supp does not suppress, if a test fails, or if a
# process died with valgrind's error exit code.  See docs/hardening.md.
#
# Knobs:  SEN2_VG_KEEP=1  keep the work directory (logs) even on success
#         SEN2_VG_GEN=1   add --gen-suppressions=all (to write a new entry)
#         SEN2_VG_TESTS="a b"  only these pg_regress tests (default: all but
#                         those listed in SQL_ONLY and HEAVY below)
#         SEN2_VG_ALL=1         include those too
#         SEN2_VG_PGTAP="test/pgtap/x.sql ..."  only these pgTAP files
#         SEN2_VG_FAULTS=0      skip the error-path sweep (test/valgrind/faults.sql)
#         SEN2_VG_PERSONS=150   size of the return the sweep interrupts
#         SEN2_VG_JOBS=1        one stream instead of two
#         SEN2_VG_SH="test/sh/x.sh ..."  also run these shell tests against the
#                         valgrind cluster (none by default: each connection
#                         costs seconds under valgrind; see docs/hardening.md)
set -uo pipefail
export LANG=C.UTF-8 LC_ALL=C.UTF-8
cd "$(dirname "$0")/../../.."
ROOT=$PWD
. scripts/pgcluster.sh            # PG_CONFIG, PGBIN, sen2_as_pg
command -v valgrind >/dev/null || { echo "valgrind not found (apt-get install valgrind)"; exit 1; }

D=$(mktemp -d /tmp/sen2-vg.XXXXXX)
[ "$(id -u)" -eq 0 ] && chown postgres: "$D"
PORT=${SEN2_VG_PORT:-$((56700 + $$ % 100))}
# Exit status 1 is what PostgreSQL expects from a backend ending with FATAL: a
# process that reports errors then does not make the postmaster restart the
# cluster (which would fail every later test); the logs are the verdict.
VGEXIT=1
mkdir -p "$D/vg" "$D/regress"
[ "$(id -u)" -eq 0 ] && chown postgres: "$D/vg"
cp test/valgrind/postgres.supp "$D/postgres.supp"; chmod a+r "$D/postgres.supp"

started=$(date +%s)
stop_cluster() {
  [ -f "$D/data/postmaster.pid" ] || return 0
  # fast shutdown; every process runs its leak check on the way out, so allow time
  sen2_as_pg "$PGBIN/pg_ctl" -D "$D/data" -m fast -w -t 180 stop >/dev/null 2>&1 ||
    sen2_as_pg "$PGBIN/pg_ctl" -D "$D/data" -m immediate -w -t 60 stop >/dev/null 2>&1 || true
  # the postmaster removes its pid file before valgrind's exit-time leak check
  # of the postmaster itself has been written: wait for the process to end
  [ -n "${vgpid:-}" ] && wait "$vgpid" 2>/dev/null
  return 0
}
cleanup() {
  stop_cluster
  if [ -n "${SEN2_VG_KEEP:-}" ] || [ "${result:-1}" -ne 0 ]; then echo "logs kept in $D"; else rm -rf "$D"; fi
}
trap cleanup EXIT

sen2_as_pg "$PGBIN/initdb" -D "$D/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 \
  >"$D/initdb.log" 2>&1 || { cat "$D/initdb.log"; exit 1; }

vgopts=(--trace-children=yes --leak-check=full --show-leak-kinds=definite
        --errors-for-leak-kinds=definite --error-exitcode=$VGEXIT --num-callers=40
        --suppressions="$D/postgres.supp" --log-file="$D/vg/%p.log")
[ -n "${SEN2_VG_GEN:-}" ] && vgopts+=(--gen-suppressions=all)
# jit=off: LLVM-generated code under valgrind is slow and not ours to check.
# log_disconnections + %a in the prefix map a backend's pid to its test.
# The same pg_cron preload as scripts/pgcluster.sh, so the suite sees the
# same server it sees in the normal run.
(cd "$D" && exec runuser -u postgres -- valgrind "${vgopts[@]}" "$PGBIN/postgres" -D "$D/data" \
   -k "$D" -c listen_addresses= -p "$PORT" -c fsync=off -c synchronous_commit=off -c jit=off \
   -c shared_preload_libraries=pg_cron -c cron.database_name=postgres \
   -c log_disconnections=on -c "log_line_prefix=%m [%p] %a: " \
   >"$D/server.log" 2>&1) &
vgpid=$!
export PGHOST=$D PGPORT=$PORT PGUSER=postgres PGDATABASE=postgres
for _ in $(seq 1 240); do
  "$PGBIN/pg_isready" -q && break
  kill -0 $vgpid 2>/dev/null || break
  sleep 0.5
done
"$PGBIN/pg_isready" -q || { echo "valgrind cluster did not start"; tail -30 "$D/server.log"; result=1; exit 1; }
echo "cluster under valgrind up after $(( $(date +%s) - started )) s (port $PORT)"

# Left out unless SEN2_VG_ALL=1 (keep these lists to tests you have read: a
# test not listed always runs):
#  SQL_ONLY  reach no sen2 C code (reference data, catalogue checks, roles and
#            row-level security: SQL and plpgsql only), so cannot find
#            anything in sen2's C;
#  HEAVY     reach C code that smaller tests also reach under valgrind, but
#            with data volumes that take minutes each here (synth: 7 returns
#            of 1000 persons, synth_defects: 2 x 3000, synth_shares: 20,000,
#            pseudonymise_stats and stats_national: statistics over synthetic
#            returns of up to 20,000 persons, minutes each);
#            sen2.synthesize's C runs under valgrind through
#            test/pgtap/synth.sql (every bad argument, 5-50 persons) and the
#            fault sweep (150 persons with defects, cancelled at 6 points),
#            keyed_hash through the pseudonymise test.
SQL_ONLY_REGRESS="reference"
SQL_ONLY_PGTAP="schema security"
HEAVY_REGRESS="synth synth_defects synth_shares pseudonymise_stats stats_national"
left_out() {   # left_out regress|pgtap NAME
  [ -z "${SEN2_VG_ALL:-}" ] || return 1
  case $1 in
    regress) [[ " $SQL_ONLY_REGRESS $HEAVY_REGRESS " == *" $2 "* ]] ;;
    pgtap)   [[ " $SQL_ONLY_PGTAP " == *" $2 "* ]] ;;
  esac
}
echo "left out (SEN2_VG_ALL=1 runs them): SQL-only: $SQL_ONLY_REGRESS (regress), $SQL_ONLY_PGTAP (pgTAP); heavy: $HEAVY_REGRESS (regress)"

# Each part writes its report to $D/<part>.report and its status to
# $D/<part>.rc, so parts can run side by side (SEN2_VG_JOBS=2, the default:
# pg_regress in one stream, pgTAP then the fault sweep in the other; they use
# different databases).  Under valgrind each new backend spends seconds
# translating code again, so two streams keep both cores busy.
run_regress() {
  local rc=0 t0; t0=$(date +%s)
  regress_args=(EXTRA_REGRESS_OPTS="--outputdir=$D/regress")
  if [ -n "${SEN2_VG_TESTS:-}" ]; then regress_args+=(REGRESS="$SEN2_VG_TESTS")
  elif [ -z "${SEN2_VG_ALL:-}" ]; then
    regress_args+=(REGRESS="$(for f in sql/*.sql; do n=$(basename "$f" .sql); left_out regress "$n" || echo "$n"; done | paste -sd' ')")
  fi
  make -s PG_CONFIG="$PG_CONFIG" installcheck "${regress_args[@]}" >"$D/regress.txt" 2>&1 || rc=1
  {
    grep -E '^ *test .* \.\.\. ' "$D/regress.txt" | sed 's/^/  /'
    if [ $rc -ne 0 ]; then
      echo "pg_regress under valgrind FAILED (test output differs: see the diff)"
      head -100 "$D/regress/regression.diffs" 2>/dev/null || tail -20 "$D/regress.txt"
    fi
    echo "pg_regress: $(( $(date +%s) - t0 )) s"
  } >"$D/regress.report"
  echo $rc >"$D/regress.rc"
}

# pgTAP: one pg_prove per file so each backend's application_name names its file
run_pgtap() {
  local rc=0 t0 f; t0=$(date +%s)
  shopt -s nullglob
  local tapfiles=(${SEN2_VG_PGTAP-test/pgtap/*.sql})
  {
    for f in "${tapfiles[@]}"; do
      [ -z "${SEN2_VG_PGTAP:-}" ] && left_out pgtap "$(basename "$f" .sql)" && continue
      if PGAPPNAME="pgtap/$(basename "$f" .sql)" pg_prove -d postgres "$f" >"$D/pgtap.out" 2>&1; then
        echo "  pgtap $f ok"
      else
        echo "  pgtap $f FAILED"; sed 's/^/    /' "$D/pgtap.out" | tail -30; rc=1
      fi
    done
    echo "pgTAP: $(( $(date +%s) - t0 )) s"
  } >"$D/pgtap.report"
  echo $rc >"$D/pgtap.rc"
}

# Error paths: test/valgrind/faults.sql interrupts every long operation this
# build has with statement_timeout at doubling delays, in one session; then
# one more run of the heaviest operation is ended with pg_terminate_backend
# (the FATAL path: the backend exits in the middle of it, and its leak check
# shows what it had allocated outside PostgreSQL's memory contexts).
run_faults() {
  local rc=0 t0; t0=$(date +%s)
  local fdb=sen2_vg_faults
  {
    createdb $fdb || rc=1
    PGAPPNAME=vg/faults psql -X -v persons="${SEN2_VG_PERSONS:-150}" -d $fdb -f test/valgrind/faults.sql \
      >"$D/faults.out" 2>&1 || rc=1
    grep -E 'cancelled at|completed within' "$D/faults.out" |
      awk '{op=$1; $1=""; a[op]=a[op] ";" $0} END {for (o in a) print "  faults: " o a[o]}' | sort
    grep -q '^all sen2 tables unchanged' "$D/faults.out" || { echo "faults.sql FAILED"; tail -20 "$D/faults.out"; rc=1; }
    grep -E 'ERROR' "$D/faults.out" | grep -vE 'canceling statement due to statement timeout' | head -5 |
      sed 's/^/  unexpected: /' | grep . && rc=1
    # pg_terminate_backend in the middle of the heaviest operation there is
    fq() { psql -X -At -d $fdb "$@"; }
    local big op opname tbg tpid
    big=$(fq -c "SELECT return_id FROM sen2.return WHERE label = 'valgrind faults'")
    if [ "$(fq -c "SELECT count(*) FROM pg_proc WHERE proname = 'load_xml'")" -gt 0 ] &&
       [ "$(fq -c "SELECT count(*) FROM pg_class WHERE relname = 'vg_doc'")" = 1 ]; then
      op="SELECT sen2.load_xml(doc) FROM vg_doc"; opname=load_xml
    else
      op="SELECT sen2.copy_return($big)"; opname=copy_return
    fi
    PGAPPNAME=vg/terminate psql -X -At -d $fdb -c "$op" >"$D/term.out" 2>&1 &
    tbg=$!
    tpid=
    for _ in $(seq 1 100); do
      tpid=$(fq -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'vg/terminate' AND state = 'active'")
      [ -n "$tpid" ] && break; sleep 0.1
    done
    sleep "${SEN2_VG_TERM_AFTER:-1}"
    [ -n "$tpid" ] && fq -c "SELECT pg_terminate_backend($tpid)" >/dev/null
    wait $tbg
    if grep -q 'terminating connection due to administrator command' "$D/term.out"; then
      echo "  faults: $opname terminated mid-way (backend $tpid)"
    else
      echo "  faults: $opname was not terminated mid-way (finished first?):"; sed 's/^/    /' "$D/term.out" | head -5; rc=1
    fi
    dropdb $fdb || rc=1
    echo "faults: $(( $(date +%s) - t0 )) s"
  } >"$D/faults.report" 2>&1
  echo $rc >"$D/faults.rc"
}
stream_b() {
  run_pgtap
  if [ "${SEN2_VG_FAULTS:-1}" != 0 ]; then run_faults; else echo 0 >"$D/faults.rc"; : >"$D/faults.report"; fi
}

# CREATE EXTENSION creates the cluster-wide sen2_* roles when they are
# missing; two first installs racing in two databases can collide on them
# (see docs/hardening.md), so make them once before the streams start.
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "CREATE EXTENSION IF NOT EXISTS sen2" \
  -c "DROP EXTENSION sen2" >/dev/null || { echo "CREATE EXTENSION failed"; result=1; exit 1; }

t0=$(date +%s)
if [ "${SEN2_VG_JOBS:-2}" -ge 2 ]; then
  run_regress & ra=$!
  stream_b & rb=$!
  wait $ra $rb
else
  run_regress; stream_b
fi
cat "$D/regress.report" "$D/pgtap.report" "$D/faults.report"
echo "tests and faults: $(( $(date +%s) - t0 )) s wall (SEN2_VG_JOBS=${SEN2_VG_JOBS:-2})"
rc=0
for part in regress pgtap faults; do [ "$(cat "$D/$part.rc" 2>/dev/null)" = 0 ] || rc=1; done

for t in ${SEN2_VG_SH-}; do
  if PGAPPNAME="sh/$(basename "$t" .sh)" SEN2_TEST_WORK="$D" SEN2_FAULT_PERSONS=300 SEN2_FAULT_NO_KILL=1 \
       timeout 240 bash "$t" >"$D/sh.out" 2>&1; then
    echo "  sh $t ok"
  else
    echo "  sh $t FAILED"; sed 's/^/    /' "$D/sh.out" | tail -30; rc=1
  fi
done

t0=$(date +%s)
stop_cluster
echo "shutdown (leak checks of the remaining processes): $(( $(date +%s) - t0 )) s"

# Which session a pid served: from the disconnection lines of the server log.
appname() {
  sed -nE "s/^.*\[$1\] ([^:]*): LOG:  disconnection.*/\1/p" "$D/server.log" | head -1
}

# A frame in sen2 code: sen2.so has debug info, so its frames name our source files.
sen2_frames="sen2\\.so|\\(($(cd src && ls *.c | sed 's/\.c$//' | paste -sd'|'))\\.c:[0-9]+\\)"
nlogs=0; bad=0; incomplete=0; sen2hits=0
for log in "$D"/vg/*.log; do
  nlogs=$((nlogs + 1))
  pid=$(basename "$log" .log)
  if ! grep -q 'ERROR SUMMARY' "$log"; then
    # valgrind writes the summary when the process exits; none means it was killed
    incomplete=$((incomplete + 1)); bad=$((bad + 1))
    echo "== $log (pid $pid, $(appname "$pid")): no summary (process killed?)"; tail -40 "$log"
    continue
  fi
  n=$(sed -nE 's/.*ERROR SUMMARY: ([0-9]+) errors.*/\1/p' "$log" | tail -1)
  if [ "${n:-0}" -gt 0 ]; then
    bad=$((bad + 1))
    grep -qE "$sen2_frames" "$log" && sen2hits=$((sen2hits + 1))
    echo "== $log (pid $pid, session: $(appname "$pid")): $n error(s)"
    grep -vE '^==[0-9]+== ?$|Copyright|rerun with' "$log" | head -150
  fi
done
# A backend or worker dying on a signal or exiting with an unexpected code (the
# logical replication launcher always reports exit code 1 at shutdown).
crash_re='terminated by signal|was terminated by exception|(server process|startup process|checkpointer process|background writer process|WAL writer process|autovacuum launcher process) \(PID [0-9]+\) exited with exit code'
crashes=$(grep -cE "$crash_re" "$D/server.log")
echo "valgrind logs: $nlogs processes, $bad with errors ($sen2hits touching sen2 code, $incomplete incomplete); crashes in server log: $crashes"
grep -E "$crash_re" "$D/server.log" | head -10
echo "total: $(( $(date +%s) - started )) s"
[ "$nlogs" -gt 0 ] || { echo "no valgrind logs written: valgrind did not run?"; rc=1; }
[ "$bad" -eq 0 ] && [ "$crashes" -eq 0 ] || rc=1
result=$rc
exit $rc
