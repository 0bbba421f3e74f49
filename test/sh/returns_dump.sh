#!/usr/bin/env bash
# The returns themselves (staging tables) survive pg_dump and restore, with
# their keys, and new rows after the restore do not collide with old keys.
set -euo pipefail
. test/sh/lib/dump.sh
dump_dbs sen2_retdump
psql -X -q -v ON_ERROR_STOP=1 -d $src -c 'CREATE EXTENSION sen2' -f test/fixtures/example_return.sql >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d $src -c "SELECT sen2.copy_return(return_id) FROM sen2.return" >/dev/null
dump_restore
shape() { psql -X -At -d "$1" -c "
  SELECT string_agg(t || '=' || n, ' ' ORDER BY t) FROM (
    SELECT 'return' t, count(*) n FROM sen2.return UNION ALL SELECT 'person', count(*) FROM sen2.person
    UNION ALL SELECT 'request', count(*) FROM sen2.request UNION ALL SELECT 'assessment', count(*) FROM sen2.assessment
    UNION ALL SELECT 'named_plan', count(*) FROM sen2.named_plan UNION ALL SELECT 'plan_detail', count(*) FROM sen2.plan_detail
    UNION ALL SELECT 'active_plans', count(*) FROM sen2.active_plans UNION ALL SELECT 'placement', count(*) FROM sen2.placement_detail
    UNION ALL SELECT 'sen_need', count(*) FROM sen2.sen_need
    UNION ALL SELECT 'md5:' || md5(string_agg(p::text, '|' ORDER BY person_id)), 0 FROM sen2.person p) s"; }
same_in_both shape
# keys carry on after the restore
psql -X -q -v ON_ERROR_STOP=1 -d $dst -c "SELECT sen2.copy_return(min(return_id)) FROM sen2.return" >/dev/null
[ "$(psql -X -At -d $dst -c 'SELECT count(*) FROM sen2.person')" = 9 ]
