#!/bin/sh
# tools/bench.sh — `make bench`: whole-process wall time and peak memory of skuld on
# generated inputs, each beside the time `wc -l` takes to read the same bytes (the
# floor: reading the input is the least any tool must do). Best of 5 runs.
# Figures and how they grow: docs/PERFORMANCE.md.
set -eu
cd "$(dirname "$0")/.."
out=${BENCH_DIR:-build/bench}
mkdir -p "$out"
runs=5

# best wall time (s) and its peak RSS (KiB) of a command over $runs runs
measure() {
    best=""; best_mem=""
    i=0
    while [ $i -lt $runs ]; do
        start=$(date +%s%N)
        /usr/bin/time -f "%M" -o "$out/time.txt" "$@" >/dev/null 2>&1 || true
        end=$(date +%s%N)
        t=$(awk "BEGIN{printf \"%.3f\", ($end - $start) / 1e9}")
        m=$(tail -n 1 "$out/time.txt")
        if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; best_mem=$m; fi
        i=$((i + 1))
    done
    echo "$best $best_mem"
}

row() {   # name, input files..., -- command...
    name=$1; shift
    files=""
    while [ "$1" != "--" ]; do files="$files $1"; shift; done
    shift
    set -- $(measure "$@") $(measure wc -l $files)
    printf "%-34s %9s s %9s MiB %9s s   x%s\n" "$name" "$1" "$(( $2 / 1024 ))" "$3" \
        "$(awk "BEGIN{ if ($3 > 0) printf \"%.0f\", $1 / $3; else print \"-\" }")"
}

awk -v lines=100000 -f tools/gen-rules.awk >"$out/rules-100k.skuld"
printf "%-34s %11s %13s %11s   %s\n" "benchmark (best of $runs)" "wall" "peak" "wc -l" "ratio"
row "check, 100k-line rule set" "$out/rules-100k.skuld" -- ./skuld check "$out/rules-100k.skuld"
row "eval, examples/contoso (297 users)" examples/contoso/users.csv examples/contoso/members.csv \
    examples/contoso/licenses.csv -- ./skuld eval rules --tenant examples/contoso --format json -o "$out/report.json"
