#!/bin/sh
# tests/run.sh BUILD_DIR... — runs the whole suite against each build and ends with
# "N passed, M failed". Exit status 1 when anything failed.
#
#   unit       every $BUILD/tests/test_* (cmocka); each cmocka test counts once
#   check      tests/check/NAME.skuld: `skuld check NAME.skuld` run in tests/check,
#              stdout+stderr and "[exit N]" compared with NAME.expected
#   forms      tests/forms/*.txt: one case a line, "ok <source>" or "fail <source>":
#              the one-line rule file must check clean (exit 0) or fail (exit 1)
#   eval       tests/eval/NAME/: `skuld eval NAME/rules --tenant NAME/tenant
#              $(cat NAME/args)` compared with NAME/expected (output and "[exit N]")
#   whatif     tests/whatif/NAME/: `skuld whatif NAME/rules --tenant NAME/tenant
#              $(cat NAME/args)` compared with NAME/expected (output, "[exit N]", stderr)
#   scripts    tests/scripts/*.sh: each run with SKULD=path/to/skuld; exit 0 passes
#
# UPDATE=1 rewrites the expected files from the first build's output (review the diff!).
set -u
cd "$(dirname "$0")/.." || exit 2
top=$(pwd)
pass=0
fail=0
failed_names=""
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok()   { pass=$((pass + 1)); }
bad()  { fail=$((fail + 1)); failed_names="$failed_names
  $1"; echo "FAIL: $1"; }

# golden_dirs eval|whatif: tests/KIND/NAME/ run as `skuld KIND NAME/rules --tenant
# NAME/tenant $(cat NAME/args)`; stdout, "[exit N]" and stderr compared with NAME/expected
golden_dirs() {
    kind=$1
    for d in tests/$kind/*/; do
        [ -d "$d" ] || continue
        base=$(basename "$d")
        args=""
        [ -f "$d/args" ] && args=$(cat "$d/args")
        (cd tests/$kind && eval "\"$skuld\" $kind $base/rules --tenant $base/tenant $args" >"$tmp/out" 2>"$tmp/err";
         echo "[exit $?]" >>"$tmp/out"; cat "$tmp/err" >>"$tmp/out")
        exp="$d/expected"
        if [ "${UPDATE:-}" = 1 ] && [ $first = 1 ]; then cp "$tmp/out" "$exp"; fi
        if [ -f "$exp" ] && cmp -s "$tmp/out" "$exp"; then ok; else
            bad "$label/$kind/$base"; diff -u "$exp" "$tmp/out" | head -n 30; fi
    done
}

first=1
for build in "$@"; do
    skuld="$top/$build/skuld"
    label=$(basename "$build")
    [ -x "$skuld" ] || { bad "$label: $skuld was not built"; continue; }

    # unit tests
    for t in "$build"/tests/test_*; do
        [ -x "$t" ] || continue
        name="$label/unit/$(basename "$t")"
        if "$t" >"$tmp/unit.out" 2>&1; then
            n=$(grep -o '\[  PASSED  \] [0-9]*' "$tmp/unit.out" | tail -n 1 | grep -o '[0-9]*$')
            pass=$((pass + ${n:-1}))
        else
            n=$(grep -o '\[  FAILED  \] [0-9]*' "$tmp/unit.out" | tail -n 1 | grep -o '[0-9]*$')
            cat "$tmp/unit.out"
            fail=$((fail + ${n:-1}))
            failed_names="$failed_names
  $name"
            echo "FAIL: $name"
        fi
    done

    # golden diagnostics
    for f in tests/check/*.skuld; do
        [ -f "$f" ] || continue
        base=$(basename "$f" .skuld)
        exp="tests/check/$base.expected"
        (cd tests/check && "$skuld" check "$base.skuld" >"$tmp/out" 2>&1; echo "[exit $?]" >>"$tmp/out")
        if [ "${UPDATE:-}" = 1 ] && [ $first = 1 ]; then cp "$tmp/out" "$exp"; fi
        if [ -f "$exp" ] && cmp -s "$tmp/out" "$exp"; then ok; else
            bad "$label/check/$base"; diff -u "$exp" "$tmp/out" | head -n 20; fi
    done

    # one-line forms
    for f in tests/forms/*.txt; do
        [ -f "$f" ] || continue
        n=0
        while IFS= read -r line; do
            n=$((n + 1))
            case "$line" in ''|'#'*) continue ;; esac
            want=${line%% *}
            src=${line#* }
            printf '%s\n' "$src" >"$tmp/case.skuld"
            "$skuld" check "$tmp/case.skuld" >"$tmp/case.out" 2>&1
            rc=$?
            case "$want:$rc" in
                ok:0|fail:1) ok ;;
                *) bad "$label/forms/$(basename "$f"):$n ($want, exit $rc): $src"; head -n 4 "$tmp/case.out" ;;
            esac
        done <"$f"
    done

    # evaluation and what-if goldens
    golden_dirs eval
    golden_dirs whatif

    # scripted tests (properties, bad input, CLI behaviour)
    for s in tests/scripts/*.sh; do
        [ -f "$s" ] || continue
        if SKULD="$skuld" BUILD="$top/$build" sh "$s" >"$tmp/script.out" 2>&1; then ok; else
            bad "$label/scripts/$(basename "$s")"; tail -n 20 "$tmp/script.out"; fi
    done
    first=0
done

if [ $fail -gt 0 ]; then
    echo "failed:$failed_names"
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
