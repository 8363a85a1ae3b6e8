# tests/scripts/lib/common.sh — sourced by test scripts (not a test itself: run.sh runs
# only tests/scripts/*.sh). After `. "$(dirname "$0")/lib/common.sh"`:
#
#   make_tmp NAME   $tmp: a new folder, removed when the script exits
#   fail MESSAGE    prints FAIL: MESSAGE, then what $tmp/err and $tmp/out hold (the
#                   last command's stderr and stdout, by convention), and exits 1
#   bad MESSAGE     prints FAIL: MESSAGE and goes on; the script ends with `exit $fail`
#                   ($fail is 1 once bad was called; a variable, apart from the function)
#   need_gen        $gen: the tenant generator, build/tools/gen-tenant under $top (fails
#                   when it is not built: make tools)

make_tmp() {
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/skuld-$1.XXXXXX") || exit 1
    trap 'rm -rf "$tmp"' EXIT
    trap 'exit 1' HUP INT TERM
}

fail() {
    echo "FAIL: $*" >&2
    for f in "$tmp/err" "$tmp/out"; do
        [ -s "$f" ] && { echo "--- $(basename "$f"):" >&2; head -n 20 "$f" >&2; }
    done
    exit 1
}

fail=0
bad() { echo "FAIL: $*"; fail=1; }

need_gen() {
    gen="$top/build/tools/gen-tenant"
    [ -x "$gen" ] || fail "$gen is not built (make tools)"
}
