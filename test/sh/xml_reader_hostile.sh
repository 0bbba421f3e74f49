#!/usr/bin/env bash
# Hostile files, generated on the fly, given to sen2.load_xml_file and
# sen2.load_xml: each must be refused quickly with the right SQLSTATE and a
# message that says why, and leave nothing behind:
#   a 50 MB surname, a billion-laughs entity bomb, external entities (a local
#   file, a URL, a parameter entity), 100,000 nested elements, a tag with
#   50,000 attributes, a person with a million requests.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d "${SEN2_TEST_WORK:-/tmp}/xml_reader_hostile.XXXXXX")
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
db=sen2_xml_hostile
dropdb --if-exists $db 2>/dev/null; createdb $db
trap 'rm -rf "$work"; dropdb --if-exists $db 2>/dev/null' EXIT
psql -X -q -v ON_ERROR_STOP=1 -d $db -c "CREATE EXTENSION sen2"

head='<Message><Header><CollectionDetails><Year>2024</Year></CollectionDetails><Source><LEA>886</LEA></Source></Header><Persons>'
tail='</Persons></Message>'
python3 - "$work" "$head" "$tail" <<'PY'
import sys
w, head, tail = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
def put(name, data):
    with open(f"{w}/{name}.xml", "wb") as f:
        f.write(data)
put("surname50mb", head + b"<Person><Surname>" + b"x" * 50_000_000 + b"</Surname></Person>" + tail)
lol = [b'<!ENTITY lol "lol">'] + [b'<!ENTITY lol%d "%s">' % (i, (b"&lol%s;" % (b"" if i == 1 else b"%d" % (i - 1))) * 10) for i in range(1, 10)]
put("laughs", b'<?xml version="1.0"?>\n<!DOCTYPE Message [\n' + b"\n".join(lol) + b"\n]>\n" + head + b"<Person><Surname>&lol9;</Surname></Person>" + tail)
put("xxe_file", b'<?xml version="1.0"?>\n<!DOCTYPE Message [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n' + head + b"<Person><Surname>&x;</Surname></Person>" + tail)
put("xxe_url", b'<!DOCTYPE Message [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>' + head + b"<Person><Surname>&x;</Surname></Person>" + tail)
put("xxe_param", b'<!DOCTYPE Message [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>' + head + tail)
put("deep", head + b"<Person>" * 100_000 + b"</Person>" * 100_000 + tail)
put("attrs", head + b"<Person " + b" ".join(b'a%d=""' % i for i in range(50_000)) + b"/>" + tail)
put("requests", head + b"<Person>" + b"<Requests/>" * 1_000_000 + b"</Person>" + tail)
PY
chmod 644 "$work"/*.xml

fails=0
# expect NAME SQLSTATE PATTERN SQL: runs SQL, wants the error SQLSTATE with a
# message matching PATTERN, within 5 seconds
expect() {
  local name=$1 state=$2 pattern=$3 sql=$4 t0 t1 out
  t0=$(date +%s.%N)
  out=$(psql -X -At -d $db -v ON_ERROR_STOP=1 -v VERBOSITY=verbose 2>&1 <<SQL || true
\set VERBOSITY verbose
$sql
SQL
)
  t1=$(date +%s.%N)
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  if grep -q "ERROR:  $state:" <<<"$out" && grep -Eq "$pattern" <<<"$out" \
     && ! grep -q 'root:x:0' <<<"$out" && awk -v s="$secs" 'BEGIN { exit !(s < 5) }'; then
    printf 'ok   %-12s %-6s %5.2fs  %s\n' "$name" "$state" "$secs" "$(grep -m1 'ERROR:' <<<"$out" | cut -c1-110)"
  else
    printf 'FAIL %-12s want %s /%s/ in <5s, got (%ss):\n%s\n' "$name" "$state" "$pattern" "$secs" "$out"
    fails=$((fails + 1))
  fi
}
f() { echo "SELECT sen2.load_xml_file('$work/$1.xml');"; }
b() { echo "SELECT sen2.load_xml(pg_read_binary_file('$work/$1.xml'));"; }

expect surname-file 54000 'text in <Surname> is longer than sen2.max_item_bytes \(65536 bytes\)' "$(f surname50mb)"
expect surname-bytea 54000 'text in <Surname> is longer than sen2.max_item_bytes' "$(b surname50mb)"
expect laughs 2200M 'must not contain a document type declaration' "$(f laughs)"
expect xxe-file 2200M 'must not contain a document type declaration' "$(f xxe_file)"
expect xxe-url 2200M 'must not contain a document type declaration' "$(b xxe_url)"
expect xxe-param 2200M 'must not contain a document type declaration' "$(f xxe_param)"
expect deep 54000 'nests elements too deeply' "$(f deep)"
expect attrs 54000 'tag or comment longer than 256 kB' "$(f attrs)"
expect requests 54000 'holds more than 64 MB' "$(f requests)"

left=$(psql -X -At -d $db -c "SELECT (SELECT count(*) FROM sen2.return) + (SELECT count(*) FROM sen2.person) + (SELECT count(*) FROM sen2.request)")
echo "rows left behind: $left"
[ "$left" = 0 ] || fails=$((fails + 1))
exit $fails
