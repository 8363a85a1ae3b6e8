#!/bin/sh
# tests/scripts/whatif_examples.sh — the what-if examples of examples/scenarios/ run on
# the Contoso example tenant with the bundled rules, with the exit status and the key
# facts examples/scenarios/README.md states for each (checked in the JSON report with
# jq; without jq only the exit statuses are checked).
#
# Run by tests/run.sh with SKULD=path/to/skuld. Stops at the first failure.
set -u
: "${SKULD:?set SKULD to the skuld binary}"

top=$(cd "$(dirname "$0")/../.." && pwd) || exit 1
cd "$top" || exit 1
[ -d rules ] && [ -f examples/contoso/users.csv ] && [ -d examples/scenarios ] || {
    echo "FAIL: rules/, examples/contoso or examples/scenarios missing" >&2
    exit 1
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/skuld-whatif-examples.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

have_jq=1
command -v jq >/dev/null 2>&1 || { have_jq=0; echo "jq not found: only exit statuses are checked"; }

fail() {
    echo "FAIL: $*" >&2
    [ -s "$tmp/err" ] && { echo "--- stderr:" >&2; head -n 20 "$tmp/err" >&2; }
    exit 1
}

# example EXIT [JQ-EXPRESSION...]: each expression must be true on the JSON report
example() {
    name=$1
    want=$2
    shift 2
    "$SKULD" whatif rules/ --tenant examples/contoso --scenario "examples/scenarios/$name.skuld" --format json \
        >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ "$rc" -eq "$want" ] || fail "$name: exit $rc, expected $want"
    # the text report exits the same way
    "$SKULD" whatif rules/ --tenant examples/contoso --scenario "examples/scenarios/$name.skuld" >/dev/null 2>&1
    rc_text=$?
    [ "$rc_text" -eq "$rc" ] || fail "$name: text report exits $rc_text, JSON $rc"
    [ $have_jq = 1 ] || return 0
    for expr in "$@"; do
        jq -e "$expr" "$tmp/out" >/dev/null || fail "$name: not true: $expr"
    done
}

prod() { printf '(.products[] | select(.product == "%s"))' "$1"; }

example dependency_on_removal 1 \
    '.assignments.gained == [] and .assignments.lost == [] and .assignments.changed == []' \
    '(.violations.raised | length) == 1 and (.violations.raised[0] | .user == "isabel.costa@contoso.com" and .group == "Sales E3" and .product == "ENTERPRISEPACK" and .error == "DependencyViolation")' \
    "$(prod ENTERPRISEPACK) | .consumed_after == 150"
example seats_freed_sticky 0 \
    '.violations.raised == [] and .violations.cleared == [] and .assignments.gained == []' \
    "$(prod ENTERPRISEPACK) | .seats_after == 160 and .consumed_after == 150" \
    '.reprocess == [{"group": "Engineering E3", "would_clear": 5}]'
example seats_freed_reprocess 0 \
    '(.assignments.gained | length) == 10 and (.violations.cleared | length) == 10 and .violations.raised == []' \
    "$(prod ENTERPRISEPACK) | .consumed_after == 155" "$(prod EMS) | .consumed_after == 100" '.reprocess == []'
example swap_e1_e3 1 \
    '(.assignments.gained | length) == 62 and (.assignments.lost | length) == 62 and (.assignments.changed | length) == 5' \
    '([.violations.raised[] | select(.error == "MutuallyExclusiveViolation")] | length) == 5' \
    "$(prod STANDARDPACK) | .consumed_after == 9" "$(prod ENTERPRISEPACK) | .consumed_after == 212"
example swap_e1_e3_separated 1 \
    '(.assignments.gained | length) == 62 and (.assignments.lost | length) == 62' \
    "$(prod ENTERPRISEPACK) | .consumed_after == 212"
example add_member 1 \
    '(.violations.raised | length) == 4 and all(.violations.raised[]; .error == "CountViolation")'
example remove_member 0 \
    '(.assignments.lost | length) == 2 and .violations.raised == []' \
    '.reprocess == [{"group": "Engineering E3", "would_clear": 1}]'
example set_location 1 \
    '(.violations.raised | map(.error) | sort) == ["Other", "ProhibitedInUsageLocationViolation"]' \
    '(.assignments.lost | length) == 1 and (.assignments.lost[0] | .user == "chloe.davies@contoso.com" and .product == "WORKPLACE_ANALYTICS")' \
    '.assignments.changed[0].via_after == ["Sales E3"]'
example set_location_none 0 \
    '(.assignments.gained | map(.product)) == ["MCOEV", "MCOPSTN1"] and (.violations.cleared | length) == 2'
example license 0 \
    '(.violations.cleared[0] | .user == "felix.wagner@contoso.com" and .group == null and .error == "DependencyViolation")' \
    '.assignments.gained[0].plans == ["EXCHANGE_S_STANDARD"]'
example unlicense 0 \
    '(.assignments.lost | length) == 2 and (.violations.cleared | length) == 2 and .violations.raised == []'
example group_assign_replace 0 \
    '(.assignments.changed | length) == 6 and .assignments.gained == [] and .assignments.lost == []' \
    'all(.assignments.changed[]; (.plans_before | length) - (.plans_after | length) == 2)'
example reprocess_user 0 \
    '(.assignments.gained | map(.user) | unique) == ["amit.iyer@contoso.com"]' \
    "$(prod ENTERPRISEPACK) | .consumed_after == 151 and .seats_after == 151"

# baseline_current.skuld from a state file written by eval
"$SKULD" eval rules/ --tenant examples/contoso --save-state "$tmp/state.csv" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] || fail "eval --save-state: unexpected exit status"
"$SKULD" whatif rules/ --tenant examples/contoso --state "$tmp/state.csv" \
    --scenario examples/scenarios/baseline_current.skuld --format json >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] || fail "baseline_current: exit $rc, expected 0"
if [ $have_jq = 1 ]; then
    jq -e '(.assignments.gained | length) == 10 and (.violations.cleared | length) == 10' "$tmp/out" >/dev/null ||
        fail "baseline_current: expected 10 gained and 10 cleared"
fi

# invalid_change.skuld: W1, a located error, nothing on stdout
"$SKULD" whatif rules/ --tenant examples/contoso --scenario examples/scenarios/invalid_change.skuld \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] || fail "invalid_change: exit $rc, expected 2"
[ -s "$tmp/out" ] && fail "invalid_change: a report was written"
grep -q '^examples/scenarios/invalid_change.skuld:6:9: error: unknown user' "$tmp/err" ||
    fail "invalid_change: no located 'unknown user' error"

echo ok
exit 0
