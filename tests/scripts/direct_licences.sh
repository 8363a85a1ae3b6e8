#!/bin/sh
# tests/scripts/direct_licences.sh — S3 on a generated tenant with hundreds of direct
# licences (more than the evaluator's first table of them holds, so it grows).
#
# S3: direct licences are applied unconditionally and stay, whatever their findings.
# So the JSON's assignments whose "via" names "direct" are exactly the (user, product)
# pairs of licenses.csv: none missing, none extra; and the state file (--save-state)
# has one direct row for each licence, with that licence's disabled plans. And a what-if that unlicenses one of
# them changes that assignment alone (lost, when "direct" was its only source).
#
# Needs SKULD, build/tools/gen-tenant and python3 (to read the JSON; no jq).
set -u
: "${SKULD:?set SKULD to the skuld binary}"
top=$(cd "$(dirname "$0")/../.." && pwd) || exit 1
. "$top/tests/scripts/lib/common.sh"
make_tmp direct
need_gen
command -v python3 >/dev/null || fail "python3 is needed to read the JSON"

"$gen" --users 20000 --seed 7 --out "$tmp/g" >/dev/null || fail "gen-tenant failed"
rules="$top/rules/microsoft365/catalog.skuld"
"$SKULD" eval "$rules" "$tmp/g/rules.skuld" --tenant "$tmp/g/tenant" --format json -o "$tmp/eval.json" 2>"$tmp/err"
rc=$?
[ "$rc" -le 1 ] || fail "eval exited $rc"

# the pairs of licenses.csv (header skipped; no field of the generator is quoted)
tail -n +2 "$tmp/g/tenant/licenses.csv" | cut -d, -f1,2 | tr , ' ' | sort -u >"$tmp/licensed"
n=$(wc -l <"$tmp/licensed")
[ "$n" -ge 300 ] || fail "the generated tenant has only $n direct licences; the test needs hundreds"

direct_pairs() {
    python3 - "$1" <<'EOF' | sort -u
import json, sys
report = json.load(open(sys.argv[1]))
for a in report["assignments"]:
    if "direct" in a["via"]:
        print(a["user"], a["product"])
EOF
}
direct_pairs "$tmp/eval.json" >"$tmp/direct" || fail "could not read the eval JSON"
cmp -s "$tmp/licensed" "$tmp/direct" ||
    { diff "$tmp/licensed" "$tmp/direct" | head -n 10 >&2; fail "assignments with a direct source are not licenses.csv's pairs"; }
echo "ok: $n direct licences, each held with a direct source, nothing else direct"

# unlicense the last pair: it alone loses its direct source
set -- $(tail -n 1 "$tmp/licensed")
"$SKULD" eval "$rules" "$tmp/g/rules.skuld" --tenant "$tmp/g/tenant" --save-state "$tmp/state.csv" \
    --format json -o "$tmp/eval2.json" 2>/dev/null
[ $? -le 1 ] || fail "eval --save-state failed"
# what each licence enables, as the state file says it: the licence's own disabled plans
tail -n +2 "$tmp/g/tenant/licenses.csv" | sort >"$tmp/licences"
awk -F, 'NR > 1 && $4 == "" { print $1 "," $2 "," $3 }' "$tmp/state.csv" | sort >"$tmp/saved"
cmp -s "$tmp/licences" "$tmp/saved" ||
    { diff "$tmp/licences" "$tmp/saved" | head -n 10 >&2; fail "the state file's direct rows are not licenses.csv's rows"; }
echo "ok: the state file keeps each licence's disabled plans"
"$SKULD" whatif "$rules" "$tmp/g/rules.skuld" --tenant "$tmp/g/tenant" --state "$tmp/state.csv" \
    --unlicense "$1:$2" --format json -o "$tmp/whatif.json" 2>"$tmp/err"
rc=$?
[ "$rc" -le 1 ] || fail "whatif --unlicense exited $rc"
python3 - "$tmp/whatif.json" "$1" "$2" <<'EOF' || fail "the what-if did not take away exactly the one direct source"
import json, sys
report, user, product = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
a = report["assignments"]
touched = a["lost"] + a["changed"]
ok = (not a["gained"] and len(touched) == 1 and touched[0]["user"] == user and touched[0]["product"] == product
      and (not a["lost"] or a["lost"][0]["via"] == ["direct"]))
if not ok:
    print(json.dumps(a)[:2000], file=sys.stderr)
sys.exit(0 if ok else 1)
EOF
echo "ok: unlicensing $1 $2 changes that assignment"
