#!/bin/sh
# tests/scripts/member_order.sh — gen-tenant --member-order random (the bench's tenant
# whose id lookups land at random places) lists the same memberships as the default
# order, only in another order within each group; every other file is the same; the
# default order is users.csv order; and both tenants evaluate, their reports listing
# the same products and seats.
#
# Needs SKULD and build/tools/gen-tenant.
set -u
: "${SKULD:?set SKULD to the skuld binary}"
top=$(cd "$(dirname "$0")/../.." && pwd) || exit 1
. "$top/tests/scripts/lib/common.sh"
make_tmp order
need_gen

"$gen" --users 5000 --seed 3 --out "$tmp/a" >"$tmp/out" 2>"$tmp/err" || fail "gen-tenant failed"
"$gen" --users 5000 --seed 3 --member-order random --out "$tmp/b" >"$tmp/out" 2>"$tmp/err" ||
    fail "gen-tenant --member-order random failed"
"$gen" --users 10 --member-order sideways --out "$tmp/c" >"$tmp/out" 2>"$tmp/err" &&
    fail "gen-tenant took an unknown member order"
for f in rules.skuld tenant/users.csv tenant/licenses.csv tenant/skus.csv; do
    cmp -s "$tmp/a/$f" "$tmp/b/$f" || fail "$f differs between the two orders"
done
sort "$tmp/a/tenant/members.csv" >"$tmp/a.sorted"
sort "$tmp/b/tenant/members.csv" >"$tmp/b.sorted"
cmp -s "$tmp/a.sorted" "$tmp/b.sorted" || fail "the memberships differ between the two orders"
cmp -s "$tmp/a/tenant/members.csv" "$tmp/b/tenant/members.csv" && fail "the random order is the default order"
# the default order: All Staff lists user0, user1, ... as users.csv does
grep '^All Staff,' "$tmp/a/tenant/members.csv" | head -n 3 | tr '\n' ' ' >"$tmp/out"
[ "$(cat "$tmp/out")" = "All Staff,user0@contoso.com All Staff,user1@contoso.com All Staff,user2@contoso.com " ] ||
    fail "the default order is not users.csv order"

rules="$top/rules/microsoft365/catalog.skuld"
for x in a b; do
    "$SKULD" eval "$rules" "$tmp/$x/rules.skuld" --tenant "$tmp/$x/tenant" --format json --no-assignments \
        -o "$tmp/$x.json" 2>"$tmp/err"
    rc=$?
    [ "$rc" -le 1 ] || fail "eval of the $x tenant exited $rc"
    grep -o '"product": "[^"]*", "name": "[^"]*", "seats": [^,]*' "$tmp/$x.json" >"$tmp/$x.products"
done
[ -s "$tmp/a.products" ] || fail "the report lists no product"
cmp -s "$tmp/a.products" "$tmp/b.products" || fail "the two reports list other products or seats"
exit 0
