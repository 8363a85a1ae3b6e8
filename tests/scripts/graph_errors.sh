#!/bin/sh
# tests/scripts/graph_errors.sh — bad Microsoft Graph tenant exports (CLI.md "Tenant
# data from Microsoft Graph").
#
# Each bad `--tenant FILE.json` must make `skuld eval` exit 2 and write nothing to
# stdout (and, with -o FILE, not create FILE), with a message on stderr that names the
# file and the JSON path of the bad value (`tenant.json: error: users[1].usageLocation:
# ...`), or file:line:column for malformed JSON. Each case starts from a good export
# (eval exits 0) and breaks one thing with sed, so no other tool is needed.
#
# Run by tests/run.sh with SKULD=path/to/skuld. Stops at the first failure.
set -u
: "${SKULD:?set SKULD to the skuld binary}"

. "$(dirname "$0")/lib/common.sh"
make_tmp graph-errors

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

directory location NL;

group "Sales" {
    assign ENTERPRISEPACK;
}
EOF

# The good export. Line 3 holds alice's userPrincipalName (the malformed-JSON case
# breaks it). Every string the cases below replace occurs once.
cat >"$tmp/good.json" <<'EOF'
{
  "users": [
    {"id": "11111111-1111-4111-8111-111111111111", "userPrincipalName": "alice@contoso.com", "usageLocation": "NL",
     "proxyAddresses": ["SMTP:alice@contoso.com", "smtp:alice@contoso.onmicrosoft.com"], "licenseAssignmentStates": []},
    {"id": "22222222-2222-4222-8222-222222222222", "userPrincipalName": "bob@contoso.com", "usageLocation": null,
     "proxyAddresses": ["SMTP:bob@contoso.com"],
     "licenseAssignmentStates": [
       {"assignedByGroup": null, "disabledPlans": ["5dbe027f-2339-4123-9542-606e4d348a72"], "error": "None",
        "lastUpdatedDateTime": "2025-05-02T10:11:12Z", "skuId": "6fd2c87f-b296-42f0-b197-1e91e994b900", "state": "Active"}]}
  ],
  "groups": [
    {"id": "aaaaaaaa-0000-4000-8000-000000000001", "displayName": "Sales",
     "assignedLicenses": [{"skuId": "6fd2c87f-b296-42f0-b197-1e91e994b900", "disabledPlans": []}],
     "members": [{"@odata.type": "#microsoft.graph.user", "id": "11111111-1111-4111-8111-111111111111"},
                 {"@odata.type": "#microsoft.graph.group", "id": "aaaaaaaa-0000-4000-8000-000000000002"}]},
    {"id": "aaaaaaaa-0000-4000-8000-000000000002", "displayName": "Everyone",
     "members": [{"@odata.type": "#microsoft.graph.user", "id": "22222222-2222-4222-8222-222222222222"}]}
  ],
  "subscribedSkus": [
    {"skuId": "6fd2c87f-b296-42f0-b197-1e91e994b900", "skuPartNumber": "ENTERPRISEPACK",
     "prepaidUnits": {"enabled": 10, "lockedOut": 0, "suspended": 0, "warning": 0}, "consumedUnits": 2}
  ]
}
EOF

# run FILE [ARGS...]: eval with the rules, stdout to $tmp/out, stderr to $tmp/err.
run() {
    f=$1
    shift
    "$SKULD" eval "$tmp/rules" --tenant "$f" --format json "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
}

run "$tmp/good.json"
[ "$rc" -eq 0 ] || fail "the good export: exit $rc, expected 0"
grep -q '"via": \["direct"\]' "$tmp/out" || fail "the good export: bob's direct licence is missing"
grep -q '"via": \["Sales"\]' "$tmp/out" || fail "the good export: alice's group licence is missing"
echo "ok: the good export evaluates (exit 0)"

# bad NAME WANT SED-SCRIPT: the good export edited by SED-SCRIPT must fail with exit 2,
# nothing on stdout, no -o file, and a line on stderr holding WANT (a fixed string).
bad() {
    name=$1 want=$2 script=$3
    sed "$script" "$tmp/good.json" >"$tmp/tenant.json" || exit 1
    cmp -s "$tmp/good.json" "$tmp/tenant.json" && fail "$name: the sed script changed nothing (test bug)"
    rm -f "$tmp/o/report.json"
    run "$tmp/tenant.json" -o "$tmp/o/report.json"
    [ "$rc" -eq 2 ] || fail "$name: exit $rc, expected 2"
    [ -s "$tmp/out" ] && fail "$name: something was written to stdout"
    [ -e "$tmp/o/report.json" ] && fail "$name: -o FILE was created"
    grep -F -q -- "$want" "$tmp/err" || fail "$name: stderr lacks '$want'"
    echo "ok: $name: exit 2, stderr: $(grep -F -- "$want" "$tmp/err" | head -n 1)"
}

t="$tmp/tenant.json"

# Malformed JSON: the missing ':' on line 3 is reported as file:line:column.
bad "malformed JSON" "$t:3:" 's/"userPrincipalName": "alice@contoso.com"/"userPrincipalName" "alice@contoso.com"/'
grep -q "^$t:3:[1-9][0-9]*: error: malformed JSON" "$tmp/err" || fail "malformed JSON: no file:line:column"
# shellcheck disable=SC2016 # a sed address, not a shell expansion
bad "truncated file" "$t:" '$d'
grep -q "^$t:[1-9][0-9]*:[0-9]*: error: malformed JSON" "$tmp/err" || fail "truncated file: no file:line:column"
bad "duplicate key" "duplicate object key" 's/"usageLocation": "NL",/"usageLocation": "NL", "usageLocation": "DE",/'
grep -q "^$t:3:[1-9][0-9]*: error: malformed JSON" "$tmp/err" || fail "duplicate key: no file:line:column"

# Wrong types.
bad "usageLocation: 5" "$t: error: users[1].usageLocation: not a string" 's/"usageLocation": null/"usageLocation": 5/'
bad "members not an array" "$t: error: groups[1].members: not an array" \
    's/"members": \[\({"@odata.type": "#microsoft.graph.user", "id": "22222222[^}]*}\)\]/"members": \1/'
bad "proxyAddresses element" "$t: error: users[0].proxyAddresses[1]: not a string" \
    's/"smtp:alice@contoso.onmicrosoft.com"/42/'
bad "licence state not an object" "$t: error: users[1].licenseAssignmentStates[1]: not an object" \
    's/"state": "Active"}\]}/"state": "Active"}, "E3"]}/'
bad "prepaidUnits.enabled" "$t: error: subscribedSkus[0].prepaidUnits.enabled: not a non-negative integer" \
    's/"enabled": 10/"enabled": "10"/'
bad "users not an array" "$t: error: users: not an array" 's/"users": \[/"users": 7, "exported": [/'
# shellcheck disable=SC2016
bad "top level" "$t: error: the top level is not an object" '1s/^{/[{/; $s/^}/}]/'
bad "missing userPrincipalName" "$t: error: users[1].userPrincipalName: missing" 's/"userPrincipalName": "bob@contoso.com", //'

# Unknown GUIDs and ids.
bad "unknown skuId" "$t: error: users[1].licenseAssignmentStates[0].skuId: unknown product 6fd2c87f-0000-42f0-b197-1e91e994b900" \
    's/"skuId": "6fd2c87f-b296-42f0-b197-1e91e994b900", "state"/"skuId": "6fd2c87f-0000-42f0-b197-1e91e994b900", "state"/'
bad "unknown disabled plan" "$t: error: users[1].licenseAssignmentStates[0].disabledPlans[1]: unknown service plan 00000000-0000-4000-8000-000000000000" \
    's/"disabledPlans": \["5dbe027f-2339-4123-9542-606e4d348a72"\]/"disabledPlans": ["5dbe027f-2339-4123-9542-606e4d348a72", "00000000-0000-4000-8000-000000000000"]/'
bad "disabled plan of another product" "$t: error: users[1].licenseAssignmentStates[0].disabledPlans[0]: plan VISIO_CLIENT_SUBSCRIPTION is not part of product ENTERPRISEPACK" \
    's/"disabledPlans": \["5dbe027f-2339-4123-9542-606e4d348a72"\]/"disabledPlans": ["663a804f-1c30-4ff0-9915-9db84f0d1cea"]/'
bad "unknown member id" "$t: error: groups[0].members[1].id: unknown user 33333333-3333-4333-8333-333333333333" \
    's/{"@odata.type": "#microsoft.graph.group", "id": "aaaaaaaa-0000-4000-8000-000000000002"}/{"@odata.type": "#microsoft.graph.user", "id": "33333333-3333-4333-8333-333333333333"}, &/'
bad "unknown member group" "$t: error: groups[0].members[1].id: unknown group aaaaaaaa-0000-4000-8000-000000000009" \
    's/{"@odata.type": "#microsoft.graph.group", "id": "aaaaaaaa-0000-4000-8000-000000000002"}/{"@odata.type": "#microsoft.graph.group", "id": "aaaaaaaa-0000-4000-8000-000000000009"}/'
bad "unknown assignedByGroup" "$t: error: users[1].licenseAssignmentStates[0].assignedByGroup: unknown group aaaaaaaa-0000-4000-8000-00000000000f" \
    's/{"assignedByGroup": null,/{"assignedByGroup": "aaaaaaaa-0000-4000-8000-00000000000f",/'
bad "unknown subscribedSku" "$t: error: subscribedSkus[0].skuId: unknown product 0f0f0f0f-b296-42f0-b197-1e91e994b900" \
    's/{"skuId": "6fd2c87f-b296-42f0-b197-1e91e994b900", "skuPartNumber"/{"skuId": "0f0f0f0f-b296-42f0-b197-1e91e994b900", "skuPartNumber"/'
bad "unknown error code" "$t: error: users[1].licenseAssignmentStates[0].error: unknown error code 'Others'" \
    's/"error": "None"/"error": "Others"/'
bad "unknown usageLocation" "$t: error: users[0].usageLocation: unknown country code 'ZZ'" \
    's/"usageLocation": "NL"/"usageLocation": "ZZ"/'

# Duplicates.
bad "duplicate userPrincipalName" "$t: error: users[1].userPrincipalName: duplicate user 'Alice@Contoso.com'" \
    's/"userPrincipalName": "bob@contoso.com"/"userPrincipalName": "Alice@Contoso.com"/'
bad "duplicate user id" "$t: error: users[1].id: duplicate id '11111111-1111-4111-8111-111111111111'" \
    's/{"id": "22222222-2222-4222-8222-222222222222"/{"id": "11111111-1111-4111-8111-111111111111"/'
bad "second direct licence" "$t: error: users[1].licenseAssignmentStates[1]: a second direct licence of ENTERPRISEPACK" \
    's/"state": "Active"}\]}/"state": "Active"}, {"assignedByGroup": null, "skuId": "6fd2c87f-b296-42f0-b197-1e91e994b900"}]}/'

# A file that cannot be read is named too.
run "$tmp/missing.json"
[ "$rc" -eq 2 ] || fail "missing file: exit $rc, expected 2"
[ -s "$tmp/out" ] && fail "missing file: something was written to stdout"
grep -F -q "$tmp/missing.json" "$tmp/err" || fail "missing file: the message does not name it"
echo "ok: missing file: exit 2, stderr: $(head -n 1 "$tmp/err")"

# lint --tenant reads the same loader: the same error, exit 2.
sed 's/"usageLocation": null/"usageLocation": 5/' "$tmp/good.json" >"$t"
"$SKULD" lint "$tmp/rules" --tenant "$t" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] || fail "lint --tenant with a bad export: exit $rc, expected 2"
[ -s "$tmp/out" ] && fail "lint --tenant with a bad export: something was written to stdout"
grep -F -q "$t: error: users[1].usageLocation: not a string" "$tmp/err" || fail "lint --tenant: stderr lacks the JSON path"
echo "ok: lint --tenant with a bad export: exit 2"

# Not errors: members that are neither users nor groups are ignored with a warning.
sed 's/{"@odata.type": "#microsoft.graph.group", "id": "aaaaaaaa-0000-4000-8000-000000000002"}/{"@odata.type": "#microsoft.graph.device", "id": "dddddddd-0000-4000-8000-000000000001"}/' \
    "$tmp/good.json" >"$t"
run "$t"
[ "$rc" -eq 0 ] || fail "a device member: exit $rc, expected 0 (ignored with a warning)"
grep -F -q "$t: warning:" "$tmp/err" || fail "a device member: no warning"
echo "ok: a device member is ignored with a warning (exit 0)"
