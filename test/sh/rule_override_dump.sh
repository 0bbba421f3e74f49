#!/usr/bin/env bash
# An authority's rule settings survive pg_dump and restore into a fresh
# database: overrides (enabled / severity / message), its own SQL rules, the
# establishment list and the validation history, while the built-in rules
# come back from CREATE EXTENSION and are neither lost nor duplicated.
set -euo pipefail
cd "$(dirname "$0")/../.."
. test/sh/lib/dump.sh
dump_dbs sen2_ruledump

psql -X -q -v ON_ERROR_STOP=1 -d $src >/dev/null <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION sen2;
INSERT INTO sen2.rule_override (rule_id, enabled) VALUES ('P09', false);
INSERT INTO sen2.rule_override (rule_id, severity, note) VALUES ('R05', 'error', 'local policy: 6 weeks is firm');
SELECT sen2.import_rule_messages(E'id,message,severity\nA04,Official wording for A04,Q');
SELECT sen2.register_rule('LA_FEW', 'query', 'Few persons',
       $$SELECT count(*)::text AS value FROM sen2.person WHERE return_id = $1 HAVING count(*) < 100$$);
INSERT INTO sen2.establishment (urn, type_of_establishment, resourced_provision_capacity) VALUES ('118002', 'Community school', 10);
\i test/fixtures/clean_return.sql
SELECT count(*) FROM sen2.validate(pg_temp.sen2_clean_return('886', 2026));
SQL

dump_restore

state() { psql -X -At -d "$1" -c "
  SELECT string_agg(format('%s:%s:%s:%s', rule_id, enabled, severity, message), ' ' ORDER BY rule_id) FROM sen2.rule_override;
  SELECT string_agg(id || '=' || query, ' ' ORDER BY id) FROM sen2.rule WHERE origin = 'local';
  SELECT count(*) FROM sen2.rule WHERE origin = 'builtin';
  SELECT string_agg(urn || has_sen_unit::text, ' ' ORDER BY urn) FROM sen2.establishment;
  SELECT string_agg(format('%s/%s/%s', run_id, errors, queries), ' ' ORDER BY run_id) FROM sen2.validation_run;
  SELECT count(*) FROM sen2.validation_finding;
  SELECT string_agg(format('%s/%s/%s', id, severity, enabled), ' ' ORDER BY id) FROM sen2.rule_effective
   WHERE id IN ('P09', 'R05', 'A04', 'LA_FEW');"; }
same_in_both state || { echo "restored state differs"; exit 1; }
echo "$was" | grep -q 'P09:f::' || { echo "P09 override missing"; exit 1; }
echo "$was" | grep -q 'A04/query/t LA_FEW/query/t P09/query/f R05/error/t' || { echo "effective rules differ"; exit 1; }

# the restored database keeps working: a new run gets a new id, the overrides apply
psql -X -q -v ON_ERROR_STOP=1 -d $dst <<'SQL'
SET client_min_messages = warning;
DO $$
DECLARE
    rid bigint;
    old_max bigint := (SELECT max(run_id) FROM sen2.validation_run);
    run bigint;
BEGIN
    INSERT INTO sen2.return (la_code, collection_year) VALUES ('886', 2026) RETURNING return_id INTO rid;
    run := sen2.validate_run(rid);
    IF run <= old_max THEN
        RAISE EXCEPTION 'run id % does not follow the restored history (max %)', run, old_max;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM sen2.validation_finding WHERE run_id = run AND rule_id = 'LA_FEW') THEN
        RAISE EXCEPTION 'the restored local rule did not run';
    END IF;
END
$$;
SQL
echo "ok"
