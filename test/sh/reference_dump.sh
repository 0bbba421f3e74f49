#!/usr/bin/env bash
# An authority's corrections to the reference data (origin = 'local' rows)
# survive pg_dump and restore; the built-in rows come back from CREATE
# EXTENSION and are not duplicated.
set -euo pipefail
. test/sh/lib/dump.sh
dump_dbs sen2_refdump
psql -X -q -v ON_ERROR_STOP=1 -d $src <<'SQL'
CREATE EXTENSION sen2;
SQL
psql -X -q -v ON_ERROR_STOP=1 -d $src <<'SQL'
INSERT INTO sen2.ref_code (collection_year, code_set, code, label, in_use) VALUES (2026, 'sex', 'U', 'Unknown', false);
INSERT INTO sen2.ref_collection (collection_year, reference_date, period_start, period_end)
     VALUES (2028, '2028-01-20', '2027-01-01', '2027-12-31');
INSERT INTO sen2.ref_la (la_code, kind, first_year, name) VALUES ('944', 'england', 2027, 'A new authority');
SQL
dump_restore
count() { psql -X -At -d "$1" -c "
  SELECT (SELECT count(*) FROM sen2.code WHERE collection_year = 2026 AND code_set = 'sex') || ',' ||
         (SELECT count(*) FROM sen2.collection WHERE collection_year = 2028) || ',' ||
         (SELECT count(*) FROM sen2.la WHERE la_code = '944') || ',' ||
         (SELECT count(*) FROM sen2.ref_code WHERE origin = 'builtin')"; }
same_in_both count && [ "${was%,*}" = "2,1,1" ]
