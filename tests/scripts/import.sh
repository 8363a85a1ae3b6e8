#!/bin/sh
# tests/scripts/import.sh — `skuld import catalog` and `skuld import groups`.
#
# Catalog, on Microsoft's real CSV (shared/data/product-names-and-service-plan-
# identifiers.csv; in CI the repository is cloned with shared/ beside it, so it is
# looked up as ../shared from the repository root, and this part is skipped with a
# message when it is not there):
#   - exit 0, and `skuld check` of the output passes;
#   - one `plan` per distinct Service_Plan_Id and one `product` per distinct GUID
#     (trimmed, case-insensitive), counted here with python3's csv module;
#   - the repairs on stderr name every trimmed field and every duplicate (GUID,
#     Service_Plan_Id) row by file:line, every GUID of a String_Id that has several
#     (MCOPSTN5), and the garbled plan name 'RMS_S_ENTERPRISE)';
#   - two runs give the same bytes, and they are rules/microsoft365/catalog.skuld
#     (the bundled catalog is what the importer makes today).
# Catalog, on malformed CSV: an unterminated quote, a header without a column, an
# empty file: exit 2, a message naming file:line, nothing on stdout, no -o file. A
# short row is not dropped silently: it is named by file:line.
# Groups: `skuld import groups examples/contoso-graph/tenant.json` gives one group
# block per group with assignedLicenses, and they check clean together with
# rules/catalog.skuld (products and plans are named by GUID); malformed JSON exits 2
# naming file:line:column.
#
# Run by tests/run.sh with SKULD=path/to/skuld. Stops at the first failure.
set -u
: "${SKULD:?set SKULD to the skuld binary}"

top=$(cd "$(dirname "$0")/../.." && pwd) || exit 1
. "$(dirname "$0")/lib/common.sh"
make_tmp import

have_python=0
command -v python3 >/dev/null 2>&1 && have_python=1

# ---- catalog: Microsoft's CSV -----------------------------------------------------

shared=$(cd "$top" && cd ../shared 2>/dev/null && pwd)
csv="${shared:+$shared/data/product-names-and-service-plan-identifiers.csv}"
if [ -z "$csv" ] || [ ! -f "$csv" ]; then
    echo "skipped: import of Microsoft's CSV (../shared/data/product-names-and-service-plan-identifiers.csv is not beside the repository)"
else
    "$SKULD" import catalog "$csv" >"$tmp/catalog.skuld" 2>"$tmp/repairs"
    rc=$?
    [ "$rc" -eq 0 ] || { cp "$tmp/repairs" "$tmp/err"; fail "import catalog exited $rc, expected 0"; }
    [ -s "$tmp/catalog.skuld" ] || fail "import catalog wrote nothing"
    "$SKULD" check "$tmp/catalog.skuld" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ "$rc" -eq 0 ] || fail "skuld check of the imported catalog exited $rc"
    echo "ok: import catalog exits 0 and its output checks clean"

    "$SKULD" import catalog "$csv" >"$tmp/again.skuld" 2>"$tmp/again.repairs"
    cmp -s "$tmp/catalog.skuld" "$tmp/again.skuld" || fail "two imports gave different rule text"
    cmp -s "$tmp/repairs" "$tmp/again.repairs" || fail "two imports gave different repairs"
    if ! cmp -s "$tmp/catalog.skuld" "$top/rules/microsoft365/catalog.skuld"; then
        diff "$top/rules/microsoft365/catalog.skuld" "$tmp/catalog.skuld" | head -n 10 >&2
        fail "rules/microsoft365/catalog.skuld is not what 'skuld import catalog' makes today: regenerate it"
    fi
    echo "ok: the import is deterministic and rules/microsoft365/catalog.skuld is up to date"

    grep -F -q "RMS_S_ENTERPRISE)" "$tmp/repairs" || { cp "$tmp/repairs" "$tmp/err"; fail "the repairs do not mention 'RMS_S_ENTERPRISE)'"; }

    if [ $have_python = 0 ]; then
        echo "skipped: counting plans, products and repairs (python3 is not installed)"
    else
        nplans=$(grep -c '^plan ' "$tmp/catalog.skuld")
        nproducts=$(grep -c '^product ' "$tmp/catalog.skuld")
        python3 - "$csv" "$tmp/repairs" "$nplans" "$nproducts" <<'EOF' || fail "import catalog: see above"
import csv, sys
from collections import defaultdict

path, repairs_path, nplans, nproducts = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
repairs = open(repairs_path, encoding="utf-8").read().splitlines()
problems = []

with open(path, encoding="utf-8-sig", newline="") as f:
    rd = csv.reader(f)
    header = [h.strip() for h in next(rd)]
    col = {name: header.index(name) for name in header}
    rows = []                      # (line, fields)
    for fields in rd:
        rows.append((rd.line_num, fields))

def key(s):
    return s.strip().lower()

plans = {key(r[col["Service_Plan_Id"]]) for _, r in rows}
products = {key(r[col["GUID"]]) for _, r in rows}
if nplans != len(plans):
    problems.append("%d plan statements for %d distinct Service_Plan_Id values" % (nplans, len(plans)))
if nproducts != len(products):
    problems.append("%d product statements for %d distinct GUID values" % (nproducts, len(products)))

# Every trimmed field, by line and column name.
want = set()
for line, r in rows:
    for name, i in col.items():
        if r[i] != r[i].strip():
            want.add((line, name))
got = set()
for text in repairs:
    if ": trimmed spaces around " in text:
        where, rest = text.split(": trimmed spaces around ", 1)
        got.add((int(where.rsplit(":", 1)[1]), rest.split(" ", 1)[0]))
if want != got:
    problems.append("trimmed fields: %d in the CSV, %d reported; missing %s, extra %s"
                    % (len(want), len(got), sorted(want - got)[:5], sorted(got - want)[:5]))

# Every duplicate (product GUID, plan id) row after the first, by line.
seen, dup_lines = set(), set()
for line, r in rows:
    k = (key(r[col["GUID"]]), key(r[col["Service_Plan_Id"]]))
    if k in seen:
        dup_lines.add(line)
    seen.add(k)
got = {int(t.split(": duplicate row", 1)[0].rsplit(":", 1)[1]) for t in repairs if ": duplicate row" in t}
if dup_lines != got:
    problems.append("duplicate rows: lines %s in the CSV, %s reported" % (sorted(dup_lines), sorted(got)))

# Every GUID of a String_Id that has several (MCOPSTN5) is named in the repairs.
guids = defaultdict(set)
for _, r in rows:
    guids[r[col["String_Id"]].strip()].add(key(r[col["GUID"]]))
for string_id, ids in sorted(guids.items()):
    if len(ids) < 2:
        continue
    lines = [t for t in repairs if string_id in t]
    for g in sorted(ids):
        if not any(g in t.lower() for t in lines):
            problems.append("String_Id %s has GUIDs %s; the repairs about it do not name %s: %s"
                            % (string_id, ", ".join(sorted(ids)), g, lines[:2]))

for p in problems:
    print("FAIL: " + p, file=sys.stderr)
if problems:
    sys.exit(1)
print("counted: %d plans, %d products, %d trimmed fields, %d duplicate rows, String_Ids with several GUIDs: %s"
      % (len(plans), len(products), len(want), len(dup_lines), [s for s, i in sorted(guids.items()) if len(i) > 1]))
EOF
        echo "ok: plans, products and repairs match the CSV"
    fi
fi

# ---- catalog: malformed CSV -------------------------------------------------------

header='Product_Display_Name,String_Id,GUID,Service_Plan_Name,Service_Plan_Id,Service_Plans_Included_Friendly_Names'
row1='Office 365 E3,ENTERPRISEPACK,6fd2c87f-b296-42f0-b197-1e91e994b900,EXCHANGE_S_ENTERPRISE,efb87545-963c-4e0d-99df-69c6916d9eb0,Exchange Online (Plan 2)'
row2='Office 365 E3,ENTERPRISEPACK,6fd2c87f-b296-42f0-b197-1e91e994b900,SHAREPOINTENTERPRISE,5dbe027f-2339-4123-9542-606e4d348a72,SharePoint (Plan 2)'

# bad_csv NAME WANT: $tmp/bad.csv must make import exit 2 with WANT (a fixed string)
# on stderr, nothing on stdout and no -o file.
bad_csv() {
    name=$1 want=$2
    "$SKULD" import catalog "$tmp/bad.csv" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ "$rc" -eq 2 ] || fail "$name: exit $rc, expected 2"
    [ -s "$tmp/out" ] && fail "$name: something was written to stdout"
    grep -F -q -- "$want" "$tmp/err" || fail "$name: stderr lacks '$want'"
    rm -f "$tmp/o.skuld"
    "$SKULD" import catalog "$tmp/bad.csv" -o "$tmp/o.skuld" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ "$rc" -eq 2 ] || fail "$name with -o: exit $rc, expected 2"
    [ -e "$tmp/o.skuld" ] && fail "$name: -o FILE was created"
    echo "ok: $name: exit 2, stderr: $(grep -F -- "$want" "$tmp/err" | head -n 1)"
}

printf '%s\r\n%s\r\n"%s\r\n%s\r\n' "$header" "$row1" "$row2" "$row1" >"$tmp/bad.csv"
bad_csv "unterminated quote" "$tmp/bad.csv:3:"
printf '%s\r\n%s\r\n' "$(echo "$header" | sed 's/,Service_Plan_Id//')" \
    "$(echo "$row1" | sed 's/,efb87545-963c-4e0d-99df-69c6916d9eb0//')" >"$tmp/bad.csv"
bad_csv "header without Service_Plan_Id" "$tmp/bad.csv:1:"
grep -F -q "Service_Plan_Id" "$tmp/err" || fail "header without Service_Plan_Id: the message does not name the column"
printf '%s\r\n%s\r\nx"y,a,b,c,d,e\r\n' "$header" "$row1" >"$tmp/bad.csv"
bad_csv "quote inside an unquoted field" "$tmp/bad.csv:3:"
: >"$tmp/bad.csv"
bad_csv "empty file" "$tmp/bad.csv:1:"

# A row with a field missing: an error (exit 2) or a reported repair, but always
# named by file:line.
printf '%s\r\n%s\r\n%s\r\n' "$header" "$row1" "$(echo "$row2" | sed 's/,SharePoint (Plan 2)$//')" >"$tmp/bad.csv"
"$SKULD" import catalog "$tmp/bad.csv" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] || [ "$rc" -eq 2 ] || fail "short row: exit $rc"
grep -F -q "$tmp/bad.csv:3" "$tmp/err" || fail "short row: not named by file:line on stderr"
echo "ok: short row: exit $rc, stderr: $(grep -F "$tmp/bad.csv:3" "$tmp/err" | head -n 1)"

# A well-formed small CSV: exit 0, the output checks clean.
printf '\357\273\277%s\r\n%s\r\n%s\r\n' "$header" "$row1" "$row2" >"$tmp/small.csv"
"$SKULD" import catalog "$tmp/small.csv" >"$tmp/small.skuld" 2>"$tmp/err" || fail "small CSV with a BOM: exit $?"
grep -q '^product ENTERPRISEPACK "Office 365 E3"' "$tmp/small.skuld" || fail "small CSV: no ENTERPRISEPACK product"
"$SKULD" check "$tmp/small.skuld" >"$tmp/out" 2>"$tmp/err" || fail "small CSV: the output does not check clean"
echo "ok: a small CSV with a byte-order mark imports and checks clean"

# ---- groups -----------------------------------------------------------------------

graph="$top/examples/contoso-graph/tenant.json"
[ -f "$graph" ] || fail "$graph missing"
"$SKULD" import groups "$graph" >"$tmp/groups.skuld" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] || fail "import groups exited $rc, expected 0"
ngroups=$(grep -c '^group "' "$tmp/groups.skuld")
nlicensed=$(grep -c '"assignedLicenses": \[$' "$graph")
[ "$ngroups" -eq "$nlicensed" ] || fail "import groups wrote $ngroups group blocks; $nlicensed groups of tenant.json have licences"
[ "$ngroups" -gt 0 ] || fail "import groups wrote no group block"
"$SKULD" check "$top/rules/catalog.skuld" "$tmp/groups.skuld" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] || fail "the imported groups do not check clean with rules/catalog.skuld (exit $rc)"
echo "ok: import groups: $ngroups group blocks, checked clean with rules/catalog.skuld"

printf '{"users": [], "groups": [\n  {"displayName": "Sales" "assignedLicenses": []}\n]}\n' >"$tmp/bad.json"
"$SKULD" import groups "$tmp/bad.json" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] || fail "import groups of malformed JSON: exit $rc, expected 2"
[ -s "$tmp/out" ] && fail "import groups of malformed JSON: something was written to stdout"
grep -q "^$tmp/bad.json:2:[1-9][0-9]*: error: malformed JSON" "$tmp/err" || fail "import groups of malformed JSON: no file:line:column"
echo "ok: import groups of malformed JSON: exit 2, stderr: $(grep 'malformed' "$tmp/err")"

printf '{"groups": [{"displayName": "Sales", "assignedLicenses": [{"skuId": 5}]}]}\n' >"$tmp/bad.json"
"$SKULD" import groups "$tmp/bad.json" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] || fail "import groups with a numeric skuId: exit $rc, expected 2"
[ -s "$tmp/out" ] && fail "import groups with a numeric skuId: something was written to stdout"
grep -F -q "$tmp/bad.json: error: groups[0].assignedLicenses[0].skuId: not a string" "$tmp/err" ||
    fail "import groups with a numeric skuId: stderr lacks the JSON path"
echo "ok: import groups with a numeric skuId: exit 2, names groups[0].assignedLicenses[0].skuId"
