#!/bin/sh
# tests/scripts/tenant_file_sizes.sh — tenant files are read in place from the page
# cache when their size leaves room for a terminating NUL in their last page, and
# read into memory when it does not (a size that is an exact multiple of the page
# size). Both ways, and quoted fields in either, must give the same report.
# (members.csv is read in windows whatever its size, csvstream.c; padded too, it
# must give the same report as well.)
#
# Run by tests/run.sh with SKULD=path/to/skuld. Stops at the first failure.
set -u
: "${SKULD:?set SKULD to the skuld binary}"
cd "$(dirname "$0")/../.." || exit 1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/skuld-sizes.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

fail() { echo "FAIL: $*" >&2; exit 1; }

page=$(getconf PAGESIZE 2>/dev/null || echo 4096)
"$SKULD" eval rules/ --tenant examples/contoso --format json -o "$tmp/ref.json"
[ $? -le 1 ] || fail "the example tenant does not evaluate"

# pad FILE with line ends (empty lines are skipped) to an exact multiple of the page
pad_to_page() {
    size=$(wc -c <"$1")
    want=$(( (size + page - 1) / page * page ))
    [ "$want" -eq "$size" ] && want=$((size + page))
    awk -v n=$((want - size)) 'BEGIN { while (n-- > 0) printf "\n" }' >>"$1"
    [ $(( $(wc -c <"$1") % page )) -eq 0 ] || fail "could not pad $1"
}

run_variant() {   # name: evaluate $tmp/$name, compare with the reference
    "$SKULD" eval rules/ --tenant "$tmp/$1" --format json -o "$tmp/$1.json" 2>"$tmp/$1.err"
    [ $? -le 1 ] || { cat "$tmp/$1.err" >&2; fail "$1: eval failed"; }
    cmp -s "$tmp/ref.json" "$tmp/$1.json" || fail "$1: the report differs from the example's"
}

# every file an exact number of pages: all read into memory
mkdir "$tmp/paged" && cp examples/contoso/*.csv "$tmp/paged/" || exit 1
for f in "$tmp"/paged/*.csv; do pad_to_page "$f"; done
run_variant paged

# every field of users.csv and members.csv quoted: read in place, no byte written
mkdir "$tmp/quoted" && cp examples/contoso/*.csv "$tmp/quoted/" || exit 1
for f in users members; do
    awk 'BEGIN { FS = ","; OFS = "," }
         /"/ { print; next }
         { for (i = 1; i <= NF; i++) $i = "\"" $i "\""; print }' \
        "examples/contoso/$f.csv" >"$tmp/quoted/$f.csv" || exit 1
done
run_variant quoted

# an extra column (ignored) whose quoted fields hold "" escapes and commas
mkdir "$tmp/escaped" && cp examples/contoso/*.csv "$tmp/escaped/" || exit 1
for f in users members; do
    awk 'NR == 1 { print $0 ",note"; next } { print $0 ",\"say \"\"hi\"\", " NR "\"" }' \
        "examples/contoso/$f.csv" >"$tmp/escaped/$f.csv" || exit 1
done
grep -q '""hi""' "$tmp/escaped/users.csv" || fail "the escaped variant was not made"
run_variant escaped

# quoted and an exact number of pages
mkdir "$tmp/both" && cp "$tmp"/quoted/*.csv "$tmp/both/" || exit 1
for f in "$tmp"/both/*.csv; do pad_to_page "$f"; done
run_variant both
exit 0
