#!/usr/bin/env bash
# The reader's structural checks agree with the XML Schema of the year
# (sen2.xsd, generated from the same layout): a valid generated 2024 file
# passes both with no load issue and no structural finding; each
# structurally broken variant (element out of order, in the wrong parent,
# unknown, repeated, a second Assessment, stray text, an attribute, a
# mandatory element or block missing) fails xmllint --schema AND gives the
# expected load issue and sen2.validate_xml finding, on the line of the
# fault.
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

# variant NAME ISSUE RULE PYTHON-EXPR: the file with one change, the load
# issue (or - for none) and the validate_xml rule wanted, on the line of the
# marker <!--HERE-->
variant() {
  local name=$1 issue=$2 rule=$3 expr=$4
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
  local id got found want_issue
  id=$(q -c "SELECT sen2.load_xml_file('$work/$name.xml')")
  got=$(q -c "SELECT coalesce(string_agg(issue || '@' || line, ' ' ORDER BY line, issue), '-') FROM sen2.load_issue WHERE return_id = $id")
  found=$(q -c "SELECT count(*) FROM sen2.validate_xml(pg_read_binary_file('$work/$name.xml'))
                 WHERE (rule_id = '$rule' OR rule_id IN (SELECT id FROM sen2.rule WHERE layout_check = '$rule'))
                   AND line = $want_line")
  want_issue=$([ "$issue" = - ] && echo - || echo "$issue@$want_line")
  if [ "$got" = "$want_issue" ] && [ "$found" -ge 1 ]; then
    echo "ok   $name: schema rejects; load issue $got; validate_xml $rule on line $want_line"
  else
    echo "FAIL $name: wanted $want_issue and $rule@$want_line; got load issues '$got', $found $rule findings"
    fails=$((fails + 1))
  fi
}

chmod 644 "$work/ok.xml"
xmllint --noout --schema "$work/2024.xsd" "$work/ok.xml" 2>/dev/null || { echo "FAIL: the generated file does not validate"; exit 1; }
id=$(q -c "SELECT sen2.load_xml_file('$work/ok.xml')")
n=$(q -c "SELECT count(*) FROM sen2.load_issue WHERE return_id = $id")
s=$(q -c "SELECT count(*) FROM sen2.validate_xml(pg_read_binary_file('$work/ok.xml')) WHERE rule_id IN ('L01', 'L02', 'L07') OR rule_id LIKE 'X%'")
if [ "$n" = 0 ] && [ "$s" = 0 ]; then
  echo "ok   valid file: schema accepts, no load issue, no structural finding"
else
  echo "FAIL valid file: $n load issues, $s structural findings"; fails=$((fails + 1))
fi

variant order out_of_order X01 \
  's.replace("<Surname>Surname2</Surname>\n\t\t\t<Forename>Forename2</Forename>", "<Forename>Forename2</Forename>\n\t\t\t<!--HERE--><Surname>Surname2</Surname>", 1)'
variant wrong_parent misplaced_element L02 \
  's.replace("<RYA>0</RYA>", "<RYA>0</RYA><!--HERE--><UPN>A000000000001</UPN>", 1)'
variant unknown unknown_element L02 \
  's.replace("<Sex>M</Sex>", "<Sex>M</Sex><!--HERE--><Nickname>Zo</Nickname>", 1)'
variant repeated_item repeated_element L07 \
  's.replace("<Sex>M</Sex>", "<Sex>M</Sex><!--HERE--><Sex>F</Sex>", 1)'
variant second_assessment repeated_element L07 \
  's.replace("</Assessment>", "</Assessment>\n<!--HERE--><Assessment><AssessmentOutcome>N</AssessmentOutcome></Assessment>", 1)'
variant stray_text text_in_group X02 \
  's.replace("<Requests>", "<Requests><!--HERE-->stray", 1)'
variant attribute attribute X02 \
  's.replace("<Person>", "<!--HERE--><Person id=\"7\">", 1)'
variant empty empty_element X03 \
  's.replace("<UPN>A000000000001</UPN>", "<UPN>A000000000001</UPN><!--HERE--><UPNunknown/>", 1)'
# a mandatory element, or a mandatory block, missing: the rules report it
# (L01, or the specific rule that reports L01 for that item) on the line of
# the element that lacks it
variant no_surname - L01 \
  's.replace("<Person>\n\t\t\t<Surname>Surname1</Surname>", "<!--HERE--><Person>\n", 1)'
variant no_requests - L01 \
  's.replace(s[s.index("\t\t<Person>", s.index("Surname2") - 40):s.index("</Person>", s.index("Surname2"))], "\t\t<!--HERE--><Person><Surname>Surname2</Surname><Forename>F</Forename><PersonBirthDate>2006-01-03</PersonBirthDate><Sex>M</Sex><Ethnicity>WBRI</Ethnicity><PostCode>AB1 2DE</PostCode><UPN>A000000000002</UPN>", 1)'
exit $fails
