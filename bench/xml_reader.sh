#!/usr/bin/env bash
# How fast does sen2 read SEN2 XML files?  For returns of 5,000, 35,000 and
# 700,000 persons (override with SIZES="5000 35000"):
#
#   file       a return made by test/fixtures/gen_sen2_xml.sql, loaded, then
#              written back by the writer (sen2.return_xml_rows through COPY):
#              the file the bench reads is the writer's
#   xmllint    the floor: libxml2 merely parsing the bytes
#              (xmllint --stream --noout FILE)
#   core       the reader's own parsing and mapping, no database
#              (test/fuzz/xmlin_dump -s -q: src/xmlin.c streaming the file)
#   load_file  sen2.load_xml_file(path): stream from the server's disk into
#              the staging tables, in a database with empty tables
#   load_bytea sen2.load_xml(pg_read_binary_file(path)): the same, the whole
#              file as one value first (up to 35,000 persons)
#   validate   sen2.validate_xml(doc) on the same file, when the extension has
#              it (up to 35,000 persons: a value is at most 1 GB)
#   sql_copy   the database's own share: the same rows copied table to table
#              with INSERT ... SELECT (same keys, indexes, foreign keys and
#              checks), no XML at all
#
# Each load runs REPS times (default 1), each in a new database (not on
# emptied tables: see docs/xml-reader.md on TRUNCATE and foreign-key plans);
# the best is shown, as wall/cpu seconds: cpu is the backend's own CPU time,
# which other work on the machine inflates far less than the wall time.
# bytea/lint is load_bytea's wall time over the xmllint floor's.
# Uses PGHOST etc. if set, else its own cluster on a port in 56600-56699.
#
#   bench/xml_reader.sh
#   SIZES="5000 35000" REPS=3 bench/xml_reader.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"5000 35000 700000"}
REPS=${REPS:-1}
work=$(mktemp -d /tmp/sen2-bench-xml.XXXXXX)
chmod 755 "$work"

if [ -z "${PGHOST:-}" ]; then
  . scripts/pgcluster.sh
  trap 'sen2_cluster_stop "$work/cluster"; rm -rf "$work"' EXIT
  sen2_cluster_start "$work/cluster" $((56650 + $$ % 40)) shared_buffers=256MB
else
  trap 'rm -rf "$work"' EXIT
fi

gcc -O2 -Isrc -Itest/fuzz $(pkg-config --cflags libxml-2.0) test/fuzz/xmlin_dump.c src/xmlin.c \
    $(pkg-config --libs libxml-2.0) -o "$work/xmlin_dump"

secs() {  # run a command, print its wall time in seconds
  local t0 t1
  t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }'
}
# time one SQL statement inside the server (no connection or transfer cost):
# "wall/cpu", cpu being the backend's own user + system time
# (/proc/<pid>/stat), which other work on the machine inflates far less
sql_secs() {
  local out
  out=$(psql -X -At -v ON_ERROR_STOP=1 -d "$1" <<SQL | tail -1
SELECT pg_backend_pid() AS pid \gset
\setenv SEN2_BENCH_PID :pid
\! awk '{ print \$14 + \$15 }' /proc/\$SEN2_BENCH_PID/stat > $work/cpu0
SELECT clock_timestamp() AS t0 \gset
$2
SELECT round(extract(epoch FROM clock_timestamp() - :'t0')::numeric, 2);
\! awk '{ print \$14 + \$15 }' /proc/\$SEN2_BENCH_PID/stat > $work/cpu1
SQL
)
  awk -v w="$out" -v a="$(cat "$work/cpu0")" -v b="$(cat "$work/cpu1")" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.2f/%.2f", w, (b - a) / hz }'
}
best() { printf '%s\n' "$@" | sort -n | head -1; }

# copy return $2 to a new return with INSERT ... SELECT, keys shifted by 10^12
copy_sql() {
  cat <<SQL
DO \$\$
DECLARE
  nr bigint;
  t text;
  cols text;
  sel text;
BEGIN
  INSERT INTO sen2.return (la_code, collection_year, origin) VALUES ('886', 2024, 'tables') RETURNING return_id INTO nr;
  FOREACH t IN ARRAY ARRAY['person', 'request', 'assessment', 'named_plan', 'plan_detail',
                           'active_plans', 'placement_detail', 'sen_need'] LOOP
    SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position),
           string_agg(CASE WHEN column_name = 'return_id' THEN nr::text
                           WHEN data_type = 'bigint' THEN quote_ident(column_name) || ' + 1000000000000'
                           ELSE quote_ident(column_name) END, ', ' ORDER BY ordinal_position)
      INTO cols, sel
      FROM information_schema.columns WHERE table_schema = 'sen2' AND table_name = t;
    EXECUTE format('INSERT INTO sen2.%I (%s) OVERRIDING SYSTEM VALUE SELECT %s FROM sen2.%I WHERE return_id = %s',
                   t, cols, sel, t, $1);
  END LOOP;
END
\$\$;
SQL
}

has_validate=
printf '%-8s %6s %7s %5s %10s %10s %10s %10s %9s %8s\n' persons MB xmllint core load_file load_bytea validate sql_copy persons/s bytea/lint
for n in $SIZES; do
  db=sen2_bench_xml_$n
  dropdb --if-exists $db 2>/dev/null || true
  createdb $db
  psql -X -q -d $db -c "SET client_min_messages = warning" -c "CREATE EXTENSION sen2"
  [ -n "$(psql -X -At -d $db -c "SELECT 1 FROM pg_proc WHERE proname = 'validate_xml'")" ] && has_validate=1

  # the file: generated, loaded, written by the writer
  psql -X -At -v ON_ERROR_STOP=1 -v FETCH_COUNT=5000 -v persons=$n -v la=886 \
       -f test/fixtures/gen_sen2_xml.sql -d $db > "$work/gen.xml"
  chmod 644 "$work/gen.xml"
  id=$(psql -X -At -v ON_ERROR_STOP=1 -d $db -c "SELECT sen2.load_xml_file('$work/gen.xml')")
  psql -X -q -v ON_ERROR_STOP=1 -d $db -c "\\copy (SELECT * FROM sen2.return_xml_rows($id)) TO '$work/f.xml'"
  chmod 644 "$work/f.xml"
  rm -f "$work/gen.xml"
  mb=$(awk -v s="$(stat -c %s "$work/f.xml")" 'BEGIN { printf "%.1f", s / 1048576 }')

  floor=$(secs xmllint --stream --noout "$work/f.xml")
  core=$(secs "$work/xmlin_dump" -s -q "$work/f.xml")
  lf=(); lb=(); va=(); sc=()
  fresh() {
    dropdb --if-exists $db 2>/dev/null || true
    createdb $db
    psql -X -q -d $db -c "SET client_min_messages = warning" -c "CREATE EXTENSION sen2"
  }
  for r in $(seq "$REPS"); do
    fresh
    lf+=("$(sql_secs $db "SELECT sen2.load_xml_file('$work/f.xml');")")
    rid=$(psql -X -At -d $db -c "SELECT max(return_id) FROM sen2.return")
    sc+=("$(sql_secs $db "$(copy_sql $rid)")")
    if [ "$n" -le 35000 ]; then
      fresh
      lb+=("$(sql_secs $db "SELECT sen2.load_xml(pg_read_binary_file('$work/f.xml'));")")
      if [ -n "$has_validate" ]; then
        va+=("$(sql_secs $db "SELECT count(*) FROM sen2.validate_xml(pg_read_binary_file('$work/f.xml'));")")
      fi
    fi
  done
  f=$(best "${lf[@]}")
  b=$([ ${#lb[@]} -gt 0 ] && best "${lb[@]}" || echo -)
  v=$([ ${#va[@]} -gt 0 ] && best "${va[@]}" || echo -)
  c=$(best "${sc[@]}")
  rate=$(awk -v n=$n -v t="${f%%/*}" 'BEGIN { printf "%d", n / t }')
  ratio=$([ "$b" != - ] && awk -v t="${b%%/*}" -v l="$floor" 'BEGIN { printf "%.1f", t / l }' || echo -)
  printf '%-8s %6s %7s %5s %10s %10s %10s %10s %9s %8s\n' $n $mb $floor $core $f $b $v $c $rate $ratio
  dropdb $db
  rm -f "$work/f.xml"
done
