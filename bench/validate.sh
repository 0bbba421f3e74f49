#!/usr/bin/env bash
# How fast is sen2.validate?  In one run, on the same return:
#   validate_builtin  the built-in rules in C (no history written)
#   validate          the full run: built-in rules + recording the run and findings
#   floor             a bare scan of the same rows: the queries the loader runs
#                     (same joins and order; bench/validate_baselines.sql keeps
#                     them in step with src/model_load.c), read to the end,
#                     no checks
#   plain SQL         a representative subset of 12 checks written as plain SQL
#                     (a union of queries, as an SQL-only validator would do)
# at 35,000 and 700,000 persons (override with SIZES="35000 700000").
#
# Data: sen2.synthesize if the extension has it, otherwise the small generator
# below (about 1.3 requests, 1.1 plan details, 1.2 placements and 1.5 needs
# per person; a few deliberate faults so findings are written).
#
#   bench/validate.sh            # uses PGHOST etc. if set, else its own cluster
#   REPS=3 SIZES=35000 bench/validate.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"35000 700000"}
REPS=${REPS:-3}

if [ -z "${PGHOST:-}" ]; then
  . scripts/pgcluster.sh
  dir=$(mktemp -d /tmp/sen2-bench.XXXXXX)
  trap 'sen2_cluster_stop "$dir"; rm -rf "$dir"' EXIT
  sen2_cluster_start "$dir" $((56250 + $$ % 50)) shared_buffers=256MB work_mem=16MB
fi
db=sen2_bench_validate
dropdb --if-exists $db 2>/dev/null || true
createdb $db
export PGDATABASE=$db
psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION sen2;
-- the loader's cursors run serially: compare like with like
ALTER DATABASE sen2_bench_validate SET max_parallel_workers_per_gather = 0;

-- A valid UPN for a number: LA 886, establishment and serial from n.
CREATE FUNCTION bench_upn(n bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT substr('ABCDEFGHJKLMNPQRTUVWXYZ',
                (SELECT sum((k + 1) * substr(r, k, 1)::int) FROM generate_series(1, 12) k)::int % 23 + 1, 1) || r
    FROM (SELECT '886' || lpad((n % 10000)::text, 4, '0') || '15' || lpad((n / 10000 % 1000)::text, 3, '0') AS r) s
$$;

CREATE FUNCTION bench_return(n int) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  rid bigint;
  rd  date;
  ps  date;
BEGIN
  IF to_regproc('sen2.synthesize') IS NOT NULL THEN
    EXECUTE 'SELECT sen2.synthesize($1, $2, $3, 1)' INTO rid USING '886', 2026, n;
    RETURN rid;
  END IF;
  rid := sen2.new_return('886', 2026, 'bench ' || n);
  SELECT reference_date, period_start INTO rd, ps FROM sen2.collection WHERE collection_year = 2026;
  UPDATE sen2.return SET dmo = 'Y', dco = 'Y', dsco = 'N' WHERE return_id = rid;
  INSERT INTO sen2.person (return_id, source_id, seq, surname, forename, person_birth_date, sex, ethnicity,
                           post_code, upn)
  SELECT rid, 'P' || i, i, 'Surname' || i, 'Forename' || (i % 997),
         to_char(rd - 1600 - (i * 37) % 6000, 'YYYY-MM-DD'), CASE WHEN i % 2 = 0 THEN 'M' ELSE 'F' END,
         (ARRAY['WBRI', 'WOTH', 'AIND', 'BAFR', 'MWBA', 'CHNE'])[1 + i % 6], 'CT1 1AA',
         CASE WHEN i % 500 = 7 THEN 'X886200015001' ELSE bench_upn(i) END  -- 0.2% bad UPNs
    FROM generate_series(1, n) i;
  -- request 1: a plan (60% historical with reviews, 40% issued in the period)
  INSERT INTO sen2.request (return_id, person_id, source_id, seq, received_date, request_source, rya,
                            request_outcome_date, request_outcome, request_mediation, request_tribunal)
  SELECT rid, p.person_id, p.source_id || '-R1', 1,
         CASE WHEN p.seq % 5 < 3 THEN to_char(rd - 1500, 'YYYY-MM-DD') ELSE to_char(ps + p.seq % 200, 'YYYY-MM-DD') END,
         CASE WHEN p.seq % 5 < 3 THEN NULL ELSE '1' END, '0',
         CASE WHEN p.seq % 5 < 3 THEN NULL ELSE to_char(ps + p.seq % 200 + 30, 'YYYY-MM-DD') END,
         CASE WHEN p.seq % 5 < 3 THEN 'H' ELSE 'Y' END, '0', '0'
    FROM sen2.person p WHERE p.return_id = rid;
  -- request 2 for a third of persons: refused in the period
  INSERT INTO sen2.request (return_id, person_id, source_id, seq, received_date, request_source, rya,
                            request_outcome_date, request_outcome, request_mediation, request_tribunal)
  SELECT rid, p.person_id, p.source_id || '-R2', 2, to_char(ps + 10, 'YYYY-MM-DD'), '2', '0',
         to_char(ps + 40 + p.seq % 10, 'YYYY-MM-DD'), 'N', '0', '0'
    FROM sen2.person p WHERE p.return_id = rid AND p.seq % 3 = 0;
  INSERT INTO sen2.assessment (return_id, request_id, source_id, assessment_outcome, assessment_outcome_date,
                               assessment_mediation, assessment_tribunal, other_mediation, other_tribunal, week20)
  SELECT rid, r.request_id, r.source_id || '-A', r.request_outcome,
         CASE WHEN r.request_outcome = 'Y' THEN to_char(sen2.iso_date(r.received_date) + 120, 'YYYY-MM-DD') END,
         '0', '0', '0', '0', CASE WHEN r.request_outcome = 'Y' THEN '0' END
    FROM sen2.request r WHERE r.return_id = rid AND r.seq = 1;
  INSERT INTO sen2.named_plan (return_id, assessment_id, source_id, start_date, pb)
  SELECT rid, a.assessment_id, a.source_id || '-N',
         coalesce(a.assessment_outcome_date, to_char(rd - 1400, 'YYYY-MM-DD')), '0'
    FROM sen2.assessment a WHERE a.return_id = rid;
  INSERT INTO sen2.plan_detail (return_id, named_plan_id, source_id, seq, urn, placement_rank,
                                sen_unit_indicator, resourced_provision_indicator)
  SELECT rid, n.named_plan_id, n.source_id || '-D' || k, k, lpad((100000 + n.named_plan_id % 20000)::text, 6, '0'),
         k::text, '0', '0'
    FROM sen2.named_plan n CROSS JOIN generate_series(1, 2) k
   WHERE n.return_id = rid AND (k = 1 OR n.named_plan_id % 10 = 0);
  INSERT INTO sen2.active_plans (return_id, request_id, source_id, review_meeting, review_outcome, last_review)
  SELECT rid, r.request_id, r.source_id || '-AP',
         CASE WHEN r.request_outcome = 'H' THEN to_char(rd - 100 - (r.request_id % 200)::int, 'YYYY-MM-DD') END,
         CASE WHEN r.request_outcome = 'H' THEN 'M' END,
         CASE WHEN r.request_outcome = 'H' THEN to_char(rd - 90 - (r.request_id % 200)::int, 'YYYY-MM-DD') END
    FROM sen2.request r WHERE r.return_id = rid AND r.seq = 1;
  INSERT INTO sen2.placement_detail (return_id, active_plans_id, source_id, seq, urn, placement_rank, entry_date,
                                     leaving_date, sen_unit_indicator, resourced_provision_indicator)
  SELECT rid, ap.active_plans_id, ap.source_id || '-PD' || k, k, lpad((100000 + ap.active_plans_id % 20000)::text, 6, '0'),
         '1', CASE k WHEN 1 THEN n.start_date ELSE to_char(ps + 200, 'YYYY-MM-DD') END,
         CASE WHEN k = 1 AND ap.active_plans_id % 5 = 0 THEN to_char(ps + 200, 'YYYY-MM-DD') END, '0', '0'
    FROM sen2.active_plans ap
    JOIN sen2.assessment a ON a.request_id = ap.request_id
    JOIN sen2.named_plan n ON n.assessment_id = a.assessment_id
    CROSS JOIN generate_series(1, 2) k
   WHERE ap.return_id = rid AND (k = 1 OR ap.active_plans_id % 5 = 0);
  INSERT INTO sen2.sen_need (return_id, active_plans_id, source_id, seq, sen_type, sen_type_rank)
  SELECT rid, ap.active_plans_id, ap.source_id || '-S' || k, k, (ARRAY['ASD', 'SLCN'])[k], k::text
    FROM sen2.active_plans ap CROSS JOIN generate_series(1, 2) k
   WHERE ap.return_id = rid AND (k = 1 OR ap.active_plans_id % 2 = 0);
  RETURN rid;
END
$$;

\i bench/validate_baselines.sql

-- Best of reps wall-clock milliseconds of a query.
CREATE FUNCTION bench_ms(q text, reps int) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz;
  best numeric;
  ms numeric;
BEGIN
  FOR i IN 1 .. reps LOOP
    t0 := clock_timestamp();
    EXECUTE q;
    ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
    best := least(coalesce(best, ms), ms);
  END LOOP;
  RETURN round(best);
END
$$;
SQL

printf '%-9s %-9s %-10s %9s %9s %9s %9s %9s\n' persons rows findings builtin validate floor plain_sql gen_s
for n in $SIZES; do
  t0=$(date +%s.%N)
  rid=$(psql -X -At -c "SELECT bench_return($n)")
  psql -X -q -c "VACUUM ANALYZE" >/dev/null
  gen=$(echo "$(date +%s.%N) - $t0" | bc)
  rows=$(psql -X -At -c "SELECT bench_floor($rid)")
  findings=$(psql -X -At -c "SELECT count(*) FROM sen2.validate_builtin($rid)")
  line=$(psql -X -At -F' ' -c "SELECT bench_ms('SELECT count(*) FROM sen2.validate_builtin($rid)', $REPS),
                                      bench_ms('SELECT count(*) FROM sen2.validate($rid)', $REPS),
                                      bench_ms('SELECT bench_floor($rid)', $REPS),
                                      bench_ms('SELECT bench_plain_sql($rid)', $REPS)")
  set -- $line
  printf '%-9s %-9s %-10s %8sms %8sms %8sms %8sms %9.1f\n' "$n" "$rows" "$findings" "$1" "$2" "$3" "$4" "$gen"
  [ -n "${KEEP:-}" ] || psql -X -q -c "DELETE FROM sen2.return WHERE return_id = $rid" -c "TRUNCATE sen2.validation_finding, sen2.validation_run" >/dev/null
done
[ -n "${KEEP:-}" ] || psql -X -q -d postgres -c "DROP DATABASE $db" >/dev/null 2>&1 || true
