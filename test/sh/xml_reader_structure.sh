#!/usr/bin/env bash
# The reader's structural checks agree with the XML Schema of the year
# (sen2.xsd, generated from the same layout): a valid generated 2024 file
# passes both with no load issue; each structurally broken variant (element
# out of order, in the wrong parent, unknown, repeated, a second Assessment,
# stray text, an attribute) fails xmllint --schema AND gives the expected
# load issue, with the line where the fault is.
set -euo pipefail
export LANG=C.UTF-8 LC_ALL=C.UTF-8
cd "$(dirname "$0")/../.."
work=$(mktemp -d "${SEN2_TEST_WORK:-/tmp}/xml_reader_structure.XXXXXX")
chmod 755 "$work"
db=sen2_xml_structure
trap 'rm -rf "$work"; dropdb --if-exists $db 2>/dev/null' EXIT
dropdb --if-exists $db 2>/dev/null; createdb $db
q() { psql -X -At -v ON_ERROR_STOP=1 -d $db "$@"; }
q -q -c "CREATE EXTENSION sen2"
q -c "SELECT sen2.xsd(2024)" > "$work/2024.xsd"
psql -X -At -v ON_ERROR_STOP=1 -v FETCH_COUNT=100 -v persons=3 -v la=886 \
     -f test/fixtures/gen_sen2_xml.sql -d $db > "$work/ok.xml"
fails=0

# variant NAME ISSUE PYTHON-EXPR: the file with one change, the issue wanted
# and the line it must be reported on (the line of the marker <!--HERE-->)
variant() {
  local name=$1 issue=$2 expr=$3
  python3 - "$work/ok.xml" "$work/$name.xml" "$expr" <<'PY'
import sys
src, dst, expr = sys.argv[1], sys.argv[2], sys.argv[3]
s = open(src).read()
t = eval(expr)
assert t != s, "the change did not apply"
open(dst, "w").write(t)
PY
  local want_line
  want_line=$(grep -n 'HERE' "$work/$name.xml" | head -1 | cut -d: -f1)
  sed -i 's/<!--HERE-->//' "$work/$name.xml"
  chmod 644 "$work/$name.xml"
  if xmllint --noout --schema "$work/2024.xsd" "$work/$name.xml" >/dev/null 2>&1; then
    echo "FAIL $name: the schema accepts it"; fails=$((fails + 1)); return
  fi
  local id got
  id=$(q -c "SELECT sen2.load_xml_file('$work/$name.xml')")
  got=$(q -c "SELECT string_agg(issue || '@' || line, ' ' ORDER BY line, issue) FROM sen2.load_issue WHERE return_id = $id")
  if [ "$got" = "$issue@$want_line" ]; then
    echo "ok   $name: schema rejects, reader reports $got"
  else
    echo "FAIL $name: wanted $issue@$want_line, reader reports '${got}'"; fails=$((fails + 1))
  fi
}

chmod 644 "$work/ok.xml"
xmllint --noout --schema "$work/2024.xsd" "$work/ok.xml" 2>/dev/null || { echo "FAIL: the generated file does not validate"; exit 1; }
id=$(q -c "SELECT sen2.load_xml_file('$work/ok.xml')")
n=$(q -c "SELECT count(*) FROM sen2.load_issue WHERE return_id = $id")
[ "$n" = 0 ] && echo "ok   valid file: schema accepts, no load issue" || { echo "FAIL valid file: $n load issues"; fails=$((fails + 1)); }

variant order out_of_order \
  's.replace("<Surname>Surname2</Surname>\n\t\t\t<Forename>Forename2</Forename>", "<Forename>Forename2</Forename>\n\t\t\t<!--HERE--><Surname>Surname2</Surname>", 1)'
variant wrong_parent misplaced_element \
  's.replace("<RYA>0</RYA>", "<RYA>0</RYA><!--HERE--><UPN>A000000000001</UPN>", 1)'
variant unknown unknown_element \
  's.replace("<Sex>M</Sex>", "<Sex>M</Sex><!--HERE--><Nickname>Zo</Nickname>", 1)'
variant repeated_item repeated_element \
  's.replace("<Sex>M</Sex>", "<Sex>M</Sex><!--HERE--><Sex>F</Sex>", 1)'
variant second_assessment repeated_element \
  's.replace("</Assessment>", "</Assessment>\n<!--HERE--><Assessment><AssessmentOutcome>N</AssessmentOutcome></Assessment>", 1)'
variant stray_text text_in_group \
  's.replace("<Requests>", "<Requests><!--HERE-->stray", 1)'
variant attribute attribute \
  's.replace("<Person>", "<!--HERE--><Person id=\"7\">", 1)'
exit $fails
