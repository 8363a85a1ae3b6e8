#!/bin/sh
# Output that is safe where it lands: CSV cells a spreadsheet would run as formulas are
# neutralised (and read back); JSON escapes control characters and invalid UTF-8; a
# killed run leaves the old report or the new one, never a torn one.
set -u
cd "$(dirname "$0")/../.."
. tests/scripts/lib/common.sh
make_tmp output-safety

mkdir -p "$tmp/t" "$tmp/r"
cat >"$tmp/r/rules.skuld" <<'RULES'
plan P "p";
product X "x" { plans P; seats 10; }
group "=HYPERLINK(\"http://evil\")" { assign X; }
RULES
printf 'user,usage_location\n"=cmd|calc@x.com",NL\n"@sum@x.com",NL\n"ctl\001@x.com",NL\n' >"$tmp/t/users.csv"
printf 'group,member\n"=HYPERLINK(""http://evil"")","=cmd|calc@x.com"\n"=HYPERLINK(""http://evil"")",@sum@x.com\n"=HYPERLINK(""http://evil"")","ctl\001@x.com"\n' \
    >"$tmp/t/members.csv"
"$SKULD" eval "$tmp/r" --tenant "$tmp/t" --save-state "$tmp/state.csv" --format json -o "$tmp/report.json" ||
    bad "eval with --save-state exited $?"
grep -q "^'=cmd|calc@x.com" "$tmp/state.csv" || bad "a cell starting with = was not neutralised: $(cat "$tmp/state.csv")"
grep -q "^'@sum@x.com" "$tmp/state.csv" || bad "a cell starting with @ was not neutralised"
grep -q "'=HYPERLINK" "$tmp/state.csv" || bad "the group cell was not neutralised"
"$SKULD" whatif "$tmp/r" --tenant "$tmp/t" --state "$tmp/state.csv" --reprocess-user "=cmd|calc@x.com" \
    --format json -o "$tmp/diff.json" || bad "whatif from the neutralised state exited $?"
grep -q '"gained": \[\]' "$tmp/diff.json" && grep -q '"lost": \[\]' "$tmp/diff.json" ||
    bad "the state did not read back as it was written: $(head -c 400 "$tmp/diff.json")"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/report.json" 2>/dev/null ||
    bad "the JSON report with a control character in a user id is not valid JSON"
grep -q 'ctl\\u0001@x.com' "$tmp/report.json" || bad "a control character was not escaped as \\u0001"

# a killed run leaves the old file or a whole new one
[ -x build/tools/gen-tenant ] || { bad "build/tools/gen-tenant is not built"; exit 1; }
build/tools/gen-tenant --users 50000 --out "$tmp/big" >/dev/null
echo '{"old": true}' >"$tmp/out.json"
for delay in 0.05 0.1 0.2 0.3 0.5; do
    "$SKULD" eval rules/microsoft365/catalog.skuld "$tmp/big/rules.skuld" --tenant "$tmp/big/tenant" --format json \
        -o "$tmp/out.json" >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    if ! python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/out.json" 2>/dev/null; then
        bad "after a kill at ${delay}s the report is torn ($(wc -c <"$tmp/out.json") bytes)"
    fi
    ls "$tmp"/.out.json.* >/dev/null 2>&1 && rm -f "$tmp"/.out.json.*   # the killed run's temporary file
done
exit $fail
