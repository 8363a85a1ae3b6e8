#!/bin/sh
# A sample of real runs under valgrind (memcheck): no invalid access, no uninitialised
# use, no leak. Skipped for sanitizer builds (valgrind cannot run them): the script
# then checks nothing and says so, and the sanitizer run covers the same ground.
set -u
cd "$(dirname "$0")/../.."
if ! command -v valgrind >/dev/null 2>&1; then
    echo "FAIL: valgrind is not installed"
    exit 1
fi
if nm "$SKULD" 2>/dev/null | grep -q __asan_init; then
    echo "sanitizer build: valgrind sample not applicable"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
run() {
    valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
        "$SKULD" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ $rc = 99 ] || grep -q '==[0-9]*==' "$tmp/err"; then
        echo "FAIL: valgrind: skuld $*"
        grep '==[0-9]*==' "$tmp/err" | head -n 20
        fail=1
    fi
}
run check rules/
run check tests/check/syntax_several_errors.skuld
run eval rules --tenant examples/contoso --format json
run eval rules --tenant examples/contoso-graph/tenant.json --format graph
run whatif rules --tenant examples/contoso --scenario examples/scenarios/seats_freed_reprocess.skuld
run whatif rules --tenant examples/contoso --remove "isabel.costa@contoso.com:Sales E3" --format json
run lint rules --tenant examples/contoso --format sarif
run explain rules --tenant examples/contoso --user amit.iyer@contoso.com
run report rules --tenant examples/contoso -o "$tmp/r.html"
run fmt rules/contoso.skuld
run eval rules --tenant tests/eval/csv_format/tenant
exit $fail
