#!/bin/sh
# skuld fmt: the bundled rules are canonical; formatting is idempotent, changes only
# white space, and never changes what the rules mean (every eval golden gives the same
# report with its rules formatted).
set -u
cd "$(dirname "$0")/../.."
. tests/scripts/lib/common.sh
make_tmp fmt

"$SKULD" fmt --check rules/ examples/ >"$tmp/check.out" 2>&1 ||
    bad "fmt --check of the bundled rules: $(cat "$tmp/check.out")"

n=0
for f in rules/*.skuld rules/microsoft365/*.skuld examples/scenarios/*.skuld tests/eval/*/rules/*.skuld \
         tests/whatif/*/rules/*.skuld tests/lint/*/*/rules/*.skuld tests/check/*.skuld; do
    [ -f "$f" ] || continue
    "$SKULD" fmt "$f" >"$tmp/once.skuld" 2>/dev/null || continue   # files that do not parse are left alone
    n=$((n + 1))
    "$SKULD" fmt "$tmp/once.skuld" >"$tmp/twice.skuld" 2>&1 || bad "$f: the formatted text does not format again"
    cmp -s "$tmp/once.skuld" "$tmp/twice.skuld" || bad "$f: fmt is not idempotent"
    [ "$(tr -d ' \t\r\n' <"$f")" = "$(tr -d ' \t\r\n' <"$tmp/once.skuld")" ] || bad "$f: fmt changed more than white space"
done
[ $n -gt 100 ] || bad "only $n files were formatted"

# meaning: each eval golden, its rules formatted, gives the same report
for d in tests/eval/*/; do
    base=$(basename "$d")
    rm -rf "$tmp/case" && mkdir -p "$tmp/case" && cp -r "$d/rules" "$tmp/case/rules"
    "$SKULD" fmt -w "$tmp/case/rules" >/dev/null 2>&1 || { bad "$base: fmt -w failed"; continue; }
    args=""
    [ -f "$d/args" ] && args=$(cat "$d/args")
    (cd tests/eval && eval "\"$SKULD\" eval $base/rules --tenant $base/tenant $args" >"$tmp/a.out" 2>/dev/null)
    (cd tests/eval && eval "\"$SKULD\" eval \"$tmp/case/rules\" --tenant $base/tenant $args" >"$tmp/b.out" 2>/dev/null)
    cmp -s "$tmp/a.out" "$tmp/b.out" || bad "$base: the report changed after formatting its rules"
done

# a messy file becomes the canonical one
printf 'plan A "a";plan LONGER_NAME   "b" ;\nproduct P{plans A,LONGER_NAME;seats 3;}\ngroup "G" priority -1{assign P except A;}\n' >"$tmp/messy.skuld"
"$SKULD" fmt "$tmp/messy.skuld" >"$tmp/messy.out"
cat >"$tmp/want" <<'WANT'
plan A           "a";
plan LONGER_NAME "b";
product P {
    plans A, LONGER_NAME;
    seats 3;
}

group "G" priority -1 {
    assign P except A;
}
WANT
cmp -s "$tmp/messy.out" "$tmp/want" || { bad "messy file:"; diff "$tmp/want" "$tmp/messy.out"; }
"$SKULD" fmt --check "$tmp/messy.skuld" >/dev/null && bad "fmt --check passed a file that would change"
printf 'plan A "x\n' >"$tmp/broken.skuld"
"$SKULD" fmt -w "$tmp/broken.skuld" >/dev/null 2>&1
[ $? = 2 ] || bad "fmt of a file that does not parse should exit 2"
[ "$(cat "$tmp/broken.skuld")" = 'plan A "x' ] || bad "fmt -w touched a file that does not parse"
echo "fmt: $n files formatted"
exit $fail
