#!/bin/sh
# tests/scripts/graph_roundtrip.sh — the Contoso tenant as a Microsoft Graph export
# (examples/contoso-graph/tenant.json, made from examples/contoso by convert.py)
# evaluates exactly like the CSV tenant (CLI.md "Tenant data from Microsoft Graph").
#
#   1. `skuld eval rules --tenant examples/contoso-graph/tenant.json --format json`
#      is byte for byte the CSV tenant's report, with the same exit status (1) and
#      the same stderr; the text report and the --no-assignments report too.
#   2. `--format graph` is JSON: an array with one entry per user, in users[] order,
#      each with the user's Graph `id`, `userPrincipalName` and
#      `licenseAssignmentStates`; group states name the group by its Graph id; the
#      skuIds are those of the rules. It agrees with the json report: a state with
#      error "None" per (user, source, product) held, an error state per violation.
#   3. tenant.json is what convert.py writes today (the example is not stale).
# Parts 2 and 3 need python3; without it they are skipped with a message.
#
# Run by tests/run.sh with SKULD=path/to/skuld. Stops at the first failure.
set -u
: "${SKULD:?set SKULD to the skuld binary}"

top=$(cd "$(dirname "$0")/../.." && pwd) || exit 1
rules="$top/rules"
csv="$top/examples/contoso"
graph="$top/examples/contoso-graph/tenant.json"
[ -f "$graph" ] || { echo "FAIL: $graph missing" >&2; exit 1; }
[ -f "$csv/users.csv" ] || { echo "FAIL: $csv/users.csv missing" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/skuld-graph-roundtrip.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# ---- 1. same report -------------------------------------------------------------

for args in "--format json" "--format text" "--format json --no-assignments"; do
    # shellcheck disable=SC2086
    "$SKULD" eval "$rules" --tenant "$csv" $args >"$tmp/csv.out" 2>"$tmp/csv.err"
    rc_csv=$?
    # shellcheck disable=SC2086
    "$SKULD" eval "$rules" --tenant "$graph" $args >"$tmp/graph.out" 2>"$tmp/graph.err"
    rc_graph=$?
    [ "$rc_csv" -eq 1 ] || { cat "$tmp/csv.err" >&2; fail "eval of the CSV tenant ($args) exited $rc_csv, expected 1"; }
    [ "$rc_graph" -eq "$rc_csv" ] || { cat "$tmp/graph.err" >&2; fail "eval of tenant.json ($args) exited $rc_graph, the CSV tenant $rc_csv"; }
    [ -s "$tmp/csv.out" ] || fail "the CSV tenant's report ($args) is empty"
    if ! cmp -s "$tmp/csv.out" "$tmp/graph.out"; then
        diff "$tmp/csv.out" "$tmp/graph.out" | head -n 20 >&2
        fail "eval $args: tenant.json and the CSV tenant give different reports"
    fi
    cmp -s "$tmp/csv.err" "$tmp/graph.err" || { diff "$tmp/csv.err" "$tmp/graph.err" >&2; fail "eval $args: different stderr"; }
    echo "ok: eval $args: tenant.json gives the CSV tenant's report byte for byte (exit $rc_graph)"
done
"$SKULD" eval "$rules" --tenant "$graph" --format json >"$tmp/report.json" 2>/dev/null

# ---- 2. --format graph ----------------------------------------------------------

"$SKULD" eval "$rules" --tenant "$graph" --format graph >"$tmp/states.json" 2>"$tmp/states.err"
rc=$?
[ "$rc" -eq 1 ] || { cat "$tmp/states.err" >&2; fail "eval --format graph exited $rc, expected 1"; }
[ -s "$tmp/states.json" ] || fail "eval --format graph wrote nothing"

if ! command -v python3 >/dev/null 2>&1; then
    echo "skipped: --format graph shape and convert.py freshness (python3 is not installed)"
    exit 0
fi

python3 - "$graph" "$tmp/states.json" "$tmp/report.json" "$rules/catalog.skuld" <<'EOF' || fail "eval --format graph: see above"
import json, re, sys
from collections import Counter

tenant = json.load(open(sys.argv[1], encoding="utf-8"))
try:
    states = json.load(open(sys.argv[2], encoding="utf-8"))
except ValueError as e:
    sys.exit("--format graph is not JSON: %s" % e)
report = json.load(open(sys.argv[3], encoding="utf-8"))
catalog = open(sys.argv[4], encoding="utf-8").read()
sku_of = dict(re.findall(r'product\s+(\w+)\s+"[^"]*"\s*\{\s*id\s+"([0-9a-f-]+)"', catalog))

users = tenant["users"]
if not isinstance(states, list):
    sys.exit("--format graph: the top level is not an array")
if len(states) != len(users):
    sys.exit("--format graph: %d entries for %d users" % (len(states), len(users)))
for i, (u, e) in enumerate(zip(users, states)):
    if sorted(e) != ["id", "licenseAssignmentStates", "userPrincipalName"]:
        sys.exit("entry %d: keys %s" % (i, sorted(e)))
    if e["id"] != u["id"] or e["userPrincipalName"] != u["userPrincipalName"]:
        sys.exit("entry %d is %s (%s), users[%d] is %s (%s)" % (i, e["userPrincipalName"], e["id"], i,
                                                               u["userPrincipalName"], u["id"]))
    for k, s in enumerate(e["licenseAssignmentStates"]):
        if sorted(s) != ["assignedByGroup", "disabledPlans", "error", "skuId", "state"]:
            sys.exit("%s state %d: keys %s" % (u["userPrincipalName"], k, sorted(s)))
        if s["state"] not in ("Active", "ActiveWithError", "Error"):
            sys.exit("%s state %d: state %r" % (u["userPrincipalName"], k, s["state"]))
        if (s["error"] == "None") != (s["state"] == "Active"):
            sys.exit("%s state %d: error %r with state %r" % (u["userPrincipalName"], k, s["error"], s["state"]))

# The json report says the same: one state per (user, source, product) held (a
# direct one carries the direct licence's violation, if any, as its error) and one
# "Error" state per violation through a group; nothing else.
group_id = {g["displayName"]: g["id"] for g in tenant["groups"]}
direct_error = {(v["user"], v["product"]): v["error"] for v in report["violations"] if v["group"] is None}
want = Counter()
for a in report["assignments"]:
    for via in a["via"]:
        if via == "direct":
            want[(a["user"], None, sku_of[a["product"]], direct_error.get((a["user"], a["product"]), "None"))] += 1
        else:
            want[(a["user"], group_id[via], sku_of[a["product"]], "None")] += 1
for v in report["violations"]:
    if v["group"] is not None:
        want[(v["user"], group_id[v["group"]], sku_of[v["product"]], v["error"])] += 1
got = Counter()
for e in states:
    for s in e["licenseAssignmentStates"]:
        got[(e["userPrincipalName"], s["assignedByGroup"], s["skuId"], s["error"])] += 1
if want != got:
    sys.exit("--format graph and --format json disagree:\n  only in json: %s\n  only in graph: %s"
             % (list((want - got).items())[:5], list((got - want).items())[:5]))
print("graph states: %d users, %d states, %d in error" %
      (len(states), sum(got.values()), sum(n for k, n in got.items() if k[3] != "None")))
EOF
echo "ok: --format graph is JSON, one entry per user in users[] order, and agrees with the json report"

# ---- 3. tenant.json is up to date -----------------------------------------------

python3 "$top/examples/contoso-graph/convert.py" -o "$tmp/tenant.json" 2>/dev/null || fail "convert.py failed"
cmp -s "$tmp/tenant.json" "$graph" || fail "examples/contoso-graph/tenant.json is stale: run python3 examples/contoso-graph/convert.py"
python3 "$top/examples/contoso-graph/convert.py" -o "$tmp/again.json" 2>/dev/null || fail "convert.py failed"
cmp -s "$tmp/tenant.json" "$tmp/again.json" || fail "convert.py is not deterministic"
echo "ok: convert.py is deterministic and tenant.json is up to date"
