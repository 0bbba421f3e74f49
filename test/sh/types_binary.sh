#!/usr/bin/env bash
# sen2.upn and sen2.uln in binary form (send/recv) and through pg_dump:
#  - a binary COPY round-trips, and the wire form is exactly the text's;
#  - a bad value arriving in binary is an error (SQLSTATE 22P03, the same
#    message and detail as text input), never a stored invalid value;
#  - bytes that are not valid UTF-8, or a NUL, are rejected before the check;
#  - a table with typed columns survives pg_dump and restore.
set -euo pipefail
db=sen2_types_binary db2=sen2_types_binary_restore
work=$(mktemp -d "${SEN2_TEST_WORK:-/tmp}/types_binary.XXXXXX")
trap 'dropdb --if-exists $db 2>/dev/null; dropdb --if-exists $db2 2>/dev/null; rm -rf "$work"' EXIT
dropdb --if-exists $db 2>/dev/null; dropdb --if-exists $db2 2>/dev/null
createdb $db; createdb $db2
q() { psql -X -q -v ON_ERROR_STOP=1 -d $db "$@"; }
fail() { echo "FAIL: $*"; exit 1; }

q <<'SQL'
CREATE EXTENSION sen2;
CREATE TABLE src (id int, u sen2.upn, l sen2.uln);
INSERT INTO src VALUES (1, 'B801200005001', '1234567899'), (2, 'H93612341234E', '0000000018'),
                       (3, 'A000000000000', NULL), (4, NULL, '9999999998');
CREATE TABLE dst (LIKE src);
CREATE TABLE one_upn (u sen2.upn);
CREATE TABLE one_uln (l sen2.uln);
SQL

# 1. Round trip through binary COPY.
q -c "COPY src TO STDOUT (FORMAT binary)" > "$work/typed.bin"
q -c "COPY dst FROM STDIN (FORMAT binary)" < "$work/typed.bin"
diff=$(q -At -c "SELECT count(*) FROM ((TABLE src EXCEPT TABLE dst) UNION ALL (TABLE dst EXCEPT TABLE src)) d")
[ "$diff" = 0 ] || fail "binary round trip changed $diff rows"
echo "ok: binary COPY round trip ($(stat -c %s "$work/typed.bin") bytes)"

# 2. The wire form is the text: the same rows as text columns give the same bytes.
q -c "COPY (SELECT id, u::text, l::text FROM src) TO STDOUT (FORMAT binary)" > "$work/text.bin"
cmp -s "$work/typed.bin" "$work/text.bin" || fail "binary form of upn/uln differs from the text's"
echo "ok: binary form is the text"

# 3. recv checks exactly like input: bad values fail with 22P03 and the usual detail.
expect_error() {  # table, value(s) as a SQL expression, expected text...
  local table=$1 expr=$2; shift 2
  q -c "COPY (SELECT $expr) TO STDOUT (FORMAT binary)" > "$work/bad.bin"
  if psql -X -q -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -d $db \
       -c "COPY $table FROM STDIN (FORMAT binary)" < "$work/bad.bin" > "$work/out" 2>&1; then
    fail "COPY $table of $expr succeeded"
  fi
  for want in "$@"; do
    grep -qF -- "$want" "$work/out" || { cat "$work/out"; fail "no '$want' for $expr"; }
  done
  [ "$(q -At -c "SELECT count(*) FROM $table")" = 0 ] || fail "$table holds a row after a failed COPY"
  echo "ok: $table rejects $(printf '%.40s' "$expr")"
}
expect_error one_upn "'A801200005001'::text" 'ERROR:  22P03: invalid UPN "A801200005001"' \
  'DETAIL:  The UPN has the wrong check letter: for these digits it should be B.'
expect_error one_upn "'b801200005001'::text" 'invalid UPN "b801200005001"' 'HINT:  In upper case it is a valid UPN'
expect_error one_upn "''::text" 'invalid UPN ""' 'DETAIL:  The UPN is empty.'
expect_error one_upn "'B801200005001 '::text" 'DETAIL:  The UPN contains white space.'
expect_error one_upn "repeat('B801200005001', 80000)" 'invalid UPN "B801200005001B801200005001B80120…"' \
  'DETAIL:  The UPN is longer than 13 characters.'
expect_error one_uln "'1234567890'::text" 'ERROR:  22P03: invalid ULN "1234567890"' \
  'DETAIL:  The ULN has the wrong check digit: for these digits it should be 9.'
expect_error one_uln "'1234567837'::text" 'DETAIL:  The ULN has no valid check digit'
expect_error one_uln "'１234567899'::text" 'DETAIL:  The ULN contains a character that is not plain ASCII.'
expect_error one_uln "'B801200005001'::text" 'HINT:  It is a valid UPN (unique pupil number), not a ULN'
# a bad row after good ones loses the whole COPY, not just the bad row
expect_error one_upn "u FROM (VALUES ('B801200005001'), ('B801200005002')) v(u)" 'invalid UPN "B801200005002"'

# 4. Bytes no server could have sent: not UTF-8, and an embedded NUL.  A
#    hand-made binary COPY stream: signature, flags, header extension, one
#    tuple with one field, trailer.
craft() { printf 'PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0\0\1'; printf '\0\0\0'"$1"; printf "$2"; printf '\377\377'; }
for case in 'not-utf8:\015:B80120000500\377' 'nul:\015:B80120\000005001' 'short-field:\003:B80'; do
  name=${case%%:*}; rest=${case#*:}; len=${rest%%:*}; data=${rest#*:}
  craft "$len" "$data" > "$work/$name.bin"
  if psql -X -q -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -d $db \
       -c "COPY one_upn FROM STDIN (FORMAT binary)" < "$work/$name.bin" > "$work/out" 2>&1; then
    fail "crafted $name was accepted"
  fi
  case $name in
    not-utf8) grep -qF '22021: invalid byte sequence for encoding "UTF8": 0xff' "$work/out" || { cat "$work/out"; fail $name; } ;;
    nul) grep -qF '22021: invalid byte sequence for encoding "UTF8": 0x00' "$work/out" || { cat "$work/out"; fail $name; } ;;
    short-field) grep -qF 'DETAIL:  The UPN is shorter than 13 characters.' "$work/out" || { cat "$work/out"; fail $name; } ;;
  esac
  [ "$(q -At -c "SELECT count(*) FROM one_upn")" = 0 ] || fail "one_upn holds a row after crafted $name"
  echo "ok: crafted $name rejected"
done
# the crafting itself is right: the same frame with a valid UPN loads
craft '\015' 'B801200005001' > "$work/good.bin"
q -c "COPY one_upn FROM STDIN (FORMAT binary)" < "$work/good.bin"
[ "$(q -At -c "SELECT u FROM one_upn")" = B801200005001 ] || fail "crafted valid frame did not load"
echo "ok: crafted valid frame loads"

# 5. pg_dump and restore of typed columns (text form).
pg_dump -d $db -t src -t one_upn > "$work/dump.sql"
psql -X -q -v ON_ERROR_STOP=1 -d $db2 -c "CREATE EXTENSION sen2" -f "$work/dump.sql" >/dev/null
a=$(q -At -c "SELECT string_agg(concat_ws(',', id, u, l), ';' ORDER BY id) FROM src")
b=$(psql -X -At -d $db2 -c "SELECT string_agg(concat_ws(',', id, u, l), ';' ORDER BY id) FROM src")
[ "$a" = "$b" ] || fail "dump/restore: '$a' became '$b'"
echo "ok: pg_dump and restore ($b)"
