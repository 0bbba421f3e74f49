#!/usr/bin/env bash
# Nightly validation with pg_cron.  The installed pg_cron (1.4) has no
# sub-minute schedules, and waiting for the next minute would make the test
# slow, so the test runs its own small cluster: it schedules the nightly job
# (checked in cron.job) and the same command as an @reboot job, restarts the
# cluster, and waits (at most 30 s, normally 1-2 s) until pg_cron has run it
# and the run is recorded in sen2.validation_run.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/pgcluster.sh
dir=$(mktemp -d /tmp/sen2-cron.XXXXXX)
port=$((56200 + $$ % 100))
# the cluster listens on a socket only: pg_cron runs jobs in background workers
opts=(cron.use_background_workers=on cron.database_name=postgres)
trap 'sen2_cluster_stop "$dir"; rm -rf "$dir"' EXIT
sen2_cluster_start "$dir" "$port" "${opts[@]}"

psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION sen2;
CREATE EXTENSION pg_cron;
\i test/fixtures/clean_return.sql
SELECT pg_temp.sen2_clean_return('886', 2026);
UPDATE sen2.person SET sex = 'X' WHERE source_id = 'P1';
SELECT cron.schedule('sen2-nightly', '30 2 * * *', 'SELECT count(*) FROM sen2.validate_all()');
SELECT cron.schedule('sen2-at-start', '@reboot', 'SELECT count(*) FROM sen2.validate_all()');
SQL
echo "pg_cron $(psql -X -At -c "SELECT extversion FROM pg_extension WHERE extname = 'pg_cron'")"
job=$(psql -X -At -c "SELECT schedule || ' | ' || command || ' | ' || active FROM cron.job WHERE jobname = 'sen2-nightly'")
echo "nightly job: $job"
[ "$job" = "30 2 * * * | SELECT count(*) FROM sen2.validate_all() | true" ]
[ "$(psql -X -At -c 'SELECT count(*) FROM sen2.validation_run')" = 0 ]

sen2_cluster_stop "$dir"
sen2_cluster_start "$dir" "$port" "${opts[@]}"
for i in $(seq 1 60); do
  runs=$(psql -X -At -c "SELECT count(*) FROM sen2.validation_run WHERE finished_at IS NOT NULL" 2>/dev/null || echo 0)
  [ "$runs" -ge 1 ] && break
  sleep 0.5
done
psql -X -c "SELECT run_id, return_id, errors, queries, persons, run_by, failure FROM sen2.validation_run"
psql -X -c "SELECT j.jobname, d.status, d.return_message FROM cron.job_run_details d JOIN cron.job j USING (jobid)"
[ "$runs" -ge 1 ] || { echo "pg_cron did not record a validation run"; tail -20 "$dir/server.log"; exit 1; }
[ "$(psql -X -At -c "SELECT errors || '/' || persons FROM sen2.validation_run")" = "1/9" ]
[ "$(psql -X -At -c "SELECT status FROM cron.job_run_details d JOIN cron.job j USING (jobid) WHERE j.jobname = 'sen2-at-start'")" = succeeded ]
echo ok
