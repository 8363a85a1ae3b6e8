#!/bin/sh
# skuld report: one self-contained HTML file (nothing fetched, no script), all text
# escaped; rendered in headless Chromium, its screenshot kept as build/artifacts/report.png.
set -u
cd "$(dirname "$0")/../.."
. tests/scripts/lib/common.sh
make_tmp report-html

"$SKULD" report rules --tenant examples/contoso -o "$tmp/report.html" || bad "report exited $?"
html="$tmp/report.html"
grep -q '<svg' "$html" || bad "no inline SVG bars"
grep -qi '<script\|<link\|src=\|@import\|url(' "$html" && bad "the page refers to something outside itself"
[ "$(grep -o 'http[s]*://[^"]*' "$html" | sort -u)" = "http://www.w3.org/2000/svg" ] || bad "a URL other than the SVG namespace"
for want in 'Engineering E3' 'CountViolation' 'Fix: buy 5 more seats of ENTERPRISEPACK' '7 of 5 (conflict)'; do
    grep -qF "$want" "$html" || bad "the page does not show: $want"
done

# hostile names are escaped
mkdir -p "$tmp/t" "$tmp/r"
cat >"$tmp/r/rules.skuld" <<'RULES'
plan P "<b>plan</b>";
product X "<img src=x onerror=alert(1)>" { plans P; seats 0; }
group "<script>alert(1)</script>" { assign X; }
RULES
printf 'user,usage_location\n"<i>u</i>@x.com",NL\n' >"$tmp/t/users.csv"
printf 'group,member\n<script>alert(1)</script>,<i>u</i>@x.com\n' >"$tmp/t/members.csv"
"$SKULD" report "$tmp/r" --tenant "$tmp/t" -o "$tmp/evil.html" || bad "report of the hostile names exited $?"
grep -q '<script\|<img\|<i>u' "$tmp/evil.html" && bad "a name reached the page unescaped"
grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$tmp/evil.html" || bad "the group name is not shown escaped"

# a scenario adds the what-if section
"$SKULD" report rules --tenant examples/contoso --scenario examples/scenarios/seats_freed_reprocess.skuld \
    -o "$tmp/whatif.html" || bad "report with a scenario exited $?"
grep -qF 'What-if: Keep 160 E3 seats' "$tmp/whatif.html" || bad "no what-if section"

# rendered by a real browser
if command -v chromium >/dev/null 2>&1; then
    mkdir -p build/artifacts
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$tmp/profile" --window-size=1200,1400 --screenshot="$tmp/report.png" \
        "file://$html" >"$tmp/chromium.log" 2>&1 || bad "chromium failed: $(tail -n 3 "$tmp/chromium.log")"
    if [ -f "$tmp/report.png" ]; then
        cp "$tmp/report.png" build/artifacts/report.png
        size=$(wc -c <"$tmp/report.png")
        [ "$size" -gt 20000 ] || bad "the screenshot is nearly empty ($size bytes)"
        [ "$(head -c 4 "$tmp/report.png" | od -An -c | tr -d ' ')" = "211PNG" ] || bad "the screenshot is not a PNG"
    else
        bad "chromium wrote no screenshot"
    fi
else
    bad "chromium is not installed (make deps installs it)"
fi
exit $fail
