#!/bin/sh
# tests/scripts/eval_determinism.sh — S11 and S10 on the Contoso example.
#
# S11: `skuld eval rules/ --tenant examples/contoso` run twice gives byte-identical
#      JSON (and text) and the same exit status; naming the rule files one by one,
#      naming one twice, or running from another directory changes nothing.
# S10: for every licensed group G (a group of the rules), every direct user member U
#      of G (members.csv) and every product P that G assigns (the rules), the JSON
#      holds exactly one of: an assignment (U, P) whose via includes G, or one
#      violation (U, G, P). Conversely, nothing in the JSON names a (U, G, P) that
#      is not such a triple (members of nested groups get nothing), and each group's
#      "members" is its count of distinct direct user members.
#      This part needs jq; without it, it is skipped with a message.
#
# Run by tests/run.sh with SKULD=path/to/skuld. Stops at the first failure.
set -u
: "${SKULD:?set SKULD to the skuld binary}"

top=$(cd "$(dirname "$0")/../.." && pwd) || exit 1
rules="$top/rules"
tenant="$top/examples/contoso"
if [ ! -d "$rules" ] || [ ! -f "$tenant/users.csv" ]; then
    echo "FAIL: $rules or $tenant missing" >&2
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/skuld-determinism.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# ---- S11 ------------------------------------------------------------------------------

"$SKULD" eval "$rules" --tenant "$tenant" --format json >"$tmp/a.json" 2>"$tmp/a.err"
rc_a=$?
"$SKULD" eval "$rules" --tenant "$tenant" --format json >"$tmp/b.json" 2>"$tmp/b.err"
rc_b=$?
[ "$rc_a" -eq 1 ] || { cat "$tmp/a.err" >&2; fail "eval of examples/contoso exited $rc_a, expected 1 (README: violations and a licence conflict)"; }
[ "$rc_b" -eq "$rc_a" ] || fail "second run exited $rc_b, first $rc_a"
[ -s "$tmp/a.json" ] || fail "first run wrote no report"
cmp -s "$tmp/a.json" "$tmp/b.json" || { diff "$tmp/a.json" "$tmp/b.json" | head -n 20 >&2; fail "two runs gave different JSON"; }
cmp -s "$tmp/a.err" "$tmp/b.err" || fail "two runs gave different stderr"
echo "ok: two JSON runs are byte-identical"

"$SKULD" eval "$rules" --tenant "$tenant" >"$tmp/a.txt" 2>/dev/null
"$SKULD" eval "$rules" --tenant "$tenant" >"$tmp/b.txt" 2>/dev/null
[ -s "$tmp/a.txt" ] || fail "the text report is empty"
cmp -s "$tmp/a.txt" "$tmp/b.txt" || fail "two runs gave different text reports"
echo "ok: two text runs are byte-identical"

# The same files named one by one (in name order, as a directory reads them), then
# the directory again (each file named twice; each is read once), from another
# working directory.
(cd "$tmp" && set -- "$rules"/*.skuld &&
    "$SKULD" eval "$@" "$rules" --tenant "$tenant" --format json >"$tmp/c.json" 2>/dev/null)
cmp -s "$tmp/a.json" "$tmp/c.json" || { diff "$tmp/a.json" "$tmp/c.json" | head -n 20 >&2; fail "naming the rule files one by one and twice, from another directory, changed the JSON"; }
echo "ok: rule files named one by one and twice, from another directory: same JSON"

# ---- S10 ------------------------------------------------------------------------------

if ! command -v jq >/dev/null 2>&1; then
    echo "skipped: S10 conservation check (jq is not installed)"
    exit 0
fi

# Reads a simple CSV (quoted fields without line breaks) and prints the named
# columns, tab-separated. usage: csv_columns FILE COLUMN...
csv_columns() {
    file=$1
    shift
    awk -v want="$*" '
    function split_csv(line, out,    n, i, c, f, q) {
        n = 0; f = ""; q = 0
        for (i = 1; i <= length(line); i++) {
            c = substr(line, i, 1)
            if (q) {
                if (c == "\"") {
                    if (substr(line, i + 1, 1) == "\"") { f = f "\""; i++ } else q = 0
                } else f = f c
            } else if (c == "\"") q = 1
            else if (c == ",") { out[++n] = f; f = "" }
            else f = f c
        }
        out[++n] = f
        return n
    }
    {
        sub(/\r$/, "")
        if (NR == 1) sub(/^\357\273\277/, "")
        n = split_csv($0, fld)
        if (NR == 1) {
            k = split(want, names, " ")
            for (j = 1; j <= k; j++) {
                col[j] = 0
                for (i = 1; i <= n; i++) if (fld[i] == names[j]) col[j] = i
                if (!col[j]) { print "no column " names[j] > "/dev/stderr"; exit 1 }
            }
            next
        }
        if ($0 == "") next
        line = ""
        for (j = 1; j <= k; j++) line = line (j > 1 ? "\t" : "") fld[col[j]]
        print line
    }' "$file"
}

# (group, product) pairs the rules assign. The rule files are in canonical layout
# (`group "NAME" ... {`, one `assign PRODUCT ...;` a line, `}`); product names are
# plain identifiers or quoted.
cat "$rules"/*.skuld | awk '
    /^[ \t]*group[ \t]+"/ {
        g = $0
        sub(/^[ \t]*group[ \t]+"/, "", g)
        sub(/"[^"]*$/, "", g)
        gsub(/\\"/, "\"", g)
        ingroup = 1
        next
    }
    ingroup && /^[ \t]*assign[ \t]/ {
        p = $0
        sub(/^[ \t]*assign[ \t]+/, "", p)
        if (p ~ /^"/) { sub(/^"/, "", p); sub(/".*$/, "", p) }
        else sub(/[ \t;#].*$/, "", p)
        print g "\t" p
        next
    }
    ingroup && /^[ \t]*}/ { ingroup = 0 }
' | sort -u >"$tmp/group_products" || fail "reading the rules"
[ -s "$tmp/group_products" ] || fail "found no group assignments in $rules"
cut -f 1 "$tmp/group_products" | sort -u >"$tmp/licensed_groups"

# Direct user members of licensed groups: members.csv rows whose member is a user.
csv_columns "$tenant/users.csv" user | sort -u >"$tmp/users" || fail "reading users.csv"
csv_columns "$tenant/members.csv" group member >"$tmp/members_all" || fail "reading members.csv"
awk -F '\t' 'FILENAME == ARGV[1] { user[$1] = 1; next }
             FILENAME == ARGV[2] { lic[$1] = 1; next }
             ($1 in lic) && ($2 in user) { print $1 "\t" $2 }' \
    "$tmp/users" "$tmp/licensed_groups" "$tmp/members_all" | sort -u >"$tmp/members"

# Expected triples "user TAB group TAB product".
awk -F '\t' 'FILENAME == ARGV[1] { n[$1]++; prod[$1, n[$1]] = $2; next }
             { for (i = 1; i <= n[$1]; i++) print $2 "\t" $1 "\t" prod[$1, i] }' \
    "$tmp/group_products" "$tmp/members" | sort >"$tmp/expected"
[ -s "$tmp/expected" ] || fail "no (user, group, product) triple expected: the rules or members.csv were not read"

# What the report holds: assignments through a group, violations through a group.
jq -r '.assignments[] | . as $a | .via[] | select(. != "direct") | [$a.user, ., $a.product] | @tsv' \
    "$tmp/a.json" | sort >"$tmp/assigned" || fail "jq could not read the assignments"
jq -r '.violations[] | select(.group != null) | [.user, .group, .product] | @tsv' \
    "$tmp/a.json" | sort >"$tmp/violated" || fail "jq could not read the violations"

# Exactly one of the two per expected triple.
sort "$tmp/assigned" "$tmp/violated" >"$tmp/reported"
uniq -d "$tmp/reported" >"$tmp/twice"
if [ -s "$tmp/twice" ]; then
    head -n 10 "$tmp/twice" >&2
    fail "S10: these (user, group, product) are reported more than once (assigned and in error, or two violations)"
fi
comm -23 "$tmp/expected" "$tmp/reported" >"$tmp/dropped"
if [ -s "$tmp/dropped" ]; then
    head -n 10 "$tmp/dropped" >&2
    fail "S10: $(wc -l <"$tmp/dropped" | tr -d ' ') (user, group, product) dropped silently: neither an assignment via the group nor a violation"
fi
comm -13 "$tmp/expected" "$tmp/reported" >"$tmp/phantom"
if [ -s "$tmp/phantom" ]; then
    head -n 10 "$tmp/phantom" >&2
    fail "S10: $(wc -l <"$tmp/phantom" | tr -d ' ') reported (user, group, product) that are not (direct user member, group, product it assigns)"
fi
echo "ok: S10 holds for $(wc -l <"$tmp/expected" | tr -d ' ') (user, group, product) triples"

# Group counts: members = distinct direct user members; licensed + in_error = members;
# in_error = users with a violation through the group.
cut -f 1 "$tmp/members" | sort | uniq -c | awk '{ c = $1; $1 = ""; sub(/^ /, ""); print $0 "\t" c }' |
    sort >"$tmp/member_counts"
cut -f 1,2 "$tmp/violated" | sort -u | cut -f 2 | sort | uniq -c |
    awk '{ c = $1; $1 = ""; sub(/^ /, ""); print $0 "\t" c }' | sort >"$tmp/error_counts"
jq -r '.groups[] | [.group, .members, .licensed, .in_error] | @tsv' "$tmp/a.json" | sort >"$tmp/groups"
cut -f 1 "$tmp/groups" >"$tmp/report_groups"
cmp -s "$tmp/report_groups" "$tmp/licensed_groups" || fail "the report's groups are not the groups of the rules"
awk -F '\t' 'FILENAME == ARGV[1] { m[$1] = $2; next }
             FILENAME == ARGV[2] { e[$1] = $2; next }
             {
                 want_m = ($1 in m) ? m[$1] : 0; want_e = ($1 in e) ? e[$1] : 0
                 if ($2 != want_m || $4 != want_e || $3 + $4 != $2) {
                     printf "group %s: members %s licensed %s in_error %s; expected members %s in_error %s\n",
                         $1, $2, $3, $4, want_m, want_e
                     bad = 1
                 }
             }
             END { exit bad }' "$tmp/member_counts" "$tmp/error_counts" "$tmp/groups" >&2 ||
    fail "group counts do not match members.csv and the violations"
echo "ok: group member counts match members.csv"
