#!/bin/sh
# tests/scripts/compare_builds.sh — tools/compare.sh (make bench-compare): two builds
# run the same command in pairs, each run timed; it prints each build's medians and
# the ratios new/old, removes the report named after -o before every run and at the
# end, runs each build as often as asked (in a seeded order), and refuses bad usage
# with status 2.
#
# Needs SKULD.
set -u
: "${SKULD:?set SKULD to the skuld binary}"
top=$(cd "$(dirname "$0")/../.." && pwd) || exit 1
. "$top/tests/scripts/lib/common.sh"
make_tmp compare
[ -x /usr/bin/time ] || { echo "skipped: no /usr/bin/time"; exit 0; }
cmp_tool="$top/tools/compare.sh"

# each build a wrapper that counts its runs and checks the report is gone when it starts
for b in old new; do
    cat >"$tmp/$b" <<EOF
#!/bin/sh
echo run >>"$tmp/$b.runs"
[ -e "$tmp/report.json" ] && echo "$b started with the last report in place" >>"$tmp/stale"
"$SKULD" "\$@"
echo \$? >>"$tmp/$b.status"
EOF
    chmod +x "$tmp/$b"
done
sh "$cmp_tool" -n 3 --seed 7 "$tmp/old" "$tmp/new" -- eval "$top/rules" --tenant "$top/examples/contoso" \
    --format json -o "$tmp/report.json" >"$tmp/out" 2>"$tmp/err" || fail "compare.sh exited $?"
[ "$(wc -l <"$tmp/old.runs")" -eq 3 ] || fail "the old build ran $(wc -l <"$tmp/old.runs") times, not 3"
[ "$(wc -l <"$tmp/new.runs")" -eq 3 ] || fail "the new build ran $(wc -l <"$tmp/new.runs") times, not 3"
[ "$(sort -u "$tmp/old.status" "$tmp/new.status")" = 1 ] || fail "eval did not run as on the example (status 1)"
[ -e "$tmp/stale" ] && fail "$(head -n 1 "$tmp/stale")"
[ -e "$tmp/report.json" ] && fail "the last run's report was left behind"
grep -q '^3 pairs, each in a random order' "$tmp/out" || fail "no pair count line"
grep -Eq "^old +[0-9]+\.[0-9]{3} +[0-9]+\.[0-9]{3} +[0-9]+\.[0-9]{3}  $tmp/old\$" "$tmp/out" || fail "no old medians line"
grep -Eq "^new +[0-9]+\.[0-9]{3} +[0-9]+\.[0-9]{3} +[0-9]+\.[0-9]{3}  $tmp/new\$" "$tmp/out" || fail "no new medians line"
grep -Eq '^new/old: wall [0-9]+\.[0-9]{3} \(median of the pairs\), user [0-9]+\.[0-9]{3}' "$tmp/out" ||
    fail "no ratio line"

# the order of the pairs follows the seed: the same seed, the same order
for s in 1 2; do
    : >"$tmp/order.$s"
    for b in old new; do
        cat >"$tmp/$b" <<EOF
#!/bin/sh
echo $b >>"$tmp/order.$s"
EOF
    done
    sh "$cmp_tool" -n 8 --seed 5 "$tmp/old" "$tmp/new" -- x >"$tmp/out" 2>"$tmp/err" || fail "compare.sh exited $?"
done
cmp -s "$tmp/order.1" "$tmp/order.2" || fail "one seed gave two orders"
paste -d ' ' - - <"$tmp/order.1" | sort -u >"$tmp/pairs"
[ "$(wc -l <"$tmp/pairs")" -eq 2 ] || fail "the pairs are not in both orders: $(cat "$tmp/pairs" | tr '\n' ',')"

# bad usage: status 2 and a message
for args in "-n x $tmp/old $tmp/new -- y" "-n 0 $tmp/old $tmp/new -- y" "$tmp/old $tmp/new y" \
            "$tmp/old $tmp/missing -- y" "$tmp/old"; do
    # shellcheck disable=SC2086
    sh "$cmp_tool" $args >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ "$rc" -eq 2 ] || fail "compare.sh $args exited $rc, not 2"
    [ -s "$tmp/err" ] || fail "compare.sh $args said nothing"
done
exit 0
