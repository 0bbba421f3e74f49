#!/usr/bin/env bash
# Writing the return: sen2.return_xml against the built-in ways of writing
# the same document, on generated returns of 5,000, 35,000 and 700,000
# persons (anchors.md 3.3 / 3.6).  In one run, for each size:
#   1. generate the persons with plain SQL into the staging tables (one
#      request, assessment, named plan with one plan detail, active plans
#      with one placement and one need per person: the anchors' shape);
#   2. write the document three ways -
#        sen2      sen2.return_xml (SQL nesting + sen2.xml_agg)
#        xmlagg    xmlelement per element, xmlagg over the persons
#                  (skipped above 20,000 persons: quadratic, minutes)
#        string    the same xmlelement per person, ::text, string_agg
#      and check the documents are byte-identical (md5);
#   3. time each, best of 3 warm runs in one session (1 run above 100,000
#      persons, and for xmlagg): wall clock, and the backend's own CPU time
#      from /proc/<pid>/schedstat, because on a shared machine wall time
#      mostly measures the neighbours;
#   4. report the writer's own memory (its DEBUG1 messages: the output
#      buffer, and for sen2.xml_agg the sort index) against the document
#      size: sen2.xml_agg with keys, with ORDER BY those keys, and
#      sen2.return_xml.
# Also: the writer alone, outside the database, against libxml2's
# xmlTextWriter (test/fuzz/xmlout_bench.c).
#
# usage: bench/xml_writer.sh [sizes...]      (default: 5000 35000 700000)
# Needs the extension installed in $PG_CONFIG's PostgreSQL (make install).
# 700,000 persons take a few minutes and several GB of memory.
set -euo pipefail
export LANG=C.UTF-8 LC_ALL=C.UTF-8
cd "$(dirname "$0")/.."
ROOT=$PWD
SIZES=("${@:-5000 35000 700000}")
# shellcheck disable=SC2206
SIZES=(${SIZES[*]})
. scripts/pgcluster.sh
WORK=$(mktemp -d /tmp/sen2-bench-xml.XXXXXX)
PORT=${SEN2_BENCH_PORT:-56350}
trap 'sen2_cluster_stop "$WORK"; rm -rf "$WORK"' EXIT
sen2_cluster_start "$WORK" "$PORT" "work_mem=64MB" "max_wal_size=4GB" >/dev/null
psql -X -q -c "CREATE EXTENSION sen2"

echo "== writer alone (no database): xmlout vs libxml2 xmlTextWriter"
gcc -O2 -Isrc $(pkg-config --cflags libxml-2.0) test/fuzz/xmlout_bench.c src/xmlout.c \
    -o "$WORK/xmlout_bench" $(pkg-config --libs libxml-2.0)
"$WORK/xmlout_bench" 35000

have_synth=$(psql -XAtc "SELECT to_regproc('sen2.synthesize') IS NOT NULL")
[ "$have_synth" = t ] && echo "(sen2.synthesize exists, but this bench keeps its own generator so the shape matches anchors.md 3.6)"

# --- the generator -----------------------------------------------------
generate() {  # n -> prints return_id
  psql -X -q -v ON_ERROR_STOP=1 -v n="$1" <<'SQL' >/dev/null
SELECT sen2.new_return('886', 2026, 'bench') AS rid \gset
UPDATE sen2.return SET date_time = '2026-02-01T10:00:00', dmo = 'Y', dco = 'Y', dsco = 'N' WHERE return_id = :rid;
INSERT INTO sen2.person (return_id, source_id, seq, surname, forename, person_birth_date, sex, ethnicity, post_code, upn, uln)
SELECT :rid, 'P' || g, g,
       (ARRAY['Smith','Jones','O''Brien','Williams','Brown','Nowak','Davies','Evans & Co'])[1 + g % 8],
       (ARRAY['Zoë','Siân','Oliver','Amelia','Mohammed','Chloé','Jack','Ava'])[1 + (g / 8) % 8],
       to_char(date '2005-09-01' + (g * 37) % 6000, 'YYYY-MM-DD'), (ARRAY['M','F'])[1 + g % 2],
       (ARRAY['WBRI','AIND','BAFR','MWBC','WOTH','CHNE'])[1 + g % 6],
       'ME' || (1 + g % 20) || ' ' || (g % 10) || 'AB',
       CASE WHEN g % 5 <> 0 THEN 'B801200005001' END, CASE WHEN g % 5 = 0 THEN '1234567890' END
  FROM generate_series(1, :n) g;
INSERT INTO sen2.request (return_id, person_id, seq, received_date, request_source, rya, request_outcome_date,
                          request_outcome, request_mediation, request_tribunal)
SELECT :rid, p.person_id, 1, to_char(date '2024-01-01' + (p.seq * 7) % 700, 'YYYY-MM-DD'), (p.seq % 5 + 1)::text, '0',
       to_char(date '2024-03-01' + (p.seq * 7) % 600, 'YYYY-MM-DD'), 'Y', '0', '0'
  FROM sen2.person p WHERE p.return_id = :rid;
INSERT INTO sen2.assessment (return_id, request_id, assessment_outcome, assessment_outcome_date, assessment_mediation,
                             assessment_tribunal, other_mediation, other_tribunal, week20)
SELECT :rid, q.request_id, 'Y', to_char(date '2024-06-01' + (q.request_id % 500)::int, 'YYYY-MM-DD'),
       '0', '0', '0', '0', (q.request_id % 2)::text
  FROM sen2.request q WHERE q.return_id = :rid;
INSERT INTO sen2.named_plan (return_id, assessment_id, start_date)
SELECT :rid, a.assessment_id, a.assessment_outcome_date FROM sen2.assessment a WHERE a.return_id = :rid;
INSERT INTO sen2.plan_detail (return_id, named_plan_id, seq, urn, placement_rank, sen_unit_indicator, resourced_provision_indicator)
SELECT :rid, n.named_plan_id, 1, (100000 + n.named_plan_id % 800000)::text, '1', '0', '0'
  FROM sen2.named_plan n WHERE n.return_id = :rid;
INSERT INTO sen2.active_plans (return_id, request_id, review_meeting, last_review)
SELECT :rid, q.request_id, '2025-11-01', '2025-11-20' FROM sen2.request q WHERE q.return_id = :rid;
INSERT INTO sen2.placement_detail (return_id, active_plans_id, seq, urn, placement_rank, entry_date,
                                   sen_unit_indicator, resourced_provision_indicator)
SELECT :rid, a.active_plans_id, 1, (100000 + a.active_plans_id % 800000)::text, '1', '2024-09-01', '0', '0'
  FROM sen2.active_plans a WHERE a.return_id = :rid;
INSERT INTO sen2.sen_need (return_id, active_plans_id, seq, sen_type, sen_type_rank)
SELECT :rid, a.active_plans_id, 1, (ARRAY['ASD','SEMH','SLCN','MLD'])[1 + a.active_plans_id % 4], '1'
  FROM sen2.active_plans a WHERE a.return_id = :rid;
VACUUM ANALYZE sen2.return, sen2.person, sen2.request, sen2.assessment, sen2.named_plan, sen2.plan_detail,
               sen2.active_plans, sen2.placement_detail, sen2.sen_need;
SQL
  psql -XAtc "SELECT max(return_id) FROM sen2.return WHERE label = 'bench'"
}

. bench/lib.sh   # the built-in ways of writing the document: $sql_sen2, $sql_string, $sql_xmlagg


# run_timed rid sql repeats -> "wall_ms cpu_ms bytes md5": the best of
# `repeats` runs in one session (the first run also loads the library,
# the layout and the plan), then one more run for the md5.
run_timed() {
  local rid=$1 sql=$2 reps=${3:-3}
  {
    echo "SELECT pg_backend_pid() AS bpid \\gset"
    echo "\\setenv BPID :bpid"
    echo "\\set rid $rid"
    for _ in $(seq "$reps"); do
      echo "\\! awk '{print \"cpu0\", \$1}' /proc/\$BPID/schedstat"
      echo "\\timing on"
      echo "SELECT octet_length(doc) AS bytes FROM ($sql) d;"
      echo "\\timing off"
      echo "\\! awk '{print \"cpu1\", \$1}' /proc/\$BPID/schedstat"
    done
    echo "SELECT 'md5 ' || md5(doc) FROM ($sql) d;"
  } | psql -X -q -At 2>&1 | awk '
      BEGIN {bw = 1e18; bc = 1e18}
      /^cpu0/ {c0=$2} /^Time:/ {w=$2}
      /^cpu1/ {c=($2-c0)/1e6; if (c < bc) bc = c; if (w < bw) bw = w}
      /^md5 / {m=$2} /^[0-9]+$/ {b=$1} /ERROR/ {err=$0}
      END { if (err) print "ERROR", err; else printf "%.0f %.0f %s %s\n", bw, bc, b, m }'
}

# the writer's own memory, as its DEBUG1 message reports it (sen2.xml_agg:
# buffer and sort index; sen2.return_xml: buffer and the rest)
run_mem() {
  local rid=$1 sql=$2
  { echo "\\set rid $rid"; echo "SET client_min_messages = debug1;"; echo "SELECT octet_length(doc) FROM ($sql) d;"; } |
    psql -X -q -At 2>&1 | sed -n 's/.*\(sen2.xml_agg\|sen2.return_xml\): //p'
}

printf '\n== end to end (work_mem 64MB; best of 3 warm runs, 1 above 100,000 persons and for xmlagg;\n   wall ms, and the backend CPU ms the ratio uses)\n'
printf '%-9s %-8s %12s %10s %10s %9s %9s\n' persons method bytes wall_ms cpu_ms 'vs sen2' identical
for n in "${SIZES[@]}"; do
  rid=$(generate "$n")
  reps=3; [ "$n" -gt 100000 ] && reps=1
  read -r sw sc sb sm <<<"$(run_timed "$rid" "$sql_sen2" "$reps")"
  if [ "$sw" = ERROR ]; then
    echo "$n sen2.return_xml: $sc $sb $sm"
  else
    printf '%-9s %-8s %12s %10s %10s %9s %9s\n' "$n" sen2 "$sb" "$sw" "$sc" 1.0 -
  fi
  for m in string xmlagg; do
    if [ "$m" = xmlagg ] && [ "$n" -gt 20000 ]; then
      printf '%-9s %-8s %12s %10s %10s %9s %9s\n' "$n" xmlagg - skipped - - '(quadratic)'
      continue
    fi
    sql=$sql_string; r=$reps; [ "$m" = xmlagg ] && { sql=$sql_xmlagg; r=1; }
    read -r w c b md <<<"$(run_timed "$rid" "$sql" "$r")"
    if [ "$w" = ERROR ]; then echo "$n $m: $c $b $md"; continue; fi
    same=no; [ "$md" = "$sm" ] && same=yes
    printf '%-9s %-8s %12s %10s %10s %9s %9s\n' "$n" "$m" "$b" "$w" "$c" \
      "$(awk -v a="$c" -v b="$sc" 'BEGIN {printf "%.1fx", (b > 0 ? a / b : 0)}')" "$same"
  done
  # streaming: COPY of the lines (no 1 GB limit)
  t0=$(date +%s.%N)
  psql -X -q -c "\\copy (SELECT * FROM sen2.return_xml_rows($rid)) TO '$WORK/rows.xml'"
  t1=$(date +%s.%N)
  same=no; [ "$(md5sum < "$WORK/rows.xml" | cut -d' ' -f1)" = "$(psql -XAtc "SELECT md5(sen2.return_xml_text($rid) || E'\n')" 2>/dev/null)" ] && same=yes
  printf '%-9s %-8s %12s %10.0f %10s %9s %9s\n' "$n" 'rows+COPY' "$(wc -c < "$WORK/rows.xml")" \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print (b - a) * 1000}')" - - "$same"
  # the writer's memory: sen2.xml_agg over the flat person rows, and in return_xml
  echo "$n   xml_agg over flat person rows:            $(run_mem "$rid" "SELECT sen2.xml_agg(p, r, p.seq, p.person_id)::text AS doc FROM sen2.person p JOIN sen2.return r USING (return_id) WHERE r.return_id = :rid")"
  echo "$n   the same, ORDER BY the keys:              $(run_mem "$rid" "SELECT sen2.xml_agg(p, r, p.seq, p.person_id ORDER BY p.seq, p.person_id)::text AS doc FROM sen2.person p JOIN sen2.return r USING (return_id) WHERE r.return_id = :rid")"
  echo "$n   sen2.return_xml:                          $(run_mem "$rid" "$sql_sen2")"
  psql -X -q -c "DELETE FROM sen2.return WHERE return_id = $rid" -c "VACUUM"
done
