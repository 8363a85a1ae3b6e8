#!/bin/sh
# fuzz/run.sh [TARGET...] — builds the libFuzzer targets (fuzz/fuzz.mk), seeds their
# corpora and runs each for FUZZ_SECONDS seconds. `make fuzz` and `make fuzz-smoke` call
# it; docs/RELIABILITY.md ("Fuzzing") says what each target reads.
#
#   TARGET            rules, csv, scenario, graph (default: all four, in that order)
#   FUZZ_SECONDS      run time of each target (default 60)
#   FUZZ_PARALLEL     targets run at a time (default 1; each is one process)
#   FUZZ_TIMEOUT      seconds one input may take before it counts as a hang (default 30)
#   FUZZ_BUILD        build directory (default build-fuzz)
#   FUZZ_ARGS         more libFuzzer options, e.g. FUZZ_ARGS=-seed=1
#   ASAN_OPTIONS      default quarantine_size_mb=32 (the default 256 MB quarantine
#                     costs a page fault per allocation: half the speed)
#
# Corpora live in $FUZZ_BUILD/corpus/TARGET and grow from run to run; seeds (rules/,
# examples/, the tests) are copied in every run. Findings (crash-*, leak-*, timeout-*,
# oom-*, slow-unit-*) go to $FUZZ_BUILD/artifacts/, each run's log to
# $FUZZ_BUILD/logs/TARGET.log. A finding is replayed with
#   $FUZZ_BUILD/fuzz_TARGET FILE
# and, once src/ is fixed, kept as tests/fuzz-regressions/TARGET-N (raw bytes; run by
# tests/scripts/fuzz_regressions.sh).
#
# Prints one line per target with its executions (libFuzzer's
# stat::number_of_executed_units). Exit status: 0 nothing found, 1 a target found
# something (or died), 2 the build failed.
set -u
cd "$(dirname "$0")/.." || exit 2
B=${FUZZ_BUILD:-build-fuzz}
secs=${FUZZ_SECONDS:-60}
par=${FUZZ_PARALLEL:-1}
timeout=${FUZZ_TIMEOUT:-30}
targets=${*:-rules csv scenario graph}
ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=32}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export ASAN_OPTIONS UBSAN_OPTIONS

for t in $targets; do
    case $t in rules|csv|scenario|graph) ;; *) echo "fuzz/run.sh: unknown target '$t'" >&2; exit 2 ;; esac
done

mkdir -p "$B/corpus" "$B/artifacts" "$B/logs" || exit 2
make --no-print-directory -f fuzz/fuzz.mk FUZZ_BUILD="$B" -j"${FUZZ_JOBS:-2}" >"$B/logs/make.log" 2>&1 || {
    cat "$B/logs/make.log" >&2
    echo "fuzz/run.sh: the build failed" >&2
    exit 2
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/skuld-fuzz-seeds.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# add TARGET FILE: copies FILE into the target's corpus under its SHA-1 (no repeats).
add() {
    [ -f "$2" ] || return 0
    sum=$(sha1sum <"$2" | cut -c1-40)
    [ -f "$B/corpus/$1/$sum" ] || cp "$2" "$B/corpus/$1/$sum"
}

# csv_seed DIR: a tenant directory as fuzz_csv.c reads it, the files joined by 0xFF
# (users, members, licenses, skus; trailing absent files left out).
csv_seed() {
    d=$1
    out="$tmp/csv.seed"
    : >"$out"
    n=0
    last=0
    for f in users members licenses skus; do
        n=$((n + 1))
        [ -f "$d/$f.csv" ] && last=$n
    done
    n=0
    for f in users members licenses skus; do
        n=$((n + 1))
        [ "$n" -le "$last" ] || break
        [ "$n" -gt 1 ] && printf '\377' >>"$out"
        [ -f "$d/$f.csv" ] && cat "$d/$f.csv" >>"$out"
    done
    add csv "$out"
}

# scenario_blocks FILE: each `scenario ... { ... }` block of a rule file, one seed each
# (a block starts at a line beginning "scenario" and ends at a line beginning "}").
scenario_blocks() {
    awk -v dir="$tmp/blocks" '
        /^scenario/ { n++; out = dir "/" n; inside = 1 }
        inside { print > out }
        inside && /^}/ { inside = 0; close(out) }
    ' "$1"
}

seed_rules() {
    for f in rules/*.skuld rules/*/*.skuld examples/scenarios/*.skuld tests/check/*.skuld \
             tests/eval/*/rules/*.skuld tests/whatif/*/rules/*.skuld tests/whatif/*/*.skuld \
             tests/lint/*/*/rules/*.skuld; do
        add rules "$f"
    done
    # tests/forms: one case a line ("ok SOURCE" / "fail SOURCE")
    for f in tests/forms/*.txt; do
        [ -f "$f" ] || continue
        grep -v '^#' "$f" | grep -v '^$' | sed 's/^[a-z]* //' | while IFS= read -r line; do
            printf '%s\n' "$line" >"$tmp/form"
            add rules "$tmp/form"
        done
    done
}

seed_csv() {
    for d in examples/contoso tests/eval/*/tenant tests/whatif/*/tenant tests/lint/*/*/tenant; do
        [ -d "$d" ] && csv_seed "$d"
    done
    # small slices of the Contoso example (fast to run): N users and what they take
    for n in 5 40; do
        rm -rf "$tmp/slice"
        sh fuzz/slice_tenant.sh examples/contoso "$tmp/slice" "$n" && csv_seed "$tmp/slice"
    done
    csv_seed fuzz/fixture/contoso-slice
    for f in fuzz/seeds/csv/*; do add csv "$f"; done
}

seed_scenario() {
    for f in examples/scenarios/*.skuld tests/whatif/*/*.skuld; do
        add scenario "$f"
    done
    for f in tests/whatif/*/rules/*.skuld; do
        rm -rf "$tmp/blocks"
        mkdir -p "$tmp/blocks"
        scenario_blocks "$f"
        for b in "$tmp/blocks"/*; do add scenario "$b"; done
    done
    for f in fuzz/seeds/scenario/*; do add scenario "$f"; done
}

seed_graph() {
    add graph examples/contoso-graph/tenant.json
    # the good export of tests/scripts/graph_errors.sh
    # shellcheck disable=SC2016 # a sed address, not a shell expansion
    sed -n '/^cat >"$tmp\/good.json" <</,/^EOF$/p' tests/scripts/graph_errors.sh | sed '1d;$d' >"$tmp/good.json"
    [ -s "$tmp/good.json" ] && add graph "$tmp/good.json"
    # slices of the Contoso export that fit in -max_len
    if command -v python3 >/dev/null 2>&1; then
        for n in 3 12 40; do
            python3 fuzz/slice_graph.py examples/contoso-graph/tenant.json "$n" >"$tmp/slice.json" &&
                add graph "$tmp/slice.json"
        done
    fi
    for f in fuzz/seeds/graph/*; do add graph "$f"; done
}

for t in $targets; do
    mkdir -p "$B/corpus/$t"
    case $t in
        rules) seed_rules ;;
        csv) seed_csv ;;
        scenario) seed_scenario ;;
        graph) seed_graph ;;
    esac
done

# run TARGET: one fuzzing run; its log in $B/logs/TARGET.log.
run() {
    t=$1
    dict=""
    [ -f "fuzz/$t.dict" ] && dict="-dict=fuzz/$t.dict"
    # shellcheck disable=SC2086 # $dict and $FUZZ_ARGS are lists of options
    "$B/fuzz_$t" "$B/corpus/$t" $dict -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 \
        -timeout="$timeout" -print_final_stats=1 -artifact_prefix="$B/artifacts/$t-" \
        ${FUZZ_ARGS:-} >"$B/logs/$t.log" 2>&1
    echo $? >"$B/logs/$t.rc"
}

echo "fuzz: $targets: $secs s each, $par at a time (logs in $B/logs/)"
running=0
for t in $targets; do
    run "$t" &
    running=$((running + 1))
    if [ $running -ge "$par" ]; then
        wait
        running=0
    fi
done
wait

status=0
printf '%-10s %8s %14s  %s\n' target seconds executions result
for t in $targets; do
    log="$B/logs/$t.log"
    rc=$(cat "$B/logs/$t.rc" 2>/dev/null || echo "?")
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
    if [ "$rc" = 0 ]; then
        result="ok, corpus $(find "$B/corpus/$t" -type f | wc -l) inputs"
    else
        status=1
        art=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
        what=$(grep -m 1 -E '^(SUMMARY|==[0-9]+==ERROR)' "$log" | cut -c1-100)
        result="FOUND (exit $rc): ${art:-see $log} ${what:+- $what}"
    fi
    printf '%-10s %8s %14s  %s\n' "$t" "${took:-$secs}" "${execs:-?}" "$result"
done
exit $status
