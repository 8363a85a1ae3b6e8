#!/bin/sh
# tests/scripts/members_stream.sh — members.csv is read in windows of 256 KiB (not
# mapped: docs/PERFORMANCE.md). A file of many windows must give the report and the
# diagnostics the whole file would: quoting, CRLF and empty lines change nothing; a
# byte that is not UTF-8 late in the file is the only error reported, even after
# earlier rows were found wrong (an empty member, a repeated row, a broken quote, a
# header without its column), as the whole-file check reports it first.
#
# Run by tests/run.sh with SKULD=path/to/skuld. Stops at the first failure.
set -u
: "${SKULD:?set SKULD to the skuld binary}"

. "$(dirname "$0")/lib/common.sh"
make_tmp members-stream

cat >"$tmp/rules.skuld" <<'EOF'
plan EXCHANGE_S_ENTERPRISE "Exchange Online (Plan 2)" id "efb87545-963c-4e0d-99df-69c6916d9eb0" mailbox;
product ENTERPRISEPACK "Office 365 E3" {
    id "6fd2c87f-b296-42f0-b197-1e91e994b900";
    plans EXCHANGE_S_ENTERPRISE;
    seats 9000;
}
group "Sales" { assign ENTERPRISEPACK; }
EOF

# 12,000 users, all in Sales, then in Staff: 672 KB of members.csv (3 windows)
mkdir "$tmp/t" || exit 1
awk 'BEGIN { print "user,usage_location,proxy_addresses";
             for (i = 0; i < 12000; i++) printf "user%05d@contoso.com,NL,SMTP:user%05d@contoso.com\n", i, i }' \
    >"$tmp/t/users.csv" || exit 1
awk 'BEGIN { print "group,member";
             for (i = 0; i < 12000; i++) printf "Sales,user%05d@contoso.com\n", i;
             for (i = 0; i < 12000; i++) printf "Staff,user%05d@contoso.com\n", i }' \
    >"$tmp/t/members.csv" || exit 1
[ "$(wc -c <"$tmp/t/members.csv")" -gt 600000 ] || fail "members.csv is not several windows long"

"$SKULD" eval "$tmp/rules.skuld" --tenant "$tmp/t" --format json -o "$tmp/ref.json" 2>"$tmp/err"
[ $? -eq 1 ] || fail "the generated tenant: expected exit 1 (3,000 users over the seats)"

# the same rows quoted, with CRLF line ends and empty lines between: the same report
cp -r "$tmp/t" "$tmp/q" || exit 1
awk 'NR == 1 { printf "%s\r\n", $0; next }
     { split($0, f, ","); printf "\"%s\",\"%s\"\r\n", f[1], f[2]; if (NR % 997 == 0) printf "\r\n" }' \
    "$tmp/t/members.csv" >"$tmp/q/members.csv" || exit 1
"$SKULD" eval "$tmp/rules.skuld" --tenant "$tmp/q" --format json -o "$tmp/q.json" 2>"$tmp/err"
[ $? -eq 1 ] || fail "quoted members.csv: expected exit 1"
cmp -s "$tmp/ref.json" "$tmp/q.json" || fail "quoted members.csv: the report differs"

# Breaks members.csv: sed script $1 applied, then a byte 0xFF put in line 20001
# (column 7: "Staff," is 6 bytes) unless $2 is "clean".
broken() {
    rm -rf "$tmp/b"
    cp -r "$tmp/t" "$tmp/b" || exit 1
    sed "$1" "$tmp/t/members.csv" >"$tmp/b/members.csv" || exit 1
    if [ "${2:-}" != clean ]; then
        awk 'NR == 20001 { sub(/,/, ",\377") } { print }' "$tmp/b/members.csv" >"$tmp/b/m" &&
            mv "$tmp/b/m" "$tmp/b/members.csv" || exit 1
    fi
    "$SKULD" eval "$tmp/rules.skuld" --tenant "$tmp/b" --format json >"$tmp/out" 2>"$tmp/err"
    echo $? >"$tmp/rc"
}

only_utf8_error() {   # what: the stderr holds the UTF-8 error and nothing else
    [ "$(cat "$tmp/rc")" -eq 2 ] || fail "$1: expected exit 2"
    [ -s "$tmp/out" ] && fail "$1: wrote to stdout"
    grep -q "members.csv:20001:7: error: invalid UTF-8 (byte 0xff)" "$tmp/err" ||
        fail "$1: the UTF-8 error is missing or misplaced"
    [ "$(grep -c 'error\|warning' "$tmp/err")" -eq 1 ] || fail "$1: more than the UTF-8 error"
}

broken '3s/,.*/,/; 6s/.*/Sales,user00003@contoso.com/'
only_utf8_error "an empty member and a repeated row, then a bad byte"

broken '3s/user/us"er/'
only_utf8_error "a quote in an unquoted field, then a bad byte"

broken '1s/member/members/'
only_utf8_error "a header without 'member', then a bad byte"

# without the bad byte, the same files say what is wrong with them
broken '3s/,.*/,/; 6s/.*/Sales,user00003@contoso.com/' clean
grep -q "members.csv:3:7: error: empty member" "$tmp/err" || fail "empty member: not reported"
grep -q "members.csv:6:1: warning: repeated membership row" "$tmp/err" || fail "repeated row: not reported"
broken '3s/user/us"er/' clean
grep -q "members.csv:3:9: error: quote inside an unquoted field" "$tmp/err" || fail "stray quote: not reported"

echo "members.csv read in windows: ok"
