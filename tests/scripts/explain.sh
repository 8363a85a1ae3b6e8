#!/bin/sh
# skuld explain: the story of one user, with each check and the rule behind it.
set -u
cd "$(dirname "$0")/../.."
. tests/scripts/lib/common.sh
out=$("$SKULD" explain rules --tenant examples/contoso --user amit.iyer@contoso.com); rc=$?
[ $rc = 1 ] || bad "amit is in error: exit 1 expected, got $rc"
for want in 'usage location: IN (the user' 'group "Engineering E3" (priority 10, rules/contoso.skuld:' \
            'seats      FAILED (0 of 150 left)' 'none of the group' 'CountViolation: no seat left: 150 of 150 in use' \
            'EMS Engineering E3: Other'; do
    printf '%s\n' "$out" | grep -qF "$want" || bad "amit: missing: $want"
done
out=$("$SKULD" explain rules --tenant examples/contoso --user li.wei@contoso.com --product WORKPLACE_ANALYTICS)
printf '%s\n' "$out" | grep -qF 'location   FAILED (CN): WORKPLACE_ANALYTICS is restricted at rules/catalog.skuld:' ||
    bad "li.wei: the location rule is not named: $out"
printf '%s\n' "$out" | grep -q 'ENTERPRISEPACK' && bad "--product WORKPLACE_ANALYTICS should leave ENTERPRISEPACK out"
out=$("$SKULD" explain rules --tenant examples/contoso --user felix.wagner@contoso.com)
printf '%s\n' "$out" | grep -qF 'WORKPLACE_ANALYTICS (licenses.csv line' || bad "felix: the direct licence is not shown"
printf '%s\n' "$out" | grep -qF 'DependencyViolation' || bad "felix: the dependency is not shown"
"$SKULD" explain rules --tenant examples/contoso --user nobody@contoso.com >/dev/null 2>&1
[ $? = 2 ] || bad "an unknown user must exit 2"
"$SKULD" explain rules --tenant examples/contoso --user felix.wagner@contoso.com --product NOPE >/dev/null 2>&1
[ $? = 2 ] || bad "an unknown product must exit 2"
exit $fail
