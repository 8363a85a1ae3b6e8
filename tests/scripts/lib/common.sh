# tests/scripts/lib/common.sh — sourced by test scripts (not a test itself: run.sh runs
# only tests/scripts/*.sh). After `. "$(dirname "$0")/lib/common.sh"`:
#
#   make_tmp NAME   $tmp: a new folder, removed when the script exits
#   fail MESSAGE    prints FAIL: MESSAGE, then what $tmp/err and $tmp/out hold (the
#                   last command's stderr and stdout, by convention), and exits 1

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
