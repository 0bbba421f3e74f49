#!/usr/bin/env bash
# Slow tier: the reader inside a real backend under valgrind (single-user
# mode, about 20 s): loads and validate_xml runs that succeed, and ones
# that fail on every kind of bad input, must leave no memory lost (libxml2's memory is malloc'd and
# must be freed on every error path) and make no invalid access.
set -euo pipefail
cd "$(dirname "$0")/../../.."
command -v valgrind >/dev/null || { echo "valgrind not found"; exit 1; }
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
PGBIN=$("$PG_CONFIG" --bindir)
d=$(mktemp -d /tmp/sen2-xml-vg.XXXXXX)
trap 'rm -rf "$d"' EXIT
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres: "$d"
chmod 755 "$d"
as_pg "$PGBIN/initdb" -D "$d/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
cp test/fixtures/sen2-2024-mockup.socialfinance.xml "$d/mock.xml"
chmod 644 "$d/mock.xml"
cat > "$d/t.sql" <<SQL
CREATE EXTENSION sen2;
SELECT sen2.load_xml(pg_read_binary_file('$d/mock.xml'));
SELECT sen2.load_xml_file('$d/mock.xml');
SELECT sen2.load_xml('<Message><Persons><Person><Surname>x</Surnam></Person></Persons></Message>', '886', 2024);
SELECT sen2.load_xml('<!DOCTYPE Message [<!ENTITY a "b">]><Message/>');
SELECT sen2.load_xml(''::text);
SELECT sen2.load_xml('\x00ff'::bytea);
SELECT sen2.load_xml('<Message><Header><CollectionDetails><Year>2024</Year></CollectionDetails><Source><LEA>886</LEA></Source></Header><Persons><Person a="1"><Foo><Bar/></Foo><Surname>x</Surname><Surname>y</Surname></Person></Persons></Message>');
SELECT sen2.load_xml('<Message><Header><CollectionDetails><Year>2024</Year></CollectionDetails><Source><LEA>886</LEA></Source></Header><Persons><Person><Surname>' || repeat('x', 70000) || '</Surname></Person></Persons></Message>');
SELECT sen2.load_xml('<Message><Header><CollectionDetails><Year>2024</Year></CollectionDetails><Source><LEA>886</LEA></Source></Header><Persons>' || repeat('<Person>', 50) || '</Persons></Message>');
SELECT sen2.load_xml_file('$d/missing.xml');
SELECT count(*) FROM sen2.validate_xml(pg_read_binary_file('$d/mock.xml'));
SELECT count(*) FROM sen2.validate_xml('<Message><Persons><Person></Persons></Message>', '886', 2024);
SELECT 'issues', count(*) FROM sen2.load_issue;
SELECT 'persons', count(*) FROM sen2.person;
SQL
cat > "$d/pg.supp" <<'SUPP'
{
   pg_wal_padding
   Memcheck:Param
   pwrite64(buf)
   ...
   fun:XLog*
}
{
   pg_ckpt_padding
   Memcheck:Param
   pwrite64(buf)
   ...
   fun:CreateCheckPoint
}
{
   pg_relcache_init
   Memcheck:Param
   write(buf)
   ...
   fun:RelationCacheInitializePhase3
}
{
   pg_pgstat_padding
   Memcheck:Param
   write(buf)
   ...
   fun:pgstat_*
}
{
   pg_ps_display_leak
   Memcheck:Leak
   match-leak-kinds: definite,indirect
   ...
   fun:save_ps_display_args
}
{
   pg_postmaster_strdup
   Memcheck:Leak
   match-leak-kinds: definite
   fun:malloc
   fun:strdup
   fun:PostmasterMain
}
{
   pg_regex_cache_memcpy
   Memcheck:Overlap
   fun:__memcpy_chk
   fun:RE_compile_and_cache
}
SUPP
set +e
(cd "$d" && as_pg valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 \
   --suppressions="$d/pg.supp" "$PGBIN/postgres" --single -D "$d/data" postgres < "$d/t.sql" > "$d/out.txt" 2> "$d/vg.txt")
rc=$?
set -e
grep -E 'definitely lost|ERROR SUMMARY' "$d/vg.txt"
errors=$(grep -c ' ERROR: ' "$d/vg.txt" || true)
echo "statements refused: $errors (want 8)"
grep -A2 -E '"issues"|"persons"' "$d/out.txt" | grep -E '= "[0-9]+"' || true
if [ $rc -ne 0 ] || [ "$errors" != 8 ]; then
  grep -B2 -A25 -E '^==[0-9]+== (Invalid|Conditional|Source|[0-9,]+ bytes in)' "$d/vg.txt" | head -80
  exit 1
fi
