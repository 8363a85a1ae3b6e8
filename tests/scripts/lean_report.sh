#!/bin/sh
# tests/scripts/lean_report.sh — `eval --format json` runs a lean pass: it keeps no
# source lists and finds each holding's groups from the memberships and violations
# when the report (or a conflict's detail) needs them (include/eval.h, `lean`). With
# `--save-state` the pass keeps its lists as before. Both ways must give the same
# report, byte for byte, and the same exit status:
#   - every JSON case of tests/eval (conflicts naming the other product's groups,
#     seat hints counting holders through groups, direct licences, nested groups),
#     with and without --no-assignments;
#   - the Contoso example;
#   - a generated tenant of 3,000 users (build/tools/gen-tenant), which has shared
#     holdings, tight seats and direct licences.
#
# Run by tests/run.sh with SKULD=path/to/skuld.
set -u
: "${SKULD:?set SKULD to the skuld binary}"
. "$(dirname "$0")/lib/common.sh"
make_tmp lean
top=$(cd "$(dirname "$0")/../.." && pwd) || exit 1

# compare NAME ARGS...: `skuld ARGS` against `skuld ARGS --save-state FILE`
compare() {
    name=$1
    shift
    "$SKULD" "$@" >"$tmp/lean.json" 2>"$tmp/lean.err"
    rc_lean=$?
    "$SKULD" "$@" --save-state "$tmp/state.csv" >"$tmp/kept.json" 2>"$tmp/kept.err"
    rc_kept=$?
    [ "$rc_lean" -le 1 ] || bad "$name: exit $rc_lean: $(head -n 3 "$tmp/lean.err")"
    [ "$rc_lean" = "$rc_kept" ] || bad "$name: exit $rc_lean lean, $rc_kept keeping the source lists"
    [ -s "$tmp/lean.json" ] || bad "$name: an empty report"
    cmp -s "$tmp/lean.json" "$tmp/kept.json" || bad "$name: the lean report differs from the one with source lists"
    compared=$((compared + 1))
}

compared=0
for case in "$top"/tests/eval/*/; do
    name=$(basename "$case")
    args=$(cat "$case/args" 2>/dev/null) || continue
    case " $args " in *" json "*|*"--format json"*) ;; *) continue ;; esac
    # the args are options without spaces in their values (the golden runner's form)
    # shellcheck disable=SC2086
    compare "$name" eval "$case/rules" --tenant "$case/tenant" $args
    # shellcheck disable=SC2086
    compare "$name --no-assignments" eval "$case/rules" --tenant "$case/tenant" $args --no-assignments
done
[ "$compared" -ge 20 ] || bad "only $compared JSON cases of tests/eval compared"

compare "examples/contoso" eval "$top/rules" --tenant "$top/examples/contoso" --format json

need_gen
"$gen" --users 3000 --out "$tmp/g" >"$tmp/out" 2>"$tmp/err" || fail "gen-tenant failed"
compare "generated, 3000 users" eval "$top/rules/microsoft365/catalog.skuld" "$tmp/g/rules.skuld" \
    --tenant "$tmp/g/tenant" --format json
compare "generated, 3000 users, --no-assignments" eval "$top/rules/microsoft365/catalog.skuld" \
    "$tmp/g/rules.skuld" --tenant "$tmp/g/tenant" --format json --no-assignments
exit $fail
