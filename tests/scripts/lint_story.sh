#!/bin/sh
# tests/scripts/lint_story.sh — `skuld lint rules --tenant examples/contoso` tells the
# story a licensing lead acts on (examples/contoso/README.md says who is set up to hit
# what). Checks that the key findings are there, at the right severity, naming the
# right groups, products and users, that what must not be reported is not, and that
# the exit status is 1 (two findings at error severity).
#
# Needs SKULD (path to the binary) and python3 (to read the JSON).
set -u
case ${SKULD:-} in
    '') echo "lint_story.sh: set SKULD to the skuld binary" >&2; exit 2 ;;
    /*) ;;
    */*) SKULD=$(pwd)/$SKULD ;;
    *) SKULD=$(command -v "$SKULD") || { echo "lint_story.sh: $SKULD not found" >&2; exit 2; } ;;
esac
cd "$(dirname "$0")/../.." || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { failures=$((failures + 1)); echo "FAIL: $*"; }

# The text report, as a licensing lead runs it.
"$SKULD" lint rules --tenant examples/contoso >"$tmp/out.txt" 2>"$tmp/err.txt"
rc=$?
[ "$rc" = 1 ] || fail "skuld lint rules --tenant examples/contoso: exit $rc, want 1 (findings at error severity)"
grep -q '^2 errors, ' "$tmp/out.txt" || fail "text summary: want 2 errors, got: $(tail -n 1 "$tmp/out.txt")"
for text in 'VISIOCLIENT: 7 users hold it and it has 5 seats' 'group "Engineering E3"' 'isabel.costa@contoso.com' \
            'smtp:a.jansen@contoso.com' '"Calling NL"' '"Calling International"' 'nested group'; do
    grep -qF "$text" "$tmp/out.txt" || fail "text report does not mention: $text"
done

# The same run in JSON, finding by finding.
"$SKULD" lint rules --tenant examples/contoso --format json >"$tmp/out.json" 2>/dev/null
rc=$?
[ "$rc" = 1 ] || fail "skuld lint rules --tenant examples/contoso --format json: exit $rc, want 1"

python3 - "$tmp/out.json" <<'PY' || failures=$((failures + 1))
import json, sys

findings = json.load(open(sys.argv[1], encoding="utf-8"))
failed = 0

def expect(code, severity, *parts, file=None, line=None, why=""):
    """One finding of code at severity whose message holds every part."""
    global failed
    hits = [f for f in findings if f["code"] == code and all(p in f["message"] for p in parts)
            and (file is None or f["file"] == file) and (line is None or f["line"] == line)]
    if len(hits) != 1:
        failed += 1
        print("FAIL: want one %s finding with %s%s; got %d (%s)" % (
            code, " + ".join(repr(p) for p in parts), " at %s:%s" % (file, line) if file else "", len(hits),
            "; ".join(f["message"] for f in findings if f["code"] == code) or "no finding of that code"))
        return
    if hits[0]["severity"] != severity:
        failed += 1
        print("FAIL: %s (%s) is at %s, want %s" % (code, why, hits[0]["severity"], severity))

def absent(code, *parts, why=""):
    global failed
    hits = [f for f in findings if f["code"] == code and all(p in f["message"] for p in parts)]
    if hits:
        failed += 1
        print("FAIL: %s should not be reported (%s): %s" % (code, why, hits[0]["message"]))

# Seats: Visio is over-assigned by direct licences (S9), E3 runs out in Engineering (S5.4).
expect("licence-conflict", "error", "VISIOCLIENT", "7 users", "5 seats", "2 users need a valid licence",
       why="7 direct Visio licences on 5 seats")
expect("seats-exceeded", "error", 'group "Engineering E3"', "ENTERPRISEPACK", "short by 5", "150 of 150",
       file="rules/contoso.skuld", why="the last five engineers get CountViolation")
# The duplicate proxy address that gives anouk.jansen a UniquenessViolation (S5.2).
expect("duplicate-proxy", "warning", "smtp:a.jansen@contoso.com", "anouk.jansen@contoso.com",
       "arjen.jansen@contoso.com", why="shared address, both get a mailbox plan")
# isabel.costa's direct Workplace Analytics hangs on "Sales E3"'s Exchange (S3, S8).
expect("prereq-other-group", "warning", "isabel.costa@contoso.com", "WORKPLACE_ANALYTICS", 'group "Sales E3"',
       why="prerequisite only through another group")
# sanne.mulder is in both calling groups: MCOPSTN1 vs MCOPSTN2 (S5.3).
expect("group-conflict", "warning", '"Calling NL"', '"Calling International"', "MCOPSTN1", "MCOPSTN2",
       "1 user is in both", why="one user in both calling groups")
# The three leftover direct E1 licences in "Sales E3" (S5.3, Microsoft's example).
expect("direct-group-conflict", "warning", 'group "Sales E3"', "STANDARDPACK", "ENTERPRISEPACK",
       "hannah.schmidt@contoso.com", "ruben.dekker@contoso.com", "oliver.bennett@contoso.com",
       why="direct E1 blocks group E3")
# Locations: li.wei (CN) and Workplace Analytics; arjun.mehta (IN) and the Calling Plan;
# 13 users rely on the directory's NL (S1).
expect("location-not-allowed", "warning", 'group "Analytics add-on (E3)"', "WORKPLACE_ANALYTICS",
       why="li.wei in CN, WPA denied there")
expect("location-not-allowed", "warning", 'group "Calling NL"', "MCOPSTN1", why="arjun.mehta in IN")
expect("location-inherited", "info", "13 licensed users", why="13 employees without a usage location")
# "Sales Interns" is nested in "Sales E3" and gets nothing (S4).
expect("nested-group", "warning", 'group "Sales E3"', "1 nested group", why="Sales Interns")

# Things a lead must not be told: every product has seats (rules or skus.csv), Visio is
# held directly, every licensed group has members, the rules are well formed.
absent("seats-missing", why="skus.csv and the rules give every product seats")
absent("unused-product", "VISIOCLIENT", why="held directly by 7 users")
absent("group-no-members", why="every licensed group has members")
for code in ("prereq-unsatisfiable", "prereq-disabled", "prereq-cycle", "product-self-conflict", "unused-plan"):
    absent(code, why="the bundled rules do not have it")
# Groups whose members are apart today are not reported with a tenant.
absent("group-conflict", '"All Staff E1"', '"Sales E3"', why="no user is in both")

errors = sum(f["severity"] == "error" for f in findings)
if errors != 2:
    failed += 1
    print("FAIL: %d findings at error severity, want 2 (licence-conflict, seats-exceeded)" % errors)
sys.exit(1 if failed else 0)
PY

# The errors go away when the two seat findings are switched off (exit 0), and
# --fail-on warning still fails.
"$SKULD" lint rules --tenant examples/contoso --disable licence-conflict --disable seats-exceeded >/dev/null 2>&1
rc=$?
[ "$rc" = 0 ] || fail "with the two seat codes disabled: exit $rc, want 0"
"$SKULD" lint rules --tenant examples/contoso --disable licence-conflict --disable seats-exceeded \
    --fail-on warning >/dev/null 2>&1
rc=$?
[ "$rc" = 1 ] || fail "with the two seat codes disabled and --fail-on warning: exit $rc, want 1"

if [ "$failures" -eq 0 ]; then echo "lint_story.sh: ok"; else echo "lint_story.sh: $failures failed"; fi
[ "$failures" -eq 0 ]
