#!/bin/sh
# tools/bench.sh — `make bench`: whole-process wall time and peak memory of skuld on
# generated inputs, each beside the time `wc -l` takes to read the same bytes (the
# floor: reading the input is the least any tool must do). Best of $BENCH_RUNS runs.
# BENCH_SIZES (default "10000 100000 1000000") picks the tenant sizes; the largest is
# also evaluated with each group's members listed in random order (gen-tenant
# --member-order random: the same memberships, the id lookups at random places).
# Figures and how they grow: docs/PERFORMANCE.md.
set -eu
cd "$(dirname "$0")/.."
out=${BENCH_DIR:-build/bench}
runs=${BENCH_RUNS:-3}
sizes=${BENCH_SIZES:-"10000 100000 1000000"}
mkdir -p "$out"
catalog=rules/microsoft365/catalog.skuld

# best wall time (s) and its peak RSS (KiB) of a command over $runs runs
measure() {
    best=""; best_mem=""
    i=0
    while [ $i -lt "$runs" ]; do
        # each run writes a new report: replacing the last one would time the kernel
        # freeing its pages too (1.6 GB at 1M users: about a second, docs/PERFORMANCE.md)
        rm -f "$out/report.json" "$out/diff.json"
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
    printf "%-52s %9s s %7s MiB %9s s  x%s\n" "$name" "$1" "$(( $2 / 1024 ))" "$3" \
        "$(awk "BEGIN{ if ($3 > 0) printf \"%.0f\", $1 / $3; else print \"-\" }")"
}

printf "%-52s %11s %11s %11s  %s\n" "benchmark (best of $runs)" "wall" "peak" "wc -l" "ratio"
awk -v lines=100000 -f tools/gen-rules.awk >"$out/rules-100k.skuld"
row "check, 100k-line rule set" "$out/rules-100k.skuld" -- ./skuld check "$out/rules-100k.skuld"
row "check, Microsoft catalog (569 products)" "$catalog" -- ./skuld check "$catalog"
for n in $sizes; do
    dir="$out/tenant-$n"
    [ -f "$dir/tenant/users.csv" ] || build/tools/gen-tenant --users "$n" --out "$dir"
    t="$dir/tenant"
    csv="$t/users.csv $t/members.csv $t/licenses.csv $t/skus.csv"
    members=$(($(wc -l <"$t/members.csv") - 1))
    row "eval $n users ($members memberships), no list" $csv -- \
        ./skuld eval "$catalog" "$dir/rules.skuld" --tenant "$t" --format json --no-assignments -o "$out/report.json"
    row "eval $n users, full JSON to a file" $csv -- \
        ./skuld eval "$catalog" "$dir/rules.skuld" --tenant "$t" --format json -o "$out/report.json"
    row "whatif $n users, one change" $csv -- \
        ./skuld whatif "$catalog" "$dir/rules.skuld" --tenant "$t" --format json --add "user1@contoso.com:Project 1990" \
        -o "$out/diff.json"
done
dir="$out/tenant-$n-random"
[ -f "$dir/tenant/users.csv" ] || build/tools/gen-tenant --users "$n" --member-order random --out "$dir"
t="$dir/tenant"
csv="$t/users.csv $t/members.csv $t/licenses.csv $t/skus.csv"
row "eval $n users, members in random order, no list" $csv -- \
    ./skuld eval "$catalog" "$dir/rules.skuld" --tenant "$t" --format json --no-assignments -o "$out/report.json"
