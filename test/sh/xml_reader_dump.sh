#!/usr/bin/env bash
# A loaded return keeps its load issues through pg_dump and restore, with
# their keys, like the rest of the return.
set -euo pipefail
cd "$(dirname "$0")/../.."
. test/sh/lib/dump.sh
dump_dbs sen2_xmldump
psql -X -q -v ON_ERROR_STOP=1 -d $src -c 'CREATE EXTENSION sen2'
psql -X -q -v ON_ERROR_STOP=1 -d $src -v mock="$(cat test/fixtures/sen2-2024-mockup.socialfinance.xml)" <<'SQL' >/dev/null
SELECT sen2.load_xml(:'mock');
SELECT sen2.load_xml('<Message><Header><CollectionDetails><Year>2024</Year></CollectionDetails><Source><LEA>886</LEA></Source></Header><Persons><Person a="1"><Nickname>Zo</Nickname><Surname>S</Surname></Person></Persons></Message>');
SQL
dump_restore
shape() { psql -X -At -d "$1" -c "
  SELECT count(*) || ' ' || md5(string_agg(format('%s|%s|%s|%s|%s|%s|%s', load_issue_id, return_id, line, path, issue, message, value),
                                           ',' ORDER BY load_issue_id))
    FROM sen2.load_issue"; }
same_in_both shape && [ "${was%% *}" -ge 15 ]
# keys carry on after the restore
psql -X -q -v ON_ERROR_STOP=1 -d $dst -c "SELECT sen2.load_xml('<Message><Header><CollectionDetails><Year>2024</Year></CollectionDetails><Source><LEA>886</LEA></Source></Header><Persons><Person><Nickname>Zo</Nickname></Person></Persons></Message>')" >/dev/null
[ "$(psql -X -At -d $dst -c 'SELECT count(DISTINCT load_issue_id) FROM sen2.load_issue')" = "$(( ${was%% *} + 1 ))" ]
