#!/bin/sh
# tests/scripts/lint_codes.sh — a test per `skuld lint` code (docs/lint.md).
#
# tests/lint/CODE/ holds cases named raises*/ and clean*/, each with rules/*.skuld and,
# when the code needs tenant data, tenant/*.csv. For every case:
#   - `skuld lint CASE/rules [--tenant CASE/tenant] --format json` exits 0 or 1 with a
#     JSON array;
#   - raises*: a finding with "code": "CODE" is reported, at the code's default
#     severity (or the one in CASE/expect-severity); clean*: no finding of CODE;
#   - exit status: 1 iff a finding is at error severity; with --fail-on warning iff one
#     is at error or warning; with --fail-on note iff there is any finding.
# For every raises* case also:
#   - --disable CODE removes CODE's findings and nothing else; --disable all
#     --enable CODE keeps only them;
#   - --severity CODE=error makes them errors (exit 1); --severity CODE=info infos;
#   - a '# skuld: allow CODE' comment on the line a finding points at (when that is a
#     line of a rule file) removes CODE's findings on that line and nothing else; one
#     naming another code removes nothing; 'allow all' removes all on that line;
#   - a [tenant] code is not reported when --tenant is left out.
# And: every code of --list-codes has a directory with a raises and a clean case, and
# every directory is a code; unknown codes and levels exit 2.
#
# Needs SKULD (path to the binary) and python3 (run once, to check the JSON; no jq).
set -u
case ${SKULD:-} in
    '') echo "lint_codes.sh: set SKULD to the skuld binary" >&2; exit 2 ;;
    /*) ;;
    */*) SKULD=$(pwd)/$SKULD ;;
    *) SKULD=$(command -v "$SKULD") || { echo "lint_codes.sh: $SKULD not found" >&2; exit 2; } ;;
esac
cd "$(dirname "$0")/../.." || exit 2
[ -x "$SKULD" ] || { echo "lint_codes.sh: $SKULD is not executable" >&2; exit 2; }
command -v python3 >/dev/null 2>&1 || { echo "lint_codes.sh: python3 is needed" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/read"
failures=0
checks=0
fail() { failures=$((failures + 1)); echo "FAIL: $*"; }
check() { checks=$((checks + 1)); }

# lint DIR OUT [ARGS...]: runs lint on DIR/rules (with DIR/tenant if present); $rc.
lint() {
    _dir=$1 _out=$2
    shift 2
    if [ -d "$_dir/tenant" ]; then
        "$SKULD" lint "$_dir/rules" --tenant "$_dir/tenant" --format json "$@" >"$_out" 2>"$tmp/stderr"
    else
        "$SKULD" lint "$_dir/rules" --format json "$@" >"$_out" 2>"$tmp/stderr"
    fi
    rc=$?
}

# tsv JSON: one line per finding, "severity<TAB>code<TAB>file<TAB>line", read with awk
# from skuld's JSON (one key a line; python3 is slow to start on a loaded machine). Every
# file read is kept, and one python3 run at the end checks that each is a JSON array of
# findings and that python3 reads the same findings as this function.
nread=0
tsv() {
    nread=$((nread + 1))
    cp "$1" "$tmp/read/$nread.json"
    awk '
        function val(s) { sub(/^[ \t]*"[a-z_]*": "?/, "", s); sub(/"?,?[ \t\r]*$/, "", s); return s }
        /^[ \t]*\{/              { s = c = f = l = "" }
        /^[ \t]*"file": /        { f = val($0) }
        /^[ \t]*"line": /        { l = val($0) }
        /^[ \t]*"severity": /    { s = val($0) }
        /^[ \t]*"code": /        { c = val($0) }
        /^[ \t]*\}/              { print s "\t" c "\t" f "\t" l }
    ' "$1" | tee "$tmp/read/$nread.tsv"
    grep -q '^[[:space:]]*\[' "$1"
}

# has_code JSON CODE: number of findings with that code (plain grep on the JSON).
has_code() { grep -c "\"code\": \"$2\"" "$1"; }

# expect_status WHAT RC TSV LEVELS: RC must be 1 iff TSV has a finding at one of LEVELS
# (a grep -E alternative such as 'error|warning').
expect_status() {
    check
    if grep -Eq "^($4)	" "$3"; then want=1; else want=0; fi
    [ "$2" = "$want" ] || fail "$1: exit $2, want $want (findings at $4: $(grep -Ec "^($4)	" "$3"))"
}

# ---- the codes ----------------------------------------------------------------------
"$SKULD" lint --list-codes >"$tmp/codes" 2>&1 || fail "lint --list-codes exits $?"
[ -s "$tmp/codes" ] || { fail "lint --list-codes prints nothing"; echo "$failures failed"; exit 1; }
ncodes=$(wc -l <"$tmp/codes" | tr -d ' ')
check
[ "$ncodes" -eq 18 ] || fail "lint --list-codes lists $ncodes codes, want 18"

for d in tests/lint/*/; do
    d=${d%/}
    code=${d##*/}
    check
    grep -q "^$code " "$tmp/codes" || fail "tests/lint/$code is not a code of --list-codes"
done

while read -r code default rest; do
    dir=tests/lint/$code
    case $rest in '[tenant]'*) needs_tenant=1 ;; *) needs_tenant=0 ;; esac
    check
    if [ ! -d "$dir" ]; then fail "$code: no tests/lint/$code"; continue; fi
    [ -d "$dir/raises/rules" ] && [ -d "$dir/clean/rules" ] || fail "$code: needs raises/ and clean/ cases"

    for case_dir in "$dir"/raises* "$dir"/clean*; do
        [ -d "$case_dir/rules" ] || continue
        name=${case_dir#tests/lint/}
        kind=raises
        case ${case_dir##*/} in clean*) kind=clean ;; esac

        # the plain run
        lint "$case_dir" "$tmp/out.json"
        check
        if [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
            fail "$name: exit $rc: $(head -n 3 "$tmp/stderr")"
            continue
        fi
        if ! tsv "$tmp/out.json" >"$tmp/out.tsv"; then
            fail "$name: the JSON does not parse"
            continue
        fi
        n=$(has_code "$tmp/out.json" "$code")
        check
        if [ "$kind" = raises ]; then
            [ "$n" -gt 0 ] || fail "$name: no finding with code $code (got: $(cut -f2 "$tmp/out.tsv" | sort -u | tr '\n' ' '))"
        else
            [ "$n" -eq 0 ] || fail "$name: $n finding(s) with code $code, want none"
        fi
        expect_status "$name" "$rc" "$tmp/out.tsv" error
        lint "$case_dir" "$tmp/w.json" --fail-on warning
        expect_status "$name --fail-on warning" "$rc" "$tmp/out.tsv" 'error|warning'
        lint "$case_dir" "$tmp/w.json" --fail-on note
        expect_status "$name --fail-on note" "$rc" "$tmp/out.tsv" 'error|warning|info'
        [ "$kind" = raises ] || continue
        [ "$n" -gt 0 ] || continue

        # default severity (or the case's expect-severity)
        want_sev=$default
        [ -f "$case_dir/expect-severity" ] && want_sev=$(cat "$case_dir/expect-severity")
        check
        bad=$(awk -F '\t' -v c="$code" -v s="$want_sev" '$2 == c && $1 != s' "$tmp/out.tsv" | head -n 1)
        [ -z "$bad" ] || fail "$name: $code reported at $(echo "$bad" | cut -f1), want $want_sev"

        total=$(wc -l <"$tmp/out.tsv" | tr -d ' ')

        # --disable CODE removes it and only it
        lint "$case_dir" "$tmp/d.json" --disable "$code"
        check
        if [ "$rc" -gt 1 ]; then fail "$name --disable $code: exit $rc"; else
            tsv "$tmp/d.json" >"$tmp/d.tsv" || fail "$name --disable $code: bad JSON"
            [ "$(has_code "$tmp/d.json" "$code")" -eq 0 ] || fail "$name: --disable $code still reports it"
            left=$(wc -l <"$tmp/d.tsv" | tr -d ' ')
            [ "$left" -eq $((total - n)) ] || fail "$name: --disable $code left $left findings, want $((total - n))"
            expect_status "$name --disable $code" "$rc" "$tmp/d.tsv" error
        fi

        # --disable all --enable CODE keeps only it
        lint "$case_dir" "$tmp/e.json" --disable all --enable "$code"
        check
        tsv "$tmp/e.json" >"$tmp/e.tsv" || fail "$name --disable all --enable $code: bad JSON"
        [ "$(has_code "$tmp/e.json" "$code")" -eq "$n" ] && [ "$(wc -l <"$tmp/e.tsv" | tr -d ' ')" -eq "$n" ] ||
            fail "$name: --disable all --enable $code does not keep exactly the $n $code finding(s)"

        # --severity CODE=error / =info
        lint "$case_dir" "$tmp/s.json" --severity "$code=error"
        check
        tsv "$tmp/s.json" >"$tmp/s.tsv" || fail "$name --severity $code=error: bad JSON"
        [ "$(awk -F '\t' -v c="$code" '$2 == c && $1 == "error"' "$tmp/s.tsv" | wc -l | tr -d ' ')" -eq "$n" ] ||
            fail "$name: --severity $code=error does not make its $n finding(s) errors"
        [ "$rc" = 1 ] || fail "$name: --severity $code=error exits $rc, want 1"
        lint "$case_dir" "$tmp/s.json" --severity "$code=info"
        check
        tsv "$tmp/s.json" >"$tmp/s.tsv" || fail "$name --severity $code=info: bad JSON"
        [ "$(awk -F '\t' -v c="$code" '$2 == c && $1 == "info"' "$tmp/s.tsv" | wc -l | tr -d ' ')" -eq "$n" ] ||
            fail "$name: --severity $code=info does not make its $n finding(s) info"
        expect_status "$name --severity $code=info" "$rc" "$tmp/s.tsv" error

        # a [tenant] code needs --tenant
        if [ "$needs_tenant" = 1 ]; then
            check
            if [ ! -d "$case_dir/tenant" ]; then
                fail "$name: $code needs a tenant, the case has none"
            else
                "$SKULD" lint "$case_dir/rules" --format json >"$tmp/r.json" 2>"$tmp/stderr"
                rrc=$?
                if [ "$rrc" -gt 1 ]; then fail "$name without --tenant: exit $rrc"
                elif [ "$(has_code "$tmp/r.json" "$code")" -ne 0 ]; then
                    fail "$name: $code reported without --tenant"
                fi
            fi
        fi

        # '# skuld: allow CODE' on the line of the first finding in a rule file
        loc=$(awk -F '\t' -v c="$code" '$2 == c && $3 ~ /\.skuld$/ && $4 > 0 { print $3 "\t" $4; exit }' "$tmp/out.tsv")
        [ -n "$loc" ] || continue
        file=$(printf '%s' "$loc" | cut -f1)
        line=$(printf '%s' "$loc" | cut -f2)
        rel=${file#"$case_dir"/}
        if [ "$rel" = "$file" ]; then fail "$name: finding in $file, outside the case"; continue; fi
        on_line=$(awk -F '\t' -v c="$code" -v f="$file" -v l="$line" '$2 == c && $3 == f && $4 == l' "$tmp/out.tsv" | wc -l | tr -d ' ')
        all_on_line=$(awk -F '\t' -v f="$file" -v l="$line" '$3 == f && $4 == l' "$tmp/out.tsv" | wc -l | tr -d ' ')
        other=unused-plan
        [ "$code" = unused-plan ] && other=unused-product
        for comment in "$code" "$other" all "seats-missing, $code"; do
            rm -rf "$tmp/case"
            cp -R "$case_dir" "$tmp/case"
            sed "${line}s/\$/  # skuld: allow $comment/" "$case_dir/$rel" >"$tmp/case/$rel"
            lint "$tmp/case" "$tmp/a.json"
            check
            if [ "$rc" -gt 1 ]; then fail "$name with '# skuld: allow $comment' on $rel:$line: exit $rc"; continue; fi
            tsv "$tmp/a.json" >"$tmp/a.tsv" || { fail "$name with '# skuld: allow $comment': bad JSON"; continue; }
            got=$(wc -l <"$tmp/a.tsv" | tr -d ' ')
            case $comment in
                "$other") want=$total ;;
                all) want=$((total - all_on_line)) ;;
                *) want=$((total - on_line)) ;;
            esac
            [ "$got" -eq "$want" ] ||
                fail "$name: '# skuld: allow $comment' on $rel:$line leaves $got findings, want $want"
        done
    done
done <"$tmp/codes"

# ---- extra cases -----------------------------------------------------------------
# group-conflict without a tenant is reported at info: a user in both would fail.
"$SKULD" lint tests/lint/group-conflict/clean/rules --format json >"$tmp/g.json" 2>/dev/null
rc=$?
check
tsv "$tmp/g.json" >"$tmp/g.tsv" 2>/dev/null || fail "group-conflict rule-only: bad JSON"
[ "$(awk -F '\t' '$2 == "group-conflict" && $1 == "info"' "$tmp/g.tsv" | wc -l | tr -d ' ')" -eq 1 ] ||
    fail "group-conflict without --tenant: want one finding at info"
[ "$rc" = 0 ] || fail "group-conflict without --tenant: exit $rc, want 0"

# Bad configuration is a usage error (exit 2).
r=tests/lint/unused-plan/raises/rules
for args in "--disable no-such-code" "--enable no-such-code" "--severity no-such-code=error" \
            "--severity unused-plan=fatal" "--severity unused-plan" "--fail-on fatal"; do
    # shellcheck disable=SC2086
    "$SKULD" lint "$r" $args >/dev/null 2>&1
    rc=$?
    check
    [ "$rc" = 2 ] || fail "lint $r $args: exit $rc, want 2"
done

# --fail-on error is the default; warning and note lower the level.
r=tests/lint/prereq-cycle/raises/rules
for pair in ":0" "--fail-on error:0" "--fail-on warning:1" "--fail-on note:1"; do
    args=${pair%:*}
    want=${pair##*:}
    # shellcheck disable=SC2086
    "$SKULD" lint "$r" $args >/dev/null 2>&1
    rc=$?
    check
    [ "$rc" = "$want" ] || fail "lint $r $args (one warning): exit $rc, want $want"
done

# ---- the JSON, checked once with python3 ----------------------------------------------
check
python3 - "$tmp/read" "$nread" <<'PY' || fail "the JSON reports (see above)"
import json, os, sys
folder, n = sys.argv[1], int(sys.argv[2])
bad = 0
for i in range(1, n + 1):
    path = os.path.join(folder, "%d.json" % i)
    try:
        findings = json.load(open(path, encoding="utf-8"))
        assert isinstance(findings, list), "not an array"
        want = "".join("%s\t%s\t%s\t%d\n" % (d["severity"], d["code"], d["file"], d["line"]) for d in findings)
    except Exception as e:
        bad += 1
        print("FAIL: report %d is not a JSON array of findings: %s" % (i, e))
        continue
    got = open(os.path.join(folder, "%d.tsv" % i), encoding="utf-8").read()
    if got != want:
        bad += 1
        print("FAIL: report %d: the awk reading differs from the JSON (update tsv()):\n%s---\n%s" % (i, got, want))
sys.exit(1 if bad else 0)
PY

echo "lint_codes.sh: $checks checks, $failures failed"
[ "$failures" -eq 0 ]
