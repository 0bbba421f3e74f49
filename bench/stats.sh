#!/usr/bin/env bash
# Times the statistics on an England-sized synthetic database: 700,000
# persons in 150 LA returns (bench/stats_data.sql, plain SQL) and a 50,000-row
# establishment register in the GIAS layout (bench/stats_establishments.sql,
# loaded through sen2.load_establishments).
#
#   bench/stats.sh [persons] [returns]        defaults 700000 150
#
# Needs sen2 installed for $PG_CONFIG (make install).  Starts its own cluster
# in bench/out/stats-cluster on port $SEN2_BENCH_PORT (56450), reusing the
# generated data when it is there (SEN2_BENCH_FRESH=1 regenerates it).
# SEN2_BENCH_LIVE=1 also times every published view computed live.
# For each step it prints the wall time and the CPU time of the server
# process and its parallel workers: on a shared machine the CPU time is the
# steadier figure, while wall time is what a user waits (parallel queries
# use both cores).
set -euo pipefail
cd "$(dirname "$0")/.."
PERSONS=${1:-700000}
RETURNS=${2:-150}
PORT=${SEN2_BENCH_PORT:-56450}
DIR=$PWD/bench/out/stats-cluster
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
. scripts/pgcluster.sh

mkdir -p bench/out
[ -n "${SEN2_BENCH_FRESH:-}" ] && { sen2_cluster_stop "$DIR"; rm -rf "$DIR"; }
sen2_cluster_start "$DIR" "$PORT" >/dev/null
trap 'sen2_cluster_stop "$DIR"' EXIT
export PGDATABASE=sen2_bench_stats

have=$(psql -X -At -d postgres -c "SELECT count(*) FROM pg_database WHERE datname = '$PGDATABASE'")
if [ "$have" = 1 ] && [ "$(psql -X -At -c "SELECT count(*) FROM sen2.person" 2>/dev/null || echo 0)" = "$PERSONS" ]; then
  echo "== reusing $PERSONS persons in $DIR"
  # the extension may have changed since the data was made: reinstall it
  # around the data (the staging tables are kept in a side schema)
  psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS keep CASCADE;
CREATE SCHEMA keep;
CREATE TABLE keep.return AS SELECT * FROM sen2.return;
CREATE TABLE keep.person AS SELECT * FROM sen2.person;
CREATE TABLE keep.request AS SELECT * FROM sen2.request;
CREATE TABLE keep.assessment AS SELECT * FROM sen2.assessment;
CREATE TABLE keep.named_plan AS SELECT * FROM sen2.named_plan;
CREATE TABLE keep.plan_detail AS SELECT * FROM sen2.plan_detail;
CREATE TABLE keep.active_plans AS SELECT * FROM sen2.active_plans;
CREATE TABLE keep.placement_detail AS SELECT * FROM sen2.placement_detail;
CREATE TABLE keep.sen_need AS SELECT * FROM sen2.sen_need;
DROP EXTENSION sen2 CASCADE;
CREATE EXTENSION sen2;
SET session_replication_role = replica;
INSERT INTO sen2.return OVERRIDING SYSTEM VALUE SELECT * FROM keep.return;
INSERT INTO sen2.person OVERRIDING SYSTEM VALUE SELECT * FROM keep.person;
INSERT INTO sen2.request OVERRIDING SYSTEM VALUE SELECT * FROM keep.request;
INSERT INTO sen2.assessment OVERRIDING SYSTEM VALUE SELECT * FROM keep.assessment;
INSERT INTO sen2.named_plan OVERRIDING SYSTEM VALUE SELECT * FROM keep.named_plan;
INSERT INTO sen2.plan_detail OVERRIDING SYSTEM VALUE SELECT * FROM keep.plan_detail;
INSERT INTO sen2.active_plans OVERRIDING SYSTEM VALUE SELECT * FROM keep.active_plans;
INSERT INTO sen2.placement_detail OVERRIDING SYSTEM VALUE SELECT * FROM keep.placement_detail;
INSERT INTO sen2.sen_need OVERRIDING SYSTEM VALUE SELECT * FROM keep.sen_need;
DROP SCHEMA keep CASCADE;
SQL
else
  echo "== generating $PERSONS persons in $RETURNS returns"
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $PGDATABASE" -c "CREATE DATABASE $PGDATABASE"
  psql -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION sen2"
  start=$(date +%s)
  psql -X -q -v ON_ERROR_STOP=1 -v persons="$PERSONS" -v returns="$RETURNS" -f bench/stats_data.sql >/dev/null
  echo "   generated in $(( $(date +%s) - start )) s"
fi
psql -X -q -c "VACUUM ANALYZE" >/dev/null
psql -X -At -c "SELECT format('   %s persons, %s requests, %s plans, %s placements, %s needs',
  (SELECT count(*) FROM sen2.person), (SELECT count(*) FROM sen2.request), (SELECT count(*) FROM sen2.named_plan),
  (SELECT count(*) FROM sen2.placement_detail), (SELECT count(*) FROM sen2.sen_need))"

SEN2_BENCH_DATA=$DIR/data python3 - "${SEN2_BENCH_LIVE:-}" <<'PY'
import os, subprocess, sys, time
live = bool(sys.argv[1])
p = subprocess.Popen(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1"], stdin=subprocess.PIPE,
                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
def run(sql):
    p.stdin.write(sql.strip().rstrip(";") + ";\n\\echo __END__\n"); p.stdin.flush()
    out = []
    while True:
        line = p.stdout.readline()
        if line == "":
            sys.exit("psql ended: " + "".join(out))
        if line.strip() == "__END__":
            return "".join(out).strip()
        out.append(line)
pid = int(run("SELECT pg_backend_pid()"))
postmaster = int(open(os.environ["SEN2_BENCH_DATA"] + "/postmaster.pid").readline())
hz = os.sysconf("SC_CLK_TCK")
# CPU of the session's backend plus that of the parallel workers it started:
# a worker's time is added to the postmaster's children's time when it ends
def cpu():
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    m = open(f"/proc/{postmaster}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12]) + int(m[13]) + int(m[14])) * 1000.0 / hz
totals = {}
def timed(label, sql, group):
    c0, t0 = cpu(), time.time()
    out = run(sql)
    wall, used = (time.time() - t0) * 1000, cpu() - c0
    w, c = totals.get(group, (0, 0)); totals[group] = (w + wall, c + used)
    print(f"   {label:46s} {wall:9.0f} ms wall {used:9.0f} ms cpu   {out.splitlines()[-1][:30] if out else ''}")

print("== establishment register (50,000 rows, 133 columns, 48 MB)")
run("\\i bench/stats_establishments.sql")
timed("sen2.load_establishments", "SELECT sen2.load_establishments(csv) FROM bench_gias_csv", "load")
run("DROP TABLE bench_gias_csv")
run("ANALYZE sen2.establishment")
# the data just written is flushed now, not by the checkpointer during a timing
run("CHECKPOINT")

views = ["stat_caseload", "stat_new_plans", "stat_primary_need", "stat_requests", "stat_assessments",
         "stat_timeliness", "stat_annual_reviews", "stat_personal_budgets", "stat_residential",
         "stat_work_based", "stat_ceased", "stat_designated_officers"]
print("== statistics from stored facts (use_cache on)")
# The first refresh of a new install grows the empty table by every row;
# later ones write into the space autovacuum frees from the rows the one
# before replaced (as a nightly refresh does), so both are timed.
timed("sen2.refresh_statistics(), first (table grows)", "SELECT sen2.refresh_statistics()", "first refresh")
run("VACUUM sen2.stat_case_cache")
run("CHECKPOINT")
timed("sen2.refresh_statistics()", "SELECT sen2.refresh_statistics()", "stored")
run("VACUUM sen2.stat_case_cache")
timed("sen2.refresh_statistics(one return)",
      "SELECT sen2.refresh_statistics(ARRAY[(SELECT max(return_id) FROM sen2.return)])", "one return")
run("SET sen2.use_cache = on")
for v in views:
    timed(f"sen2.{v}", f"SELECT count(*) FROM (SELECT * FROM sen2.{v} OFFSET 0) x", "stored")
print("== beyond the published tables (stored facts)")
for label, sql in [("sen2.overdue_reviews_at_census", "SELECT count(*) FROM sen2.overdue_reviews_at_census"),
                   ("sen2.stage_waits", "SELECT count(*) FROM (SELECT * FROM sen2.stage_waits OFFSET 0) x"),
                   ("sen2.open_cases_overdue(NULL)", "SELECT count(*) FROM sen2.open_cases_overdue(NULL)"),
                   ("sen2.compare_returns(first, second)",
                    "SELECT count(*) FROM sen2.compare_returns((SELECT min(return_id) FROM sen2.return), (SELECT min(return_id) + 1 FROM sen2.return))"),
                   ("sen2.unknown_urn", "SELECT count(*) FROM sen2.unknown_urn")]:
    timed(label, sql, "beyond")
run("RESET sen2.use_cache")
if live:
    print("== statistics computed live (use_cache off)")
    for v in views:
        timed(f"sen2.{v}", f"SELECT count(*) FROM (SELECT * FROM sen2.{v} OFFSET 0) x", "live")
print("== totals")
for g, (w, c) in totals.items():
    print(f"   {g:46s} {w/1000:9.1f} s  wall {c/1000:9.1f} s  cpu")
PY
