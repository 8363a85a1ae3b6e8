#!/bin/sh
# tools/compare.sh — two builds of skuld timed against each other on the same command,
# the way docs/PERFORMANCE.md says a change is measured on a noisy machine:
#
#   tools/compare.sh [-n PAIRS] [--seed S] OLD_SKULD NEW_SKULD -- SKULD_ARGS...
#
# runs OLD and NEW with the same arguments PAIRS times each (default 20), back to back,
# in pairs whose order is drawn at random (seeded, default 1): a machine whose runs
# alternate between a cheap and a dear state (here: whether the memory the kernel hands
# out must first be backed again, which shows as system time) would otherwise charge
# one build for it. Each run's wall, user and system time come from /usr/bin/time. A
# file named after -o in the arguments is removed before every run (replacing a large
# report would time the kernel freeing it too). Prints the medians of each build and
# the ratios new/old: the median of the pairs' wall ratios and the ratio of the user
# time medians (the steadiest figure where memory is shared with other machines).
# Exit status: 0, or 2 on bad usage.
set -eu
pairs=20
seed=1
while [ $# -gt 0 ]; do
    case $1 in
    -n) pairs=${2:?-n needs a count}; shift 2 ;;
    --seed) seed=${2:?--seed needs a number}; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) break ;;
    esac
done
usage() { echo "usage: tools/compare.sh [-n PAIRS] [--seed S] OLD_SKULD NEW_SKULD -- ARGS..." >&2; exit 2; }
[ $# -ge 3 ] || usage
old=$1; new=$2; shift 2
[ "$1" = "--" ] || usage
shift
case $pairs in ''|*[!0-9]*|0) usage ;; esac
case $seed in ''|*[!0-9]*) usage ;; esac
for b in "$old" "$new"; do [ -x "$b" ] || { echo "tools/compare.sh: $b is not an executable" >&2; exit 2; }; done
[ -x /usr/bin/time ] || { echo "tools/compare.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

output=""   # the argument after -o, if any
prev=""
for a in "$@"; do
    [ "$prev" = "-o" ] && output=$a
    prev=$a
done

log=$(mktemp "${TMPDIR:-/tmp}/skuld-compare.XXXXXX")
trap 'rm -f "$log" "$log.t"' EXIT
# the order of each pair: 0 = old first, 1 = new first
orders=$(awk -v n="$pairs" -v s="$seed" 'BEGIN { srand(s); for (i = 0; i < n; i++) printf "%d ", rand() < 0.5 }')
i=0
for first_new in $orders; do
    if [ "$first_new" = 1 ]; then set_order="new old"; else set_order="old new"; fi
    for which in $set_order; do
        if [ "$which" = new ]; then bin=$new; else bin=$old; fi
        [ -z "$output" ] || rm -f "$output"
        /usr/bin/time -f "%e %U %S" -o "$log.t" "$bin" "$@" >/dev/null 2>&1 || true
        echo "$i $which $(tail -n 1 "$log.t")" >>"$log"
    done
    i=$((i + 1))
done
[ -z "$output" ] || rm -f "$output"

awk -v old="$old" -v new="$new" -v pairs="$pairs" '
function median(a, n,    i, j, t) {
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
    k = ++count[$2]
    wall[$2, k] = $3; user[$2, k] = $4; sys[$2, k] = $5
    if ($2 == "new") pair_new[$1] = $3; else pair_old[$1] = $3
}
END {
    for (w = 0; w < 2; w++) {
        b = w ? "new" : "old"
        for (k = 1; k <= count[b]; k++) { a1[k] = wall[b, k]; a2[k] = user[b, k]; a3[k] = sys[b, k] }
        mw[b] = median(a1, count[b]); mu[b] = median(a2, count[b]); ms[b] = median(a3, count[b])
    }
    n = 0
    for (p in pair_new) if (pair_old[p] > 0) r[++n] = pair_new[p] / pair_old[p]
    printf "%d pairs, each in a random order, back to back; medians in seconds\n", pairs
    printf "%-5s %8s %8s %8s  %s\n", "", "wall", "user", "sys", "build"
    printf "%-5s %8.3f %8.3f %8.3f  %s\n", "old", mw["old"], mu["old"], ms["old"], old
    printf "%-5s %8.3f %8.3f %8.3f  %s\n", "new", mw["new"], mu["new"], ms["new"], new
    printf "new/old: wall %.3f (median of the pairs), user %.3f (ratio of the medians)\n",
        (n ? median(r, n) : 0), (mu["old"] > 0 ? mu["new"] / mu["old"] : 0)
}' "$log"
