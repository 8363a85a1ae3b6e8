#!/bin/sh
# tests/scripts/hostile.sh — hostile input: malformed and adversarial rule files,
# tenant directories, Graph exports, scenarios, state files and catalogs.
#
# Small inputs are committed in tests/hostile/ (byte-exact: see its .gitattributes and
# README.md); the big ones — a 100 MB line, millions of tokens, a million-member group,
# a 10,000-deep include chain, a million nested braces — plus FIFOs, symlinks to
# /dev/zero, empty directories and such are generated at run time in a mktemp
# directory and removed afterwards. Nothing big is ever committed.
#
# Every case runs one skuld command under `timeout` and must:
#   - finish within its bound (timeout's 124 or a kill is a failure);
#   - exit 1 or 2 (the case may insist on one of them where the docs fix it); never 0
#     on bad input, never a signal (134, 139, ...);
#   - name the place of the problem: stderr matches the case's pattern (the file, and
#     file:line[:column] where there is a line; the JSON path for Graph data). A case
#     whose pattern starts with "out:" looks in the report on stdout instead (eval
#     runs that exit 1 with violations);
#   - write no report to stdout when it exits 2;
#   - produce no sanitizer report ("ERROR: AddressSanitizer", "runtime error:", ...),
#     which matters when $SKULD is an ASan/UBSan build.
# One line per failing case, then a summary; exit 1 when any case fails.
#
# Environment (all optional):
#   SKULD_HOSTILE_TIMEOUT=20        bound in seconds for a small case
#   SKULD_HOSTILE_BIG_TIMEOUT=120   bound for a case with a generated big input
#   SKULD_HOSTILE_SMALL=1           divide the default sizes below by 10 (quick runs)
#   SKULD_HOSTILE_DIVISOR=N         divide the default line, token, decl, member and
#                                   nest sizes by N; default 1, or 2 when $SKULD is a
#                                   sanitizer build (found by its __asan/__ubsan symbols)
#   SKULD_HOSTILE_LINE_BYTES=100000000  the long line (100 MB)
#   SKULD_HOSTILE_TOKENS=2000000    tiny tokens in the token floods
#   SKULD_HOSTILE_DECLS=1000000     declarations / lines in the long files
#   SKULD_HOSTILE_MEMBERS=1000000   members of the big group (and users of its tenant)
#   SKULD_HOSTILE_CHAIN=10000       files in the include chains
#   SKULD_HOSTILE_NEST=1000000      nesting depth of the brace / bracket floods
#   SKULD_HOSTILE_CONFLICT=10000    plans in a conflict set all enabled by one group
#   SKULD_HOSTILE_CONFLICT_BIG=100000  the same, bigger (1.3 MB of rules)
#   SKULD_HOSTILE_CONFLICT_BIG_TIMEOUT=10  its bound
#   SKULD_HOSTILE_SELF_CONFLICT=2000   plans of one product, pairwise exclusive (lint)
#   SKULD_HOSTILE_CONFLICT_GROUPS=3000 groups of one user, each failing on a conflict
#   SKULD_HOSTILE_FSIZE_BLOCKS=131072  cap on a case's output files (ulimit -f; 64 MB)
#   SKULD_HOSTILE_VMEM_KB=6000000   cap on a plain build's address space (ulimit -v)
#   SKULD_HOSTILE_RSS_MB=6000       RSS limit of a sanitizer build (ASAN_OPTIONS)
#   SKULD_HOSTILE_ONLY=ERE          run only the cases whose name matches
#   SKULD_HOSTILE_SKIP="A B"        skip these cases (exact names)
#   SKULD_HOSTILE_VERBOSE=1         also print passing cases, with their time
#
# Run by tests/run.sh with SKULD=path/to/skuld (plain and ASan builds).
set -u
case ${SKULD:-} in
    '') echo "hostile.sh: set SKULD to the skuld binary" >&2; exit 2 ;;
    /*) ;;
    */*) SKULD=$(pwd)/$SKULD ;;
    *) SKULD=$(command -v "$SKULD") || { echo "hostile.sh: skuld not found" >&2; exit 2; } ;;
esac
[ -x "$SKULD" ] || { echo "hostile.sh: $SKULD is not executable" >&2; exit 2; }
command -v timeout >/dev/null 2>&1 || { echo "hostile.sh: timeout (coreutils) is needed" >&2; exit 2; }
cd "$(dirname "$0")/../hostile" || exit 2
H=$(pwd)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/skuld-hostile.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

T=${SKULD_HOSTILE_TIMEOUT:-20}
TB=${SKULD_HOSTILE_BIG_TIMEOUT:-120}
# A sanitizer build is some 3-5 times slower on the big inputs: unless told otherwise,
# halve the sizes that cost it most (not the include chain, whose depth is the point).
sanitized=0
grep -a -q -E '__asan_init|__ubsan_handle' "$SKULD" 2>/dev/null && sanitized=1
if [ "${SKULD_HOSTILE_SMALL:-0}" = 1 ]; then div=10
elif [ -n "${SKULD_HOSTILE_DIVISOR:-}" ]; then div=$SKULD_HOSTILE_DIVISOR
elif [ $sanitized = 1 ]; then div=2
else div=1; fi
cdiv=1
[ "${SKULD_HOSTILE_SMALL:-0}" = 1 ] && cdiv=10
LINE=${SKULD_HOSTILE_LINE_BYTES:-$((100000000 / div))}
TOKENS=${SKULD_HOSTILE_TOKENS:-$((2000000 / div))}
DECLS=${SKULD_HOSTILE_DECLS:-$((1000000 / div))}
MEMBERS=${SKULD_HOSTILE_MEMBERS:-$((1000000 / div))}
NEST=${SKULD_HOSTILE_NEST:-$((1000000 / div))}
CHAIN=${SKULD_HOSTILE_CHAIN:-$((10000 / cdiv))}
CONFLICT=${SKULD_HOSTILE_CONFLICT:-$((10000 / cdiv))}

CONFLICT_BIG=${SKULD_HOSTILE_CONFLICT_BIG:-$((100000 / cdiv))}
TC=${SKULD_HOSTILE_CONFLICT_BIG_TIMEOUT:-10}   # its input is 1.3 MB: no excuse for more
SELF_CONFLICT=${SKULD_HOSTILE_SELF_CONFLICT:-$((2000 / cdiv))}
CONFLICT_GROUPS=${SKULD_HOSTILE_CONFLICT_GROUPS:-$((3000 / cdiv))}

# Every case runs with its output files capped (ulimit -f, 512-byte blocks in sh) and,
# for a build without sanitizers, its address space (ulimit -v); a sanitizer build gets
# an RSS limit through ASAN_OPTIONS instead.
FSIZE_BLOCKS=${SKULD_HOSTILE_FSIZE_BLOCKS:-131072}
VMEM_KB=${SKULD_HOSTILE_VMEM_KB:-6000000}
if [ $sanitized = 1 ]; then
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}hard_rss_limit_mb=${SKULD_HOSTILE_RSS_MB:-6000}"
    export ASAN_OPTIONS
fi

total=0
failed=0
skipped=0
failures=""
slowest_ms=0
slowest=""
cwd=$H

now_ms() {
    n=$(date +%s%N 2>/dev/null)
    case $n in
        *[!0-9]*|'') echo $(($(date +%s) * 1000)) ;;
        *) echo $((n / 1000000)) ;;
    esac
}
start_ms=$(now_ms)

# first_line FILE: its first non-empty line, printable and short, for a failure line.
first_line() {
    grep -a -m 1 . "$1" 2>/dev/null | cut -c1-140 | LC_ALL=C tr -c '[:print:]\n' '?' | tr -d '\n'
}

selected() {
    for s in ${SKULD_HOSTILE_SKIP:-}; do [ "$s" = "$1" ] && return 1; done
    [ -z "${SKULD_HOSTILE_ONLY:-}" ] && return 0
    printf '%s\n' "$1" | grep -Eq -- "$SKULD_HOSTILE_ONLY"
}

# run NAME WANT BOUND WHERE CMD [ARGS...]
#   WANT  12 (exit 1 or 2), 1 or 2 (that status only)
#   BOUND seconds before timeout stops the command
#   WHERE ERE that stderr must match (the place); "out:ERE" matches stdout instead
# The command runs in $cwd with stdin from /dev/null.
run() {
    name=$1 want=$2 bound=$3 where=$4
    shift 4
    if ! selected "$name"; then skipped=$((skipped + 1)); return 0; fi
    total=$((total + 1))
    t0=$(now_ms)
    # Caps keep a runaway case from filling the disk or the machine's memory. No exec:
    # this subshell, not the script, reports a command killed by a signal.
    (cd "$cwd" || exit 125
     ulimit -f "$FSIZE_BLOCKS" 2>/dev/null
     [ $sanitized = 0 ] && ulimit -v "$VMEM_KB" 2>/dev/null
     timeout -k 5 "$bound" "$@") >"$tmp/out" 2>"$tmp/err" </dev/null
    rc=$?
    ms=$(($(now_ms) - t0))
    if [ "$ms" -gt "$slowest_ms" ]; then slowest_ms=$ms; slowest=$name; fi

    why=""
    san=$(grep -a -m 1 -E 'ERROR: [A-Za-z]*Sanitizer|runtime error:|SUMMARY: [A-Za-z]*Sanitizer|AddressSanitizer:DEADLYSIGNAL' "$tmp/err" |
          cut -c1-140)
    [ -n "$san" ] && why="${why:+$why; }sanitizer report: $san"
    timed_out=0
    case $rc in
        124|137) timed_out=1; why="${why:+$why; }did not finish within ${bound}s" ;;
        0) why="${why:+$why; }exit 0 on bad input" ;;
        153) why="${why:+$why; }killed by SIGXFSZ: wrote more than the output cap of $((FSIZE_BLOCKS / 2048)) MB" ;;
        1|2) [ "$want" = 12 ] || [ "$want" = "$rc" ] || why="${why:+$why; }exit $rc, expected $want" ;;
        *) if [ "$rc" -gt 128 ]; then why="${why:+$why; }killed by signal $((rc - 128)) (exit $rc)"
           else why="${why:+$why; }exit $rc"; fi ;;
    esac
    if [ "$rc" = 2 ] && [ -s "$tmp/out" ]; then
        why="${why:+$why; }exit 2 with a report on stdout ($(wc -c <"$tmp/out" | tr -d ' ') bytes)"
    fi
    if [ $timed_out = 0 ]; then
        case $where in
            out:*) stream=out re=${where#out:} ;;
            *) stream=err re=$where ;;
        esac
        if ! grep -a -Eq -- "$re" "$tmp/$stream"; then
            label=stderr
            [ $stream = out ] && label=stdout
            why="${why:+$why; }no place: $label does not match /$re/ (it says: $(first_line "$tmp/$stream"))"
        fi
    fi

    if [ -n "$why" ]; then
        failed=$((failed + 1))
        failures="$failures $name"
        echo "FAIL: $name: $why [cmd: $(printf '%s ' "$@" | sed "s|$SKULD|skuld|; s|$tmp|\$TMP|g" | cut -c1-200)]"
    elif [ "${SKULD_HOSTILE_VERBOSE:-0}" = 1 ]; then
        echo "ok: $name (exit $rc, ${ms} ms)"
    fi
    return 0
}

# tenant NAME: tmp/tenants/NAME = the base tenant with tests/hostile/tenants/NAME's
# files laid over it; prints its path.
tenant() {
    d=$tmp/tenants/$1
    rm -rf "$d"
    mkdir -p "$d" && cp "$H"/base/tenant/*.csv "$d"/ || exit 2
    [ -d "$H/tenants/$1" ] && cp "$H/tenants/$1"/* "$d"/
    printf '%s\n' "$d"
}

# repeat N STRING: STRING N times, no newline (fast for millions).
repeat() {
    n=$1 s=$2
    [ "$n" -gt 0 ] || return 0
    head -c "$n" /dev/zero | tr '\0' '\n' | sed "s/^/$s/" | tr -d '\n'
}

RULES=base/rules.skuld
BASE_T=base/tenant

# ===================================================================================
# Rule files (committed): skuld check
# ===================================================================================

# NUL bytes, invalid and overlong UTF-8, UTF-16: io errors, exit 2 (docs/language.md)
run rules/nul-mid                2 $T 'nul-mid\.skuld:3:7'                 "$SKULD" check rules/nul-mid.skuld
run rules/nul-first              2 $T 'nul-first\.skuld:1:1'               "$SKULD" check rules/nul-first.skuld
run rules/utf8-overlong-2byte    2 $T 'utf8-overlong-2byte\.skuld:2:9'     "$SKULD" check rules/utf8-overlong-2byte.skuld
run rules/utf8-overlong-nul      2 $T 'utf8-overlong-nul\.skuld:2:[0-9]+'  "$SKULD" check rules/utf8-overlong-nul.skuld
run rules/utf8-overlong-3byte    2 $T 'utf8-overlong-3byte\.skuld:1:[0-9]+' "$SKULD" check rules/utf8-overlong-3byte.skuld
run rules/utf8-overlong-4byte    2 $T 'utf8-overlong-4byte\.skuld:3:[0-9]+' "$SKULD" check rules/utf8-overlong-4byte.skuld
run rules/utf8-surrogate         2 $T 'utf8-surrogate\.skuld:1:[0-9]+'     "$SKULD" check rules/utf8-surrogate.skuld
run rules/utf8-above-max         2 $T 'utf8-above-max\.skuld:2:[0-9]+'     "$SKULD" check rules/utf8-above-max.skuld
run rules/utf8-truncated-eof     2 $T 'utf8-truncated-eof\.skuld:2:[0-9]+' "$SKULD" check rules/utf8-truncated-eof.skuld
run rules/utf8-lone-continuation 2 $T 'utf8-lone-continuation\.skuld:2:[0-9]+' "$SKULD" check rules/utf8-lone-continuation.skuld
run rules/utf8-invalid-ff        2 $T 'utf8-invalid-ff\.skuld:2:[0-9]+'    "$SKULD" check rules/utf8-invalid-ff.skuld
run rules/utf16le                2 $T 'utf16le\.skuld:1:[0-9]+'            "$SKULD" check rules/utf16le.skuld

# byte-order marks where none belongs
run rules/bom-line-start         12 $T 'bom-line-start\.skuld:3:1'         "$SKULD" check rules/bom-line-start.skuld
run rules/bom-in-name            12 $T 'bom-in-name\.skuld:2:[0-9]+'       "$SKULD" check rules/bom-in-name.skuld
run rules/bom-double             12 $T 'bom-double\.skuld:1:[0-9]+'        "$SKULD" check rules/bom-double.skuld
run rules/bom-between-tokens     12 $T 'bom-between-tokens\.skuld:2:[0-9]+' "$SKULD" check rules/bom-between-tokens.skuld

# line ends: CRLF mixed with LF must count lines right; lone CRs
run rules/crlf-mixed             1 $T 'crlf-mixed\.skuld:5:6'              "$SKULD" check rules/crlf-mixed.skuld
run rules/cr-only                1 $T 'cr-only\.skuld:[0-9]+:[0-9]+'       "$SKULD" check rules/cr-only.skuld

# empty things
run rules/empty                  12 $T 'empty\.skuld'                      "$SKULD" check rules/empty.skuld
run rules/empty-plan-name        12 $T 'empty-plan-name\.skuld:1:[0-9]+'   "$SKULD" check rules/empty-plan-name.skuld
run rules/empty-group-name       12 $T 'empty-group-name\.skuld:3:[0-9]+'  "$SKULD" check rules/empty-group-name.skuld
run rules/include-empty-path     1 $T 'include-empty-path\.skuld:1:9'      "$SKULD" check rules/include-empty-path.skuld

# strings and escapes
run rules/string-raw-newline     1 $T 'string-raw-newline\.skuld:1:[0-9]+' "$SKULD" check rules/string-raw-newline.skuld
run rules/string-unterminated-eof 1 $T 'string-unterminated-eof\.skuld:2:[0-9]+' "$SKULD" check rules/string-unterminated-eof.skuld
run rules/escape-unknown         1 $T 'escape-unknown\.skuld:1:[0-9]+'     "$SKULD" check rules/escape-unknown.skuld
run rules/escape-u0000           1 $T 'escape-u0000\.skuld:1:[0-9]+'       "$SKULD" check rules/escape-u0000.skuld
run rules/escape-surrogate       1 $T 'escape-surrogate\.skuld:1:[0-9]+'   "$SKULD" check rules/escape-surrogate.skuld
run rules/escape-short           1 $T 'escape-short\.skuld:1:[0-9]+'       "$SKULD" check rules/escape-short.skuld
run rules/id-10k                 1 $T 'id-10k\.skuld:1:11'                 "$SKULD" check rules/id-10k.skuld

# numbers past 64 bits
run rules/int-seats-2pow63       1 $T 'int-seats-2pow63\.skuld:3:9'        "$SKULD" check rules/int-seats-2pow63.skuld
run rules/int-priority-below-min 1 $T 'int-priority-below-min\.skuld:3:[0-9]+' "$SKULD" check rules/int-priority-below-min.skuld
run rules/int-2pow64             1 $T 'int-2pow64\.skuld:3:[0-9]+'         "$SKULD" check rules/int-2pow64.skuld
run rules/int-400-digits         1 $T 'int-400-digits\.skuld:3:9'          "$SKULD" check rules/int-400-digits.skuld
run rules/int-negative-seats     1 $T 'int-negative-seats\.skuld:3:9'      "$SKULD" check rules/int-negative-seats.skuld
run rules/scenario-int-overflow  1 $T 'scenario-int-overflow\.skuld:4:[0-9]+' "$SKULD" check rules/scenario-int-overflow.skuld

# duplicates ("duplicate headers" of a rule file)
run rules/dup-directory          1 $T 'dup-directory\.skuld:2:[0-9]+'      "$SKULD" check rules/dup-directory.skuld
run rules/dup-plan               1 $T 'dup-plan\.skuld:3:6'                "$SKULD" check rules/dup-plan.skuld
run rules/dup-guid               1 $T 'dup-guid\.skuld:2:[0-9]+'           "$SKULD" check rules/dup-guid.skuld
run rules/dup-seats              1 $T 'dup-seats\.skuld:3:[0-9]+'          "$SKULD" check rules/dup-seats.skuld

# syntax garbage
run rules/keywords-as-names      1 $T 'keywords-as-names\.skuld:1:6'       "$SKULD" check rules/keywords-as-names.skuld
run rules/unclosed-block         1 $T 'unclosed-block\.skuld:[23]:[0-9]+'  "$SKULD" check rules/unclosed-block.skuld
run rules/stray-closers          1 $T 'stray-closers\.skuld:1:1'           "$SKULD" check rules/stray-closers.skuld
run rules/unicode-identifier     1 $T 'unicode-identifier\.skuld:1:6'      "$SKULD" check rules/unicode-identifier.skuld
run rules/unicode-country        1 $T 'unicode-country\.skuld:2:[0-9]+'    "$SKULD" check rules/unicode-country.skuld
run rules/control-char           1 $T 'control-char\.skuld:1:7'            "$SKULD" check rules/control-char.skuld

# includes
run rules/include-self           1 $T 'include-self\.skuld:1:9'            "$SKULD" check rules/include-self.skuld
run rules/include-cycle          1 $T 'include-cycle/[ab]\.skuld:2:9'      "$SKULD" check rules/include-cycle/a.skuld
run rules/include-cycle3         1 $T 'include-cycle3/[abc]\.skuld:[12]:9' "$SKULD" check rules/include-cycle3/a.skuld
run rules/include-missing        1 $T 'include-missing\.skuld:2:9'         "$SKULD" check rules/include-missing.skuld
run rules/include-directory      1 $T 'include-directory\.skuld:1:9'       "$SKULD" check rules/include-directory.skuld
run rules/include-long-path      1 $T 'include-long-path\.skuld:1:9'       "$SKULD" check rules/include-long-path.skuld
run rules/include-error-inside   1 $T 'include-target/broken\.skuld:3:6'   "$SKULD" check rules/include-error-inside.skuld
run rules/include-binary         12 $T 'include-target/binary\.dat:1:[0-9]+' "$SKULD" check rules/include-binary.skuld
run rules/include-outside        1 $T 'include-outside\.skuld:1:9'         "$SKULD" check rules/include-outside.skuld
run rules/include-dev-zero       1 $T 'include-dev-zero\.skuld:1:9'        "$SKULD" check rules/include-dev-zero.skuld
run rules/include-dev-zero-allowed 1 $T 'include-dev-zero\.skuld:1:9'      "$SKULD" check --allow-include-outside rules/include-dev-zero.skuld
run rules/include-dev-stdin-pipe 1 $T 'include-dev-stdin\.skuld:1:9' \
    sh -c 'yes 2>/dev/null | "$@"' sh "$SKULD" check --allow-include-outside rules/include-dev-stdin.skuld

# the same inputs through lint (exit 2: rules that do not compile)
run lint/nul-mid                 2 $T 'nul-mid\.skuld:3:7'                 "$SKULD" lint rules/nul-mid.skuld
run lint/sarif-overlong          2 $T 'utf8-overlong-2byte\.skuld:2:9'     "$SKULD" lint --format sarif rules/utf8-overlong-2byte.skuld
run lint/include-cycle           12 $T 'include-cycle/[ab]\.skuld:2:9'     "$SKULD" lint --format json rules/include-cycle/a.skuld

# and through eval and whatif (exit 2: rules that do not compile)
run eval/rules-nul               2 $T 'nul-mid\.skuld:3:7' "$SKULD" eval rules/nul-mid.skuld --tenant "$BASE_T"
run eval/rules-include-cycle     2 $T 'include-cycle/[ab]\.skuld:2:9' \
    "$SKULD" eval rules/include-cycle/a.skuld --tenant "$BASE_T" --format json
run whatif/rules-int-past-64-bits 2 $T 'int-seats-2pow63\.skuld:3:9' \
    "$SKULD" whatif rules/int-seats-2pow63.skuld --tenant "$BASE_T" --reprocess Sales

# command-line numbers and paths
run cli/output-path-through-a-file 2 $T 'report\.json' \
    "$SKULD" eval "$RULES" --tenant "$BASE_T" -o "$RULES/report.json"
run cli/include-depth-past-64-bits 2 $T 'max-include-depth'  "$SKULD" check --max-include-depth 99999999999999999999999 rules/include-self.skuld
run cli/max-diagnostics-negative   2 $T 'max-diagnostics'    "$SKULD" check --max-diagnostics -1 rules/include-self.skuld

# ===================================================================================
# Rule files (generated)
# ===================================================================================
g=$tmp/g
mkdir -p "$g"
cwd=$g

# a 100 MB line: an unterminated string on it; invalid UTF-8 at its very end; a
# 100 MB comment before the error
{ printf 'plan A;\nplan B "'; head -c "$LINE" /dev/zero | tr '\0' x; printf '\n'; } >"$g/long-string.skuld"
run gen/line-100mb-unterminated-string 1 "$TB" 'long-string\.skuld:2:8' "$SKULD" check long-string.skuld
rm -f "$g/long-string.skuld"

{ head -c "$LINE" /dev/zero | tr '\0' ' '; printf '\300\257\n'; } >"$g/long-utf8.skuld"
run gen/line-100mb-then-overlong-utf8 2 "$TB" "long-utf8\\.skuld:1:$((LINE + 1))" "$SKULD" check long-utf8.skuld
rm -f "$g/long-utf8.skuld"

{ printf '#'; head -c "$LINE" /dev/zero | tr '\0' '#'; printf '\nplan A; plan A;\n'; } >"$g/long-comment.skuld"
run gen/line-100mb-comment-then-error 1 "$TB" 'long-comment\.skuld:2:14' "$SKULD" check long-comment.skuld
rm -f "$g/long-comment.skuld"

# millions of tiny tokens
head -c "$TOKENS" /dev/zero | tr '\0' ';' >"$g/semicolons.skuld"
run gen/tokens-semicolons 1 "$TB" 'semicolons\.skuld:1:1' "$SKULD" check semicolons.skuld
rm -f "$g/semicolons.skuld"

{ printf 'plan P;\nproduct X { plans '; repeat $((TOKENS / 2)) 'P, '; printf 'P; }\n'; } >"$g/plan-list.skuld"
run gen/tokens-plan-list 1 "$TB" 'plan-list\.skuld:2:[0-9]+' "$SKULD" check plan-list.skuld
rm -f "$g/plan-list.skuld"

awk -v n="$((TOKENS / 2))" 'BEGIN { printf "plan A;\nrequire A: "; for (i = 1; i < n; i++) printf "B%d | ", i; print "B0;" }' \
    >"$g/alternatives.skuld"
run gen/tokens-require-alternatives 1 "$TB" 'alternatives\.skuld:2:12' "$SKULD" check alternatives.skuld
rm -f "$g/alternatives.skuld"

awk -v n="$DECLS" 'BEGIN { for (i = 1; i <= n; i++) printf "plan P%d;\n", i; print "plan P1;" }' >"$g/many-plans.skuld"
run gen/decls-million-plans-then-duplicate 1 "$TB" "many-plans\\.skuld:$((DECLS + 1)):6" "$SKULD" check many-plans.skuld
rm -f "$g/many-plans.skuld"

# a million lines, CRLF and LF alternating, the error on the last one
awk -v n="$DECLS" 'BEGIN { for (i = 1; i <= n; i++) printf (i % 2 ? "# %d\r\n" : "\n"), i; print "plan A; plan A;" }' \
    >"$g/many-lines.skuld"
run gen/lines-million-crlf-lf-then-error 1 "$TB" "many-lines\\.skuld:$((DECLS + 1)):14" "$SKULD" check many-lines.skuld
rm -f "$g/many-lines.skuld"

# deep nesting
head -c "$NEST" /dev/zero | tr '\0' '{' >"$g/braces.skuld"
run gen/nest-braces 1 "$TB" 'braces\.skuld:1:1' "$SKULD" check braces.skuld
rm -f "$g/braces.skuld"

{ printf 'group G '; head -c "$NEST" /dev/zero | tr '\0' '{'; head -c "$NEST" /dev/zero | tr '\0' '}'; printf '\n'; } \
    >"$g/group-braces.skuld"
run gen/nest-braces-in-group 1 "$TB" 'group-braces\.skuld:1:10' "$SKULD" check group-braces.skuld
rm -f "$g/group-braces.skuld"

awk -v n="$((NEST / 10))" 'BEGIN { for (i = 1; i <= n; i++) printf "group \"g%d\" { ", i; print "" }' >"$g/group-blocks.skuld"
run gen/nest-group-blocks 1 "$TB" 'group-blocks\.skuld:1:14' "$SKULD" check group-blocks.skuld
rm -f "$g/group-blocks.skuld"

# one conflict set of many plans, all enabled by one group: a C4 error, found in bounded
# time however many pairs there are
# conflict_rules N FILE: N plans in one conflict set and one product, one group assigning it
conflict_rules() {
    awk -v n="$1" 'BEGIN {
        for (i = 1; i <= n; i++) printf "plan P%d;\n", i
        printf "conflict "; for (i = 1; i < n; i++) printf "P%d, ", i; printf "P%d;\n", n
        printf "product X { plans "; for (i = 1; i < n; i++) printf "P%d, ", i; printf "P%d; }\n", n
        print "group \"G\" { assign X; }" }' >"$2"
}
conflict_rules "$CONFLICT" "$g/conflict.skuld"
run gen/conflict-set-all-in-one-group 1 "$T" "conflict\\.skuld:$((CONFLICT + 3)):[0-9]+" "$SKULD" check conflict.skuld
rm -f "$g/conflict.skuld"

conflict_rules "$CONFLICT_BIG" "$g/conflict-big.skuld"
run gen/conflict-set-100k-plans 1 "$TC" "conflict-big\\.skuld:$((CONFLICT_BIG + 3)):[0-9]+" "$SKULD" check conflict-big.skuld
rm -f "$g/conflict-big.skuld"

# a product whose plans are pairwise exclusive: lint has a finding per pair, and must
# still answer in bounded time (--fail-on warning: exit 1)
awk -v n="$SELF_CONFLICT" 'BEGIN {
    for (i = 1; i <= n; i++) printf "plan P%d;\n", i
    printf "conflict "; for (i = 1; i < n; i++) printf "P%d, ", i; printf "P%d;\n", n
    printf "product X { plans "; for (i = 1; i < n; i++) printf "P%d, ", i; printf "P%d; seats 1; }\n", n }' \
    >"$g/self-conflict.skuld"
run lint/product-self-conflict 1 "$T" "out:self-conflict\\.skuld:$((SELF_CONFLICT + 2)):[0-9]+" \
    "$SKULD" lint --fail-on warning self-conflict.skuld
rm -f "$g/self-conflict.skuld"

# one user in many groups: the first gives product Q, each of the others assigns Q too
# (another plan of it) and a product whose plan conflicts with Q's, so each pair fails
# and each detail names Q's sources: the groups before it whose pair passed. eval's
# JSON pass finds them from the memberships and the user's violations (include/eval.h,
# `lean`): that must stay linear in the violations a detail, not a walk of them for
# each group (it was: 3,000 groups took minutes). Exit 1: violations.
awk -v n="$CONFLICT_GROUPS" 'BEGIN {
    print "plan X;"; print "plan Z;"; print "product Q { plans X, Z; }"
    for (i = 1; i < n; i++) printf "plan Y%d;\nproduct R%d { plans Y%d; }\nconflict X, Y%d;\n", i, i, i, i
    print "group \"G0\" { assign Q; }"
    for (i = 1; i < n; i++) printf "group \"G%d\" { assign Q only Z; assign R%d; }\n", i, i }' \
    >"$g/conflict-groups.skuld"
mkdir -p "$g/conflict-groups"
printf 'user,usage_location,proxy_addresses\nalice@contoso.com,NL,\n' >"$g/conflict-groups/users.csv"
awk -v n="$CONFLICT_GROUPS" 'BEGIN { print "group,member"; for (i = 0; i < n; i++) printf "G%d,alice@contoso.com\n", i }' \
    >"$g/conflict-groups/members.csv"
run eval/conflict-sources-many-groups 1 "$TC" 'out:MutuallyExclusiveViolation' \
    "$SKULD" eval conflict-groups.skuld --tenant conflict-groups --format json
rm -rf "$g/conflict-groups.skuld" "$g/conflict-groups"

# include chains: CHAIN files, each including the next
w=5
[ ${#CHAIN} -gt 5 ] && w=${#CHAIN}
chain() { # chain DIR LAST_TEXT
    mkdir -p "$g/$1"
    awk -v n="$CHAIN" -v d="$g/$1" -v w="$w" -v last="$2" 'BEGIN {
        for (i = 0; i < n; i++) {
            f = sprintf("%s/c%0" w "d.skuld", d, i)
            if (i < n - 1) printf "# link %d\ninclude \"c%0" w "d.skuld\";\n", i, i + 1 > f
            else printf "%s", last > f
            close(f)
        } }'
}
first=$(printf "c%0${w}d" 0)
last=$(printf "c%0${w}d" $((CHAIN - 1)))
chain chain 'plan A;
plan A;
'
run gen/include-chain-default-depth 1 "$TB" 'chain/c0*64\.skuld:2:9' "$SKULD" check "chain/$first.skuld"
run gen/include-chain-raised-depth 1 "$TB" "chain/$last\\.skuld:2:6" \
    "$SKULD" check --max-include-depth $((CHAIN * 2)) "chain/$first.skuld"
run gen/include-chain-lint 2 "$TB" 'chain/c0*64\.skuld:2:9' "$SKULD" lint "chain/$first.skuld"
rm -rf "$g/chain"
chain ring "# closes the ring
include \"$first.skuld\";
"
run gen/include-chain-ring 1 "$TB" "ring/c[0-9]+\\.skuld:2:9" \
    "$SKULD" check --max-include-depth $((CHAIN * 2)) "ring/$first.skuld"
rm -rf "$g/ring"

# FIFOs and devices
mkdir -p "$g/dev"
mkfifo "$g/dev/pipe.skuld"
ln -s /dev/zero "$g/dev/zero.skuld"
printf 'plan A;\ninclude "pipe.skuld";\n' >"$g/dev/include-fifo.skuld"
printf 'include "zero.skuld";\n' >"$g/dev/include-zero-link.skuld"
run gen/include-fifo             1 $T 'include-fifo\.skuld:2:9'  "$SKULD" check dev/include-fifo.skuld
run gen/include-fifo-allowed     1 $T 'include-fifo\.skuld:2:9'  "$SKULD" check --allow-include-outside dev/include-fifo.skuld
run gen/include-symlink-dev-zero 1 $T 'include-zero-link\.skuld:1:9' "$SKULD" check dev/include-zero-link.skuld
run gen/include-symlink-dev-zero-allowed 1 $T 'include-zero-link\.skuld:1:9' \
    "$SKULD" check --allow-include-outside dev/include-zero-link.skuld
run gen/rule-file-is-fifo        2 $T 'pipe\.skuld'              "$SKULD" check dev/pipe.skuld
run gen/rule-file-is-dev-zero    2 $T '/dev/zero'                "$SKULD" check /dev/zero
run gen/rule-file-is-symlink-to-dev-zero 2 $T 'zero\.skuld'      "$SKULD" check dev/zero.skuld

# rule directories with things that are not rule files
for d in dir-fifo dir-dangling dir-loop dir-empty; do mkdir -p "$g/$d"; done
cp "$H/$RULES" "$g/dir-fifo/a.skuld"
mkfifo "$g/dir-fifo/b.skuld"
cp "$H/$RULES" "$g/dir-dangling/a.skuld"
ln -s no-such-file.skuld "$g/dir-dangling/b.skuld"
cp "$H/$RULES" "$g/dir-loop/a.skuld"
ln -s b2.skuld "$g/dir-loop/b.skuld"
ln -s b.skuld "$g/dir-loop/b2.skuld"
run gen/rules-dir-with-fifo          12 $T 'b\.skuld'  "$SKULD" check dir-fifo
run gen/rules-dir-dangling-symlink   12 $T 'b\.skuld'  "$SKULD" check dir-dangling
run gen/rules-dir-symlink-loop       12 $T 'b2?\.skuld' "$SKULD" check dir-loop
run gen/rules-dir-empty              2 $T 'dir-empty'  "$SKULD" check dir-empty

cwd=$H

# ===================================================================================
# Tenant directories (committed overlays on base/tenant): skuld eval, exit 2
# ===================================================================================
t() { # t NAME WHERE
    d=$(tenant "$1")
    run "tenant/$1" 2 $T "$2" "$SKULD" eval "$RULES" --tenant "$d"
}
t users-nul                        'users\.csv:3:[0-9]+'
t users-overlong-utf8              'users\.csv:3:[0-9]+'
t users-invalid-utf8-proxy         'users\.csv:3:[0-9]+'
t users-utf16le                    'users\.csv:1:[0-9]+'
t users-bom-line-start             'users\.csv:3:[0-9]+|members\.csv:3:[0-9]+'
t users-bom-double                 'users\.csv:1:[0-9]+'
t users-crlf-mixed                 'users\.csv:4:[0-9]+'
t users-cr-only                    'users\.csv:4:[0-9]+'
t users-duplicate-header           'users\.csv:1:[0-9]+'
t users-multiline-field-then-error 'users\.csv:5:[0-9]+'
t users-newline-in-location        'users\.csv:2:[0-9]+'
t users-unterminated-quote         'users\.csv:3:[0-9]+'
t users-quote-in-unquoted          'users\.csv:3:[0-9]+'
t users-text-after-quote           'users\.csv:3:[0-9]+'
t users-no-header                  'users\.csv:1:[0-9]+'
t users-country-nonascii           'users\.csv:3:[0-9]+'
t users-empty                      'users\.csv'
t members-bom-before-user          'members\.csv:3:[0-9]+'
t members-duplicate-header         'members\.csv:1:[0-9]+'
t members-nul                      'members\.csv:3:[0-9]+'
t members-newline-in-member        'members\.csv:3:[0-9]+'
t licenses-duplicate-header        'licenses\.csv:1:[0-9]+'
t licenses-invalid-error-code      'licenses\.csv:3:[0-9]+'
t skus-2pow63                      'skus\.csv:2:[0-9]+'
t skus-2pow64                      'skus\.csv:2:[0-9]+'
t skus-300-digits                  'skus\.csv:2:[0-9]+'
t skus-int64-min                   'skus\.csv:2:[0-9]+'
t skus-exponent                    'skus\.csv:2:[0-9]+'
t skus-fullwidth-digit             'skus\.csv:2:[0-9]+'
t skus-duplicate-product           'skus\.csv:4:[0-9]+'
t all-empty                        'users\.csv'

# the same through lint --tenant (exit 2: bad input)
d=$(tenant users-nul)
run lint/tenant-users-nul 2 $T 'users\.csv:3:[0-9]+' "$SKULD" lint "$RULES" --tenant "$d"

# ===================================================================================
# Tenant directories (generated)
# ===================================================================================
gt=$tmp/gt
mkdir -p "$gt/empty-dir"
run tenant-gen/empty-dir 2 $T 'users\.csv' "$SKULD" eval "$RULES" --tenant "$gt/empty-dir"
run tenant-gen/dev-zero  2 $T '/dev/zero'  "$SKULD" eval "$RULES" --tenant /dev/zero

special() { # special NAME FILE KIND: the base tenant with FILE replaced by a special file
    d=$(tenant "$1")
    rm -f "$d/$2"
    case $3 in
        fifo) mkfifo "$d/$2" ;;
        zero) ln -s /dev/zero "$d/$2" ;;
        dir) mkdir "$d/$2" ;;
        dangling) ln -s no-such-file.csv "$d/$2" ;;
    esac
    printf '%s\n' "$d"
}
d=$(special users-fifo users.csv fifo)
run tenant-gen/users-fifo 2 $T 'users\.csv' "$SKULD" eval "$RULES" --tenant "$d"
d=$(special members-dev-zero members.csv zero)
run tenant-gen/members-symlink-dev-zero 2 $T 'members\.csv' "$SKULD" eval "$RULES" --tenant "$d"
d=$(special users-dir users.csv dir)
run tenant-gen/users-is-directory 2 $T 'users\.csv' "$SKULD" eval "$RULES" --tenant "$d"
d=$(special skus-fifo skus.csv fifo)
run tenant-gen/skus-fifo 2 $T 'skus\.csv' "$SKULD" eval "$RULES" --tenant "$d"
d=$(special licenses-dangling licenses.csv dangling)
run tenant-gen/licenses-dangling-symlink 2 $T 'licenses\.csv' "$SKULD" eval "$RULES" --tenant "$d"

# a 100 MB field
d=$(tenant long-field)
{ printf 'user,usage_location,proxy_addresses\n'; head -c "$LINE" /dev/zero | tr '\0' a
  printf '@contoso.com,XX,\n'; } >"$d/users.csv"
run tenant-gen/users-100mb-field 2 "$TB" 'users\.csv:2:[0-9]+' "$SKULD" eval "$RULES" --tenant "$d"
rm -rf "$d"

# a row of millions of empty fields
d=$(tenant many-fields)
{ printf 'user,usage_location,proxy_addresses\n'; head -c "$TOKENS" /dev/zero | tr '\0' ,; printf '\n'; } >"$d/users.csv"
run tenant-gen/users-millions-of-fields 2 "$TB" 'users\.csv:2:[0-9]+' "$SKULD" eval "$RULES" --tenant "$d"
rm -rf "$d"

# a group with a million members
big=$gt/big
mkdir -p "$big/rules" "$big/t"
cat >"$big/rules/big.skuld" <<EOF
plan EXCHANGE_S_ENTERPRISE "Exchange Online (Plan 2)" mailbox;
product ENTERPRISEPACK "Office 365 E3" { plans EXCHANGE_S_ENTERPRISE; seats $((MEMBERS - 1)); }
group "Big" { assign ENTERPRISEPACK; }
EOF
awk -v n="$MEMBERS" 'BEGIN { print "user,usage_location,proxy_addresses"
    for (i = 1; i <= n; i++) printf "u%d@contoso.com,NL,SMTP:u%d@contoso.com\n", i, i }' >"$big/t/users.csv"
awk -v n="$MEMBERS" 'BEGIN { print "group,member"; for (i = 1; i <= n; i++) printf "Big,u%d@contoso.com\n", i }' \
    >"$big/t/members.csv"
# one seat short: exit 1, the report names the last member
run tenant-gen/group-million-members-one-seat-short 1 "$TB" "out:u$MEMBERS@contoso\\.com" \
    "$SKULD" eval "$big/rules" --tenant "$big/t" --group Big
# a bad member after the million
printf 'Big,nobody@contoso.com\n' >>"$big/t/members.csv"
run tenant-gen/group-million-members-bad-last 2 "$TB" "members\\.csv:$((MEMBERS + 2)):[0-9]+" \
    "$SKULD" eval "$big/rules" --tenant "$big/t"
# a million repeated rows (each a warning) and a bad row after them
awk -v n="$MEMBERS" 'BEGIN { print "group,member"; for (i = 1; i <= n; i++) print "Big,u1@contoso.com"
    print "Big,nobody@contoso.com" }' >"$big/t/members.csv"
run tenant-gen/group-million-repeated-rows 2 "$TB" "members\\.csv:$((MEMBERS + 2)):[0-9]+" \
    "$SKULD" eval "$big/rules" --tenant "$big/t"
rm -rf "$big"

# ===================================================================================
# Graph exports (committed): skuld eval --tenant FILE.json, exit 2
# ===================================================================================
j() { # j NAME WHERE
    run "graph/$1" 2 $T "$2" "$SKULD" eval "$RULES" --tenant "graph/$1.json"
}
j empty                 'empty\.json'
j whitespace-only       'whitespace-only\.json'
j nul-in-string         'nul-in-string\.json:2:[0-9]+'
j overlong-utf8         'overlong-utf8\.json:2:[0-9]+'
j bom-mid               'bom-mid\.json:2:[0-9]+'
j bom-double            'bom-double\.json:1:[0-9]+'
j duplicate-key         'duplicate-key\.json:3:[0-9]+'
j int-past-64           'int-past-64\.json:20:[0-9]+'
j real-overflow         'real-overflow\.json:20:[0-9]+'
j negative-seats        'negative-seats\.json.*subscribedSkus\[0\]\.prepaidUnits\.enabled'
j fractional-seats      'fractional-seats\.json.*subscribedSkus\[0\]\.prepaidUnits\.enabled'
j top-level-array       'top-level-array\.json'
j truncated             'truncated\.json:[0-9]+:[0-9]+'
j trailing-garbage      'trailing-garbage\.json:23:[0-9]+'
j escape-u0000          'escape-u0000\.json:3:[0-9]+'
j lone-surrogate        'lone-surrogate\.json:3:[0-9]+'
j members-not-array     'members-not-array\.json.*groups\[1\]\.members'
j member-unknown-id     'member-unknown-id\.json.*groups\[0\]\.members\[1\]'
j usage-location-number 'usage-location-number\.json.*users\[0\]\.usageLocation'
j duplicate-user-id     'duplicate-user-id\.json.*users\[1\]\.id'
j skuid-not-guid        'skuid-not-guid\.json.*subscribedSkus\[0\]\.skuId'

# ===================================================================================
# Graph exports (generated)
# ===================================================================================
gj=$tmp/gj
mkdir -p "$gj"
head -c "$NEST" /dev/zero | tr '\0' '[' >"$gj/deep.json"
run graph-gen/nest-arrays 2 "$TB" 'deep\.json:1:[0-9]+' "$SKULD" eval "$RULES" --tenant "$gj/deep.json"
run import/groups-nest-arrays 2 "$TB" 'deep\.json:1:[0-9]+' "$SKULD" import groups "$gj/deep.json"
rm -f "$gj/deep.json"

{ printf '{"users": [{"id": "11111111-1111-4111-8111-111111111111", "userPrincipalName": "a@contoso.com", "usageLocation": "'
  head -c "$LINE" /dev/zero | tr '\0' N
  printf '"}], "groups": [], "subscribedSkus": []}\n'; } >"$gj/long.json"
run graph-gen/string-100mb 2 "$TB" 'long\.json.*users\[0\]\.usageLocation' "$SKULD" eval "$RULES" --tenant "$gj/long.json"
rm -f "$gj/long.json"

{ printf '{"users": ['; repeat $((TOKENS / 2)) '0,'; printf '0], "groups": [], "subscribedSkus": []}\n'; } >"$gj/tokens.json"
run graph-gen/millions-of-tokens 2 "$TB" 'tokens\.json.*users\[0\]' "$SKULD" eval "$RULES" --tenant "$gj/tokens.json"
rm -f "$gj/tokens.json"

mkfifo "$gj/pipe.json"
ln -s /dev/zero "$gj/zero.json"
run graph-gen/fifo              2 $T 'pipe\.json' "$SKULD" eval "$RULES" --tenant "$gj/pipe.json"
run graph-gen/symlink-dev-zero  2 $T 'zero\.json' "$SKULD" eval "$RULES" --tenant "$gj/zero.json"
run import/groups-fifo          2 $T 'pipe\.json' "$SKULD" import groups "$gj/pipe.json"

# ===================================================================================
# What-if: scenario files, quick changes, state files (exit 2)
# ===================================================================================
wi() { # wi NAME WHERE ARGS...
    n=$1 re=$2
    shift 2
    run "whatif/$n" 2 $T "$re" "$SKULD" whatif "$RULES" --tenant "$BASE_T" "$@"
}
wi scenario-nul            'nul\.skuld:2:[0-9]+'           --scenario scenarios/nul.skuld
wi scenario-empty          'empty\.skuld'                  --scenario scenarios/empty.skuld
wi scenario-only-comment   'only-comment\.skuld'           --scenario scenarios/only-comment.skuld
wi scenario-two-blocks     'two-blocks\.skuld:2:[0-9]+'    --scenario scenarios/two-blocks.skuld
wi scenario-unknown-user   'unknown-user\.skuld:3:[0-9]+'  --scenario scenarios/unknown-user.skuld
wi scenario-bom-in-group   'unknown-group\.skuld:2:[0-9]+' --scenario scenarios/unknown-group.skuld
wi scenario-seats-past-64  'seats-past-64\.skuld:2:[0-9]+' --scenario scenarios/seats-past-64.skuld
wi scenario-overlong-utf8  'overlong-utf8\.skuld:1:[0-9]+' --scenario scenarios/overlong-utf8.skuld
wi scenario-unclosed       'unclosed\.skuld:[23]:[0-9]+'   --scenario scenarios/unclosed.skuld
wi scenario-dev-zero       '/dev/zero'                     --scenario /dev/zero
mkfifo "$tmp/scenario.skuld"
wi scenario-fifo           'scenario\.skuld'               --scenario "$tmp/scenario.skuld"
wi seats-past-64-bits      'seats|command line'            --seats ENTERPRISEPACK=99999999999999999999
wi seats-negative          'seats|command line'            --seats ENTERPRISEPACK=-1
wi add-without-colon       '--add'                         --add alice@contoso.com
wi state-empty             'state-empty\.csv'              --state scenarios/state-empty.csv --reprocess Sales
wi state-nul               'state-nul\.csv:2:[0-9]+'       --state scenarios/state-nul.csv --reprocess Sales
wi state-unknown-user      'state-unknown-user\.csv:3:[0-9]+' --state scenarios/state-unknown-user.csv --reprocess Sales
wi state-overlong-utf8     'state-overlong-utf8\.csv:3:[0-9]+' --state scenarios/state-overlong-utf8.csv --reprocess Sales
wi state-dev-zero          '/dev/zero'                     --state /dev/zero --reprocess Sales
awk -v n="$((DECLS / 10))" 'BEGIN { print "scenario \"many\" {"; for (i = 1; i <= n; i++) print "    reprocess \"Sales\";"
    print "    add \"zed@contoso.com\" to \"Sales\";"; print "}" }' >"$tmp/many.skuld"
run whatif-gen/scenario-many-changes-bad-last 2 "$TB" "many\\.skuld:$((DECLS / 10 + 2)):[0-9]+" \
    "$SKULD" whatif "$RULES" --tenant "$BASE_T" --scenario "$tmp/many.skuld"
rm -f "$tmp/many.skuld"

# ===================================================================================
# Imports (exit 2)
# ===================================================================================
run import/catalog-empty         2 $T 'empty\.csv'             "$SKULD" import catalog catalog/empty.csv
run import/catalog-nul           2 $T 'nul\.csv:2:[0-9]+'      "$SKULD" import catalog catalog/nul.csv
run import/catalog-wrong-header  2 $T 'wrong-header\.csv:1:[0-9]+' "$SKULD" import catalog catalog/wrong-header.csv
run import/catalog-overlong-utf8 2 $T 'overlong-utf8\.csv:2:[0-9]+' "$SKULD" import catalog catalog/overlong-utf8.csv
run import/catalog-bad-guid      2 $T 'bad-guid\.csv:2:[0-9]+'  "$SKULD" import catalog catalog/bad-guid.csv
run import/catalog-fifo          2 $T 'pipe\.json'              "$SKULD" import catalog "$gj/pipe.json"
run import/groups-duplicate-key  2 $T 'duplicate-key\.json:3:[0-9]+' "$SKULD" import groups graph/duplicate-key.json
run import/groups-skuid-not-guid 2 $T 'import-skuid-not-guid\.json.*groups\[0\]\.assignedLicenses\[0\]\.skuId' \
    "$SKULD" import groups graph/import-skuid-not-guid.json

# ===================================================================================
end_ms=$(now_ms)
secs=$(((end_ms - start_ms) / 1000))
echo "hostile: $total cases, $((total - failed)) passed, $failed failed, $skipped skipped in ${secs}s (slowest: $slowest, $((slowest_ms / 1000))s; sizes: line $LINE, tokens $TOKENS, decls $DECLS, members $MEMBERS, chain $CHAIN, nest $NEST, conflict $CONFLICT)"
if [ $failed -gt 0 ]; then
    echo "failed:$failures"
    exit 1
fi
exit 0
