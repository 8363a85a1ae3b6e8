#!/bin/sh
# tests/scripts/whatif_state.sh — the state file round trip (SEMANTICS.md What-if,
# `--baseline current`; CLI.md licenses.csv with `group` and `error`).
#
# 1. `skuld eval rules/ --tenant examples/contoso --save-state F` writes F and exits as
#    eval does (1: the example has violations); the report on stdout is the same as
#    without --save-state.
# 2. F has the licenses.csv header and one row per source (direct licences with an
#    empty group, inherited ones with their group).
# 3. `skuld whatif ... --state F` with an empty scenario gives an empty diff: no
#    assignment gained, lost or changed, no violation raised, cleared or changed,
#    consumed/seats/conflict equal before and after, and exit 0 (violations already
#    in the baseline do not count). The baseline's consumed counts are eval's.
# 4. A real scenario (buy the 10 E3 seats the example lacks, then reprocess
#    "Engineering E3") gives the same diff from the state file as from a fresh
#    evaluation, except for the violations' detail and hint texts (an imported
#    error says where it came from): same assignments, same products, same violation
#    keys and codes, same reprocess hints, same exit status.
# 5. The same round trip through the Graph-free path with `--baseline current` and
#    the state file as licenses.csv of a copied tenant gives the same empty diff.
#
# Needs jq for 3-5 (skipped with a message without it). Stops at the first failure.
set -u
: "${SKULD:?set SKULD to the skuld binary}"

top=$(cd "$(dirname "$0")/../.." && pwd) || exit 1
rules="$top/rules"
tenant="$top/examples/contoso"
[ -d "$rules" ] && [ -f "$tenant/users.csv" ] || { echo "FAIL: $rules or $tenant missing" >&2; exit 1; }

. "$(dirname "$0")/lib/common.sh"
make_tmp whatif-state

# ---- 1, 2: eval --save-state -------------------------------------------------------

"$SKULD" eval "$rules" --tenant "$tenant" --format json >"$tmp/eval_plain.json" 2>/dev/null
rc_plain=$?
"$SKULD" eval "$rules" --tenant "$tenant" --format json --save-state "$tmp/state.csv" >"$tmp/eval.json" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] || fail "eval --save-state exited $rc, expected 1"
[ $rc_plain -eq $rc ] || fail "eval exit status changes with --save-state ($rc_plain vs $rc)"
cmp -s "$tmp/eval_plain.json" "$tmp/eval.json" || fail "eval report changes with --save-state"
[ -s "$tmp/state.csv" ] || fail "no state file written"
head -n 1 "$tmp/state.csv" | tr -d '\r' | grep -q '^user,product,disabled_plans,group,error$' ||
    fail "state file header: $(head -n 1 "$tmp/state.csv")"
grep -q '^felix.wagner@contoso.com,WORKPLACE_ANALYTICS,,,' "$tmp/state.csv" ||
    fail "state file lacks felix.wagner's direct WORKPLACE_ANALYTICS row"
grep -q '^jurgen.koch@contoso.com,ENTERPRISEPACK,.*,Analytics add-on (E3),' "$tmp/state.csv" ||
    fail "state file lacks jurgen.koch's E3 through \"Analytics add-on (E3)\""
grep -q '^amit.iyer@contoso.com,ENTERPRISEPACK,,Engineering E3,CountViolation' "$tmp/state.csv" ||
    fail "state file lacks amit.iyer's CountViolation row"

command -v jq >/dev/null 2>&1 || { echo "jq not found: state round-trip checks skipped"; exit 0; }

# ---- 3: empty scenario from the state file -----------------------------------------

printf '# nothing changes\nscenario "nothing" {\n}\n' >"$tmp/empty.skuld"
"$SKULD" whatif "$rules" --tenant "$tenant" --state "$tmp/state.csv" --scenario "$tmp/empty.skuld" --format json \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] || fail "whatif --state with an empty scenario exited $rc, expected 0"
jq -e '
    .scenario == "nothing"
    and ([.assignments.gained, .assignments.lost, .assignments.changed,
          .violations.raised, .violations.cleared, .violations.changed] | all(length == 0))
    and (.products | all(.consumed_before == .consumed_after and .seats_before == .seats_after
                         and .conflict_before == .conflict_after))
' "$tmp/out" >/dev/null || fail "whatif --state with an empty scenario: the diff is not empty"
jq -c '[.products[] | {product, consumed}]' "$tmp/eval.json" >"$tmp/eval_consumed"
jq -c '[.products[] | {product, consumed: .consumed_before}]' "$tmp/out" >"$tmp/state_consumed"
cmp -s "$tmp/eval_consumed" "$tmp/state_consumed" || fail "consumed from the state file differs from eval's"

# ---- 4: the same scenario from both baselines ----------------------------------------

cat >"$tmp/seats.skuld" <<'EOF'
scenario "renew E3 at 160" {
    set seats ENTERPRISEPACK 160;
    reprocess "Engineering E3";
}
EOF
"$SKULD" whatif "$rules" --tenant "$tenant" --scenario "$tmp/seats.skuld" --format json >"$tmp/from_eval.json" 2>"$tmp/err"
rc_eval=$?
"$SKULD" whatif "$rules" --tenant "$tenant" --state "$tmp/state.csv" --scenario "$tmp/seats.skuld" --format json \
    >"$tmp/from_state.json" 2>"$tmp/err"
rc_state=$?
[ $rc_eval -eq $rc_state ] || fail "exit status differs: baseline eval $rc_eval, --state $rc_state"
[ $rc_eval -eq 0 ] || fail "renewing E3 at 160 exited $rc_eval, expected 0"
strip='del(.violations[][] | .detail, .hint)'
jq -S "$strip" "$tmp/from_eval.json" >"$tmp/a"
jq -S "$strip" "$tmp/from_state.json" >"$tmp/b"
cmp -s "$tmp/a" "$tmp/b" || { diff "$tmp/a" "$tmp/b" | head -n 20 >&2; fail "diff from --state differs from the eval baseline's"; }
jq -e '(.assignments.gained | length) == 10 and (.violations.cleared | length) == 10' "$tmp/from_eval.json" >/dev/null ||
    fail "renewing E3 at 160: expected the 5 engineers to gain E3 and EMS and their 10 violations to clear"

# ---- 5: the state file as licenses.csv, --baseline current ---------------------------

mkdir "$tmp/tenant" || exit 1
cp "$tenant/users.csv" "$tenant/members.csv" "$tenant/skus.csv" "$tmp/tenant/" || exit 1
cp "$tmp/state.csv" "$tmp/tenant/licenses.csv" || exit 1
"$SKULD" whatif "$rules" --tenant "$tmp/tenant" --baseline current --scenario "$tmp/empty.skuld" --format json \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] || fail "whatif --baseline current on the state as licenses.csv exited $rc, expected 0"
jq -c '[.products[] | {product, consumed: .consumed_before}]' "$tmp/out" >"$tmp/csv_consumed"
cmp -s "$tmp/eval_consumed" "$tmp/csv_consumed" || fail "consumed from licenses.csv (current) differs from eval's"
"$SKULD" whatif "$rules" --tenant "$tmp/tenant" --baseline current --scenario "$tmp/seats.skuld" --format json \
    >"$tmp/from_csv.json" 2>"$tmp/err"
jq -S "$strip" "$tmp/from_csv.json" >"$tmp/c"
cmp -s "$tmp/a" "$tmp/c" || { diff "$tmp/a" "$tmp/c" | head -n 20 >&2; fail "diff from licenses.csv (current) differs from the eval baseline's"; }
# eval ignores the inherited rows: the copied tenant evaluates as the original
"$SKULD" eval "$rules" --tenant "$tmp/tenant" --format json >"$tmp/eval_copy.json" 2>/dev/null
cmp -s "$tmp/eval.json" "$tmp/eval_copy.json" || fail "eval does not ignore licenses.csv rows with a group"

echo "ok"
exit 0
