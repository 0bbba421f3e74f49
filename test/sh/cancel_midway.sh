#!/usr/bin/env bash
# Faults in the middle of a long operation.  For each operation this build
# has (always sen2.copy_return of a large return built with plain SQL; also
# sen2.validate, sen2.return_xml, sen2.load_xml, sen2.validate_xml and
# sen2.synthesize when they exist):
#   1. run it once to completion, timed, and undo its result;
#   2. start it again, and pg_cancel_backend it when about 40% of that time
#      has passed;
#   3. the same with pg_terminate_backend (the session is ended);
# and check each time that it really was stopped mid-way (the error came
# back, and for writers the statistics system counted rows inserted then
# rolled back), that every table in schema sen2 has exactly the rows it had
# before (no partial return, no orphan rows), that no lock or session is left,
# and that the server still answers.
# Finally, in a private cluster, a backend copying a large return is killed
# with SIGKILL (as a crash in C code would end it): the postmaster resets,
# recovers, and the return is absent while everything else is intact.
# SEN2_FAULT_PERSONS sets the size of the large return (default 5000);
# SEN2_FAULT_NO_KILL=1 skips the SIGKILL part (test/sh/slow/valgrind.sh runs
# this script against its valgrind cluster that way, with a small return).
# See docs/hardening.md.
set -uo pipefail
export LANG=C.UTF-8 LC_ALL=C.UTF-8
cd "$(dirname "$0")/../.."
. scripts/pgcluster.sh
persons=${SEN2_FAULT_PERSONS:-5000}
db=sen2_cancel
own=
if [ -z "${PGHOST:-}" ]; then
  own=$(mktemp -d /tmp/sen2-cancel.XXXXXX)
  sen2_cluster_start "$own" "$((56700 + $$ % 50))" || exit 1
fi
work=$(mktemp -d "${SEN2_TEST_WORK:-/tmp}/cancel.XXXXXX")
[ "$(id -u)" -eq 0 ] && chown postgres: "$work"
priv=
cleanup() {
  [ -n "$priv" ] && { sen2_cluster_stop "$priv"; rm -rf "$priv"; }
  dropdb --if-exists $db 2>/dev/null
  [ -n "$own" ] && { sen2_cluster_stop "$own"; rm -rf "$own"; }
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d $db "$@"; }
has() { [ "$(q -c "SELECT count(*) FROM pg_proc WHERE pronamespace = 'sen2'::regnamespace AND proname = '$1'")" -gt 0 ]; }
now_ms() { date +%s%3N; }
# wait until no other session is connected to the database: a backend whose
# client has gone may still be flushing its statistics
quiesce() {
  for _ in $(seq 1 100); do
    [ "$(q -c "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")" = 0 ] && return 0
    sleep 0.05
  done
}

dropdb --if-exists $db 2>/dev/null
createdb $db || fail "createdb"
q -c "CREATE EXTENSION sen2" -f bench/pgbench/setup.sql >/dev/null || fail "setup"
t0=$(now_ms)
big=$(q -c "SELECT bench.build_return('202', 2026, $persons, 'large')") || fail "build the large return"
echo "large return $big built with plain SQL in $(( $(now_ms) - t0 )) ms: $(q -c "SELECT bench.shape($big)")"
# as after any bulk load: without statistics some plans are 100 times slower
q -c "ANALYZE"

# the operations: name, SQL, undo (SQL run after the serial run), writes rows?
ops=(copy)
declare -A op_sql op_undo op_writes
op_sql[copy]="SELECT sen2.copy_return($big)"
op_undo[copy]="DELETE FROM sen2.return WHERE return_id = %s"
op_writes[copy]=1
absent=""
if has validate; then
  ops+=(validate)
  op_sql[validate]="SELECT count(*) FROM sen2.validate($big)"
  op_undo[validate]=""                   # its run record stays; counts are taken after it
  op_writes[validate]=0
else absent+=" validate"; fi
if has return_xml; then
  ops+=(return_xml)
  op_sql[return_xml]="SELECT length(sen2.return_xml($big)::text)"
  op_undo[return_xml]=""
  op_writes[return_xml]=0
else absent+=" return_xml"; fi
if has load_xml && has return_xml; then
  q -c "CREATE TABLE bench_doc AS SELECT sen2.return_xml($big)::text AS doc" || fail "return_xml of the large return"
  ops+=(load_xml)
  op_sql[load_xml]="SELECT sen2.load_xml(doc) FROM bench_doc"
  op_undo[load_xml]="DELETE FROM sen2.return WHERE return_id = %s"
  op_writes[load_xml]=1
else absent+=" load_xml"; fi
if has validate_xml && has return_xml; then
  q -c "CREATE TABLE IF NOT EXISTS bench_doc AS SELECT sen2.return_xml($big)::text AS doc" || fail "return_xml of the large return"
  ops+=(validate_xml)
  op_sql[validate_xml]="SELECT count(*) FROM bench_doc, sen2.validate_xml(doc)"
  op_undo[validate_xml]=""
  op_writes[validate_xml]=0
else absent+=" validate_xml"; fi
if has synthesize; then
  ops+=(synthesize)
  op_sql[synthesize]="SELECT sen2.synthesize('203', 2026, $persons, 7, 0.05)"
  op_undo[synthesize]="DELETE FROM sen2.return WHERE return_id = %s"
  op_writes[synthesize]=1
else absent+=" synthesize"; fi
echo "operations: ${ops[*]}${absent:+ (not in this build:$absent)}"

# run_timed NAME: runs the operation to completion; sets res to its result
# and serial_ms to its time in the server (psql's \timing, no connection)
run_timed() {
  local out
  out=$(psql -X -q -At -v ON_ERROR_STOP=1 -d $db -c '\timing on' -c "${op_sql[$1]}") || return 1
  serial_ms=$(printf '%s\n' "$out" | sed -nE 's/^Time: ([0-9]+)\..*/\1/p' | tail -1)
  res=$(printf '%s\n' "$out" | grep -v '^Time: ' | head -1)
}

# start_op NAME: runs the operation in the background; the session first
# writes its backend pid to a file, then starts the operation at once, so the
# delay before a signal is measured from the operation's start
start_op() {
  rm -f "$work/pid"
  PGAPPNAME="sen2_fault_$1" psql -X -At -d $db >"$work/$1.out" 2>"$work/$1.err" <<SQL &
SELECT pg_backend_pid() \g $work/pid
${op_sql[$1]};
SQL
  bg=$!
  local i
  for i in $(seq 1 1000); do
    [ -s "$work/pid" ] && { pid=$(cat "$work/pid"); return 0; }
    sleep 0.005
  done
  fail "$1 did not start"
}

# interrupt NAME HOW DELAY_MS: start NAME, then HOW (cancel|terminate) it
# after DELAY_MS; returns 0 when it was stopped before finishing.
interrupt() {
  local name=$1 how=$2 delay=$3 want
  start_op "$name"
  sleep "$(awk -v d="$delay" 'BEGIN {printf "%.3f", d / 1000}')"
  local t_sig; t_sig=$(now_ms)
  q -c "SELECT pg_${how}_backend($pid)" >/dev/null 2>&1
  wait $bg
  react_ms=$(( $(now_ms) - t_sig ))
  [ "$how" = cancel ] && want="canceling statement due to user request" ||
                         want="terminating connection due to administrator command"
  if grep -q "$want" "$work/$name.err"; then return 0; fi
  [ -s "$work/$name.out" ] && return 1        # finished first
  cat "$work/$name.err"; fail "$name ($how): neither finished nor stopped as expected"
}

checks=0
for name in "${ops[@]}"; do
  run_timed "$name" || fail "serial $name"
  [ -n "${op_undo[$name]}" ] && q -c "$(printf "${op_undo[$name]}" "$res")" >/dev/null
  before=$(q -c "SELECT bench.table_counts()")
  orphans_before=$(q -c "SELECT bench.module_counts()")
  for how in cancel terminate; do
    quiesce
    ins0=$(q -c "SELECT bench.rows_inserted()")
    # at 40% of its serial time; if it finished first (a fast operation on a
    # busy machine), again at 10%, then at once
    stopped=
    for pct in 40 10 0; do
      delay=$(( serial_ms * pct / 100 ))
      interrupt "$name" $how $delay && { stopped=1; break; }
      [ -n "${op_undo[$name]}" ] && q -c "$(printf "${op_undo[$name]}" "$(head -1 "$work/$name.out")")" >/dev/null
      before=$(q -c "SELECT bench.table_counts()")
      quiesce
      ins0=$(q -c "SELECT bench.rows_inserted()")
    done
    [ -n "$stopped" ] || fail "$name finished each time before it could be stopped ($how)"
    # the session is gone (terminate) or idle (cancel, then psql quit) and holds no lock
    for _ in $(seq 1 100); do
      [ "$(q -c "SELECT count(*) FROM pg_stat_activity WHERE pid = $pid")" = 0 ] && break
      sleep 0.05
    done
    left=$(q -c "SELECT count(*) FROM pg_stat_activity WHERE pid = $pid")
    locks=$(q -c "SELECT count(*) FROM pg_locks WHERE pid = $pid")
    [ "$left" = 0 ] && [ "$locks" = 0 ] || fail "$name ($how): backend $pid still there ($left) or holding $locks locks"
    after=$(q -c "SELECT bench.table_counts()")
    [ "$after" = "$before" ] || fail "$name ($how) left rows behind:
  before: $before
  after:  $after"
    [ "$(q -c "SELECT bench.module_counts()")" = "$orphans_before" ] || fail "$name ($how): module tables changed"
    # rows written and rolled back (stats are flushed when the backend ends)
    undone=0
    for _ in $(seq 1 40); do
      undone=$(( $(q -c "SELECT bench.rows_inserted()") - ins0 ))
      [ "$undone" -gt 0 ] && break
      [ "${op_writes[$name]}" = 1 ] || break
      sleep 0.05
    done
    if [ "${op_writes[$name]}" = 1 ] && [ "$undone" -le 0 ]; then
      fail "$name ($how) at $delay ms: no rows had been written yet, so this was not mid-way"
    fi
    done_word=$([ $how = cancel ] && echo cancelled || echo terminated)
    echo "ok: $name $done_word at $delay ms of $serial_ms ms, gone $react_ms ms after the signal: $undone rows written and rolled back; all sen2 tables unchanged, no session or lock left"
    # an operation that does not look at interrupts runs on to its end
    [ "$react_ms" -le $(( serial_ms + 2000 )) ] || fail "$name took $react_ms ms to stop after $how"
    checks=$((checks + 1))
  done
done
q -c "SELECT 1" >/dev/null || fail "server does not answer"
echo "server up; $(q -c "SELECT bench.module_counts()")"

# --- SIGKILL of a backend, in a cluster of our own --------------------------
if [ -n "${SEN2_FAULT_NO_KILL:-}" ]; then
  echo "ok: $checks cancel/terminate checks over: ${ops[*]} (SIGKILL part skipped: SEN2_FAULT_NO_KILL)"
  exit 0
fi
priv=$(mktemp -d /tmp/sen2-kill.XXXXXX)
(
  sen2_cluster_start "$priv" "$((56750 + $$ % 50))" || exit 1
  createdb $db && q -c "CREATE EXTENSION sen2" -f bench/pgbench/setup.sql >/dev/null || exit 1
  kbig=$(q -c "SELECT bench.build_return('204', 2026, $persons, 'large')") || exit 1
  before=$(q -c "SELECT bench.table_counts()")
  op_sql[copy]="SELECT sen2.copy_return($kbig)"
  run_timed copy || exit 1
  q -c "DELETE FROM sen2.return WHERE return_id = $res" >/dev/null
  start_op copy
  sleep "$(awk -v d="$((serial_ms * 40 / 100))" 'BEGIN {printf "%.3f", d / 1000}')"
  kill -KILL "$pid"
  wait $bg
  grep -q "server closed the connection unexpectedly\|terminating connection" "$work/copy.err" || { cat "$work/copy.err" "$work/copy.out"; echo "FAIL: the copy was not killed mid-way"; exit 1; }
  for _ in $(seq 1 200); do "$PGBIN/pg_isready" -q && q -c "SELECT 1" >/dev/null 2>&1 && break; sleep 0.1; done
  q -c "SELECT 1" >/dev/null || { tail -20 "$priv/server.log"; echo "FAIL: server did not come back"; exit 1; }
  grep -q "was terminated by signal 9" "$priv/server.log" || { echo "FAIL: no crash reset in the server log"; exit 1; }
  grep -q "database system is ready to accept connections" "$priv/server.log" || exit 1
  after=$(q -c "SELECT bench.table_counts()")
  [ "$after" = "$before" ] || { echo "FAIL: after SIGKILL and recovery:
  before: $before
  after:  $after"; exit 1; }
  echo "ok: copy killed with SIGKILL at $((serial_ms * 40 / 100)) ms of $serial_ms ms: server reset and recovered, all sen2 tables as before"
) || fail "SIGKILL part"
echo "ok: $checks cancel/terminate checks over: ${ops[*]}; SIGKILL + recovery"
