#!/bin/sh
# tests/scripts/tenant_errors.sh — bad tenant data (CLI.md "Tenant data").
#
# Each bad input must make `skuld eval` exit 2, print a message on stderr that
# names file:line:column (or the file, when there is no line to name), and write
# nothing to stdout; with `-o FILE`, FILE must not be created, and an existing FILE
# must be left byte for byte as it was (no half report, no stray temporary file).
# Also: `-o FILE` on success writes FILE (the same bytes as stdout would get) and
# nothing to stdout.
#
# Run by tests/run.sh with SKULD=path/to/skuld. Stops at the first failure.
set -u
: "${SKULD:?set SKULD to the skuld binary}"

. "$(dirname "$0")/lib/common.sh"
make_tmp tenant-errors

mkdir "$tmp/rules" "$tmp/o" || exit 1
cat >"$tmp/rules/tenant.skuld" <<'EOF'
plan EXCHANGE_S_ENTERPRISE     "Exchange Online (Plan 2)" id "efb87545-963c-4e0d-99df-69c6916d9eb0" mailbox;
plan SHAREPOINTENTERPRISE      "SharePoint (Plan 2)"      id "5dbe027f-2339-4123-9542-606e4d348a72";
plan VISIO_CLIENT_SUBSCRIPTION "Visio Desktop App"        id "663a804f-1c30-4ff0-9915-9db84f0d1cea";

product ENTERPRISEPACK "Office 365 E3" {
    id "6fd2c87f-b296-42f0-b197-1e91e994b900";
    plans EXCHANGE_S_ENTERPRISE, SHAREPOINTENTERPRISE;
}
product VISIOCLIENT "Visio Plan 2" {
    id "c5928f49-12ba-48f7-ada3-0d743a3601d5";
    plans VISIO_CLIENT_SUBSCRIPTION;
}

group "Sales" {
    assign ENTERPRISEPACK;
}
EOF

# A good tenant: everyone licensed, eval exits 0. Each case starts from it and
# breaks one thing.
good_tenant() {
    rm -rf "$tmp/t"
    mkdir "$tmp/t" || exit 1
    cat >"$tmp/t/users.csv" <<'EOF'
user,usage_location,proxy_addresses
alice@contoso.com,NL,SMTP:alice@contoso.com
bob@contoso.com,DE,SMTP:bob@contoso.com
carol@contoso.com,GB,SMTP:carol@contoso.com
EOF
    cat >"$tmp/t/members.csv" <<'EOF'
group,member
Sales,alice@contoso.com
Sales,bob@contoso.com
Everyone,Sales
Everyone,carol@contoso.com
EOF
    cat >"$tmp/t/licenses.csv" <<'EOF'
user,product,disabled_plans
carol@contoso.com,VISIOCLIENT,
EOF
    cat >"$tmp/t/skus.csv" <<'EOF'
product,seats
ENTERPRISEPACK,10
EOF
}

# eval_tenant TENANT [ARGS...]: runs eval, stdout to $tmp/out, stderr to $tmp/err,
# sets rc.
eval_tenant() {
    t=$1
    shift
    "$SKULD" eval "$tmp/rules" --tenant "$t" --format json "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
}

# expect_error NAME LOCATION_REGEX [WORD]: the current $tmp/t (or $TENANT) is bad.
# LOCATION_REGEX is matched (grep -E) against stderr; WORD, when given, must appear
# on that same line (the offending value).
expect_error() {
    name=$1
    where=$2
    word=${3:-}
    t=${TENANT:-$tmp/t}

    eval_tenant "$t"
    [ "$rc" -eq 2 ] || fail "$name: exit $rc, expected 2"
    [ -s "$tmp/out" ] && fail "$name: wrote to stdout"
    grep -Eq "$where" "$tmp/err" || fail "$name: no message naming '$where' on stderr"
    if [ -n "$word" ]; then
        grep -E "$where" "$tmp/err" | grep -Fq -- "$word" ||
            fail "$name: the message at '$where' does not name '$word'"
    fi

    # -o FILE, FILE absent: not created, nothing left behind
    rm -rf "$tmp/o" && mkdir "$tmp/o"
    eval_tenant "$t" -o "$tmp/o/report.json"
    [ "$rc" -eq 2 ] || fail "$name (-o, new file): exit $rc, expected 2"
    [ -s "$tmp/out" ] && fail "$name (-o, new file): wrote to stdout"
    [ -z "$(ls -A "$tmp/o")" ] || fail "$name (-o, new file): left $(ls -A "$tmp/o" | tr '\n' ' ')in the output directory"

    # -o FILE, FILE present: unchanged
    printf '{"previous": "report"}\n' >"$tmp/o/report.json"
    cp "$tmp/o/report.json" "$tmp/previous.json"
    eval_tenant "$t" -o "$tmp/o/report.json"
    [ "$rc" -eq 2 ] || fail "$name (-o, existing file): exit $rc, expected 2"
    [ -s "$tmp/out" ] && fail "$name (-o, existing file): wrote to stdout"
    cmp -s "$tmp/o/report.json" "$tmp/previous.json" || fail "$name (-o, existing file): the file was changed"
    [ "$(ls -A "$tmp/o")" = report.json ] ||
        fail "$name (-o, existing file): left $(ls -A "$tmp/o" | tr '\n' ' ')in the output directory"
    echo "ok: $name"
}

# ---- the good tenant, and -o on success -------------------------------------------

good_tenant
eval_tenant "$tmp/t"
[ "$rc" -eq 0 ] || fail "good tenant: exit $rc, expected 0"
[ -s "$tmp/out" ] || fail "good tenant: no report on stdout"
cp "$tmp/out" "$tmp/stdout.json"

rm -rf "$tmp/o" && mkdir "$tmp/o"
eval_tenant "$tmp/t" -o "$tmp/o/report.json"
[ "$rc" -eq 0 ] || fail "-o on success: exit $rc, expected 0"
[ -s "$tmp/out" ] && fail "-o on success: wrote to stdout"
[ -f "$tmp/o/report.json" ] || fail "-o on success: FILE was not written"
cmp -s "$tmp/o/report.json" "$tmp/stdout.json" || fail "-o on success: FILE differs from the stdout report"
[ "$(ls -A "$tmp/o")" = report.json ] || fail "-o on success: left $(ls -A "$tmp/o" | tr '\n' ' ')behind"

printf 'old\n' >"$tmp/o/report.json"
eval_tenant "$tmp/t" -o "$tmp/o/report.json"
[ "$rc" -eq 0 ] || fail "-o on success, existing file: exit $rc, expected 0"
[ -s "$tmp/out" ] && fail "-o on success, existing file: wrote to stdout"
cmp -s "$tmp/o/report.json" "$tmp/stdout.json" || fail "-o on success, existing file: FILE was not replaced by the report"
echo "ok: -o on success"

# ---- members.csv ----------------------------------------------------------------------

good_tenant
printf 'Sales,zed@contoso.com\n' >>"$tmp/t/members.csv"
expect_error "members.csv: unknown user" 'members\.csv:6:[0-9]+' 'zed@contoso.com'

good_tenant
printf 'Everyone,Contractors\n' >>"$tmp/t/members.csv"
expect_error "members.csv: member neither a user nor a group" 'members\.csv:6:[0-9]+' 'Contractors'

good_tenant
printf 'group,person\nSales,alice@contoso.com\n' >"$tmp/t/members.csv"
expect_error "members.csv: missing required column 'member'" 'members\.csv:1:[0-9]+' 'member'

good_tenant
printf 'group,member\nSales,alice@contoso.com,x\nSales,bob@contoso.com\n' >"$tmp/t/members.csv"
expect_error "members.csv: a row with too many fields" 'members\.csv:2:[0-9]+'

good_tenant
rm "$tmp/t/members.csv"
expect_error "members.csv missing" 'members\.csv'

# ---- users.csv ------------------------------------------------------------------------

good_tenant
printf 'bob@contoso.com,FR,\n' >>"$tmp/t/users.csv"
expect_error "users.csv: duplicate user" 'users\.csv:5:[0-9]+' 'bob@contoso.com'

good_tenant
printf 'user,usage_location,proxy_addresses\nalice@contoso.com,NL,\nbob@contoso.com,UK,\ncarol@contoso.com,GB,\n' \
    >"$tmp/t/users.csv"
expect_error "users.csv: unknown country code" 'users\.csv:3:[0-9]+' 'UK'

good_tenant
printf 'usage_location,proxy_addresses\nNL,SMTP:alice@contoso.com\n' >"$tmp/t/users.csv"
expect_error "users.csv: missing required column 'user'" 'users\.csv:1:[0-9]+' 'user'

good_tenant
printf 'user,usage_location,proxy_addresses\nalice@contoso.com,NL,SMTP:alice@contoso.com\nbob@contoso.com,DE,"SMTP:bob@contoso.com\ncarol@contoso.com,GB,\n' \
    >"$tmp/t/users.csv"
expect_error "users.csv: quoted field that never ends" 'users\.csv:3:[0-9]+'

good_tenant
: >"$tmp/t/users.csv"
expect_error "users.csv: 0 bytes" 'users\.csv(:1(:[0-9]+)?)?:'

good_tenant
printf 'user,usage_location,proxy_addresses\nalice@contoso.com,NL,,\nbob@contoso.com,DE,\ncarol@contoso.com,GB,\n' \
    >"$tmp/t/users.csv"
expect_error "users.csv: a row with too many fields" 'users\.csv:2:[0-9]+'

good_tenant
rm "$tmp/t/users.csv"
expect_error "users.csv missing" 'users\.csv'

# ---- licenses.csv ---------------------------------------------------------------------

good_tenant
printf 'alice@contoso.com,ENTERPRISEPAK,\n' >>"$tmp/t/licenses.csv"
expect_error "licenses.csv: unknown product" 'licenses\.csv:3:[0-9]+' 'ENTERPRISEPAK'

good_tenant
printf 'zed@contoso.com,VISIOCLIENT,\n' >>"$tmp/t/licenses.csv"
expect_error "licenses.csv: unknown user" 'licenses\.csv:3:[0-9]+' 'zed@contoso.com'

good_tenant
printf 'alice@contoso.com,VISIOCLIENT,EXCHANGE_S_ENTERPRISE\n' >>"$tmp/t/licenses.csv"
expect_error "licenses.csv: disabled plan not in the product" 'licenses\.csv:3:[0-9]+' 'EXCHANGE_S_ENTERPRISE'

good_tenant
printf 'alice@contoso.com,VISIOCLIENT,VISIO_CLIENT\n' >>"$tmp/t/licenses.csv"
expect_error "licenses.csv: unknown disabled plan" 'licenses\.csv:3:[0-9]+' 'VISIO_CLIENT'

good_tenant
printf 'bob@contoso.com,VISIOCLIENT,\ncarol@contoso.com,VISIOCLIENT,\n' >>"$tmp/t/licenses.csv"
expect_error "licenses.csv: duplicate (user, product)" 'licenses\.csv:4:[0-9]+' 'carol@contoso.com'

good_tenant
printf 'carol@contoso.com,C5928F49-12BA-48F7-ADA3-0D743A3601D5,\n' >>"$tmp/t/licenses.csv"
expect_error "licenses.csv: duplicate (user, product), once by GUID" 'licenses\.csv:3:[0-9]+' 'carol@contoso.com'

# ---- skus.csv -------------------------------------------------------------------------

good_tenant
printf 'VISIOCLIENT,-3\n' >>"$tmp/t/skus.csv"
expect_error "skus.csv: negative seats" 'skus\.csv:3:[0-9]+' '-3'

# ---- --tenant ---------------------------------------------------------------------------

good_tenant
TENANT="$tmp/t/users.csv" expect_error "--tenant naming a file" 'users\.csv'

TENANT="$tmp/no-such-dir" expect_error "--tenant naming nothing" 'no-such-dir'

echo "all tenant error cases passed"
