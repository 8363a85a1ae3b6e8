#!/bin/sh
# tests/scripts/fuzz_regressions.sh — replays every input the fuzzers found
# (tests/fuzz-regressions/TARGET-N, raw bytes) through the skuld commands that read it
# the way the fuzz target did (fuzz/fuzz_TARGET.c; docs/RELIABILITY.md, "Fuzzing"):
#
#   rules-N     skuld check FILE; skuld lint FILE
#   csv-N       the file split at each 0xFF byte into users.csv, members.csv,
#               licenses.csv, skus.csv (fewer parts: the later files absent), then
#               skuld eval rules/ --tenant DIR (json, text, graph, --save-state),
#               skuld lint rules/ --tenant DIR, and a whatif from the current state
#   scenario-N  skuld whatif rules/ --tenant fuzz/fixture/contoso-slice --scenario FILE
#               (--baseline eval and current, json and text)
#   graph-N     the file as tenant.json: skuld eval rules/ --tenant FILE.json (json,
#               text, graph), skuld lint rules/ --tenant FILE.json, skuld import groups
#
# Every command must end with exit status 0, 1 or 2 (a finding is bad input, never a
# crash), within 60 seconds, with no sanitizer report on stderr (run it with the
# ASan + UBSan build to catch memory errors: tests/run.sh does). Each input runs in a
# fresh directory of its own, under the file name the fuzzer gave it.
#
# FUZZ_REGRESSIONS=DIR replays the files of DIR instead (named the same way), e.g. a
# sample of a fuzzing corpus.
#
# Run by tests/run.sh with SKULD=path/to/skuld. Reports every failure, then exits 1.
set -u
: "${SKULD:?set SKULD to the skuld binary}"
dir=${FUZZ_REGRESSIONS:-}
if [ -n "$dir" ]; then
    case $dir in /*) ;; *) dir="$(pwd)/$dir" ;; esac
fi
cd "$(dirname "$0")/../.." || exit 1
top=$(pwd)
[ -n "$dir" ] || dir="$top/tests/fuzz-regressions"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/skuld-fuzz-regressions.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

if command -v timeout >/dev/null 2>&1; then limit="timeout 60"; else limit=""; fi
failures=0
count=0

# check NAME ARGS...: runs skuld ARGS in $tmp/case; fails on a bad exit status or a
# sanitizer report.
check() {
    name=$1
    shift
    # shellcheck disable=SC2086 # $limit is a command prefix or nothing
    (cd "$tmp/case" && $limit "$SKULD" "$@" >"$tmp/out" 2>"$tmp/err")
    rc=$?
    count=$((count + 1))
    why=""
    case $rc in
        0|1|2) ;;
        124) why="no answer within 60 s (exit 124)" ;;
        *) why="exit $rc" ;;
    esac
    if grep -q -E 'Sanitizer|runtime error:|AddressSanitizer|LeakSanitizer' "$tmp/err"; then
        why="${why:+$why, }sanitizer report"
    fi
    if [ -n "$why" ]; then
        failures=$((failures + 1))
        echo "FAIL: $name: skuld $*: $why" >&2
        grep -m 8 -E 'ERROR|SUMMARY|runtime error|#[0-3] ' "$tmp/err" >&2
    fi
}

# split_csv FILE DIR: fuzz_csv.c's reading of an input.
split_csv() {
    python3 - "$1" "$2" <<'EOF'
import os
import sys
data = open(sys.argv[1], "rb").read()
parts = data.split(b"\xff")
for name, part in zip(["users.csv", "members.csv", "licenses.csv", "skus.csv"], parts):
    with open(os.path.join(sys.argv[2], name), "wb") as f:
        f.write(part)
EOF
}

found=0
for f in "$dir"/*; do
    [ -f "$f" ] || continue
    base=$(basename "$f")
    case $base in *.md) continue ;; esac
    found=$((found + 1))
    rm -rf "$tmp/case"
    mkdir "$tmp/case" || exit 1
    case $base in
        rules-*)
            cp "$f" "$tmp/case/input.skuld"
            check "$base" check input.skuld
            check "$base" lint input.skuld
            ;;
        csv-*)
            mkdir "$tmp/case/tenant"
            split_csv "$f" "$tmp/case/tenant" || { failures=$((failures + 1)); echo "FAIL: $base: cannot split" >&2; continue; }
            check "$base" eval "$top/rules" --tenant tenant --format json
            check "$base" eval "$top/rules" --tenant tenant --format graph --save-state state.csv
            check "$base" eval "$top/rules" --tenant tenant
            check "$base" lint "$top/rules" --tenant tenant --format sarif
            check "$base" whatif "$top/rules" --tenant tenant --baseline current --seats ENTERPRISEPACK=1000 --format json
            ;;
        scenario-*)
            cp "$f" "$tmp/case/scenario.skuld"
            for baseline in eval current; do
                check "$base" whatif "$top/rules" --tenant "$top/fuzz/fixture/contoso-slice" \
                    --scenario scenario.skuld --baseline $baseline --format json
                check "$base" whatif "$top/rules" --tenant "$top/fuzz/fixture/contoso-slice" \
                    --scenario scenario.skuld --baseline $baseline
            done
            ;;
        graph-*)
            cp "$f" "$tmp/case/tenant.json"
            check "$base" eval "$top/rules" --tenant tenant.json --format json
            check "$base" eval "$top/rules" --tenant tenant.json --format graph
            check "$base" eval "$top/rules" --tenant tenant.json --save-state state.csv
            check "$base" lint "$top/rules" --tenant tenant.json --format sarif
            check "$base" import groups tenant.json
            ;;
        *)
            failures=$((failures + 1))
            echo "FAIL: $base: not named rules-N, csv-N, scenario-N or graph-N" >&2
            ;;
    esac
done

if [ $failures -gt 0 ]; then
    echo "fuzz regressions: $failures of $count runs failed ($found inputs)" >&2
    exit 1
fi
echo "ok: $found fuzz regression inputs, $count runs, no crash, hang or sanitizer report"
