#!/bin/sh
# tests/scripts/editors.sh — the editor grammars of editors/ classify every character of
# every rule file in the repository.
#
# The files: every *.skuld (and *.skuldinc, the include fragments of tests/check) under
# rules/, examples/ and tests/, and the one-line rule files of tests/forms/*.txt (their
# "ok "/"fail " prefix blanked, so lines and columns stay those of the .txt file). Each
# is tokenized by
#   - the TextMate grammar of the VS Code extension (editors/vscode), with the npm
#     packages vscode-textmate and vscode-oniguruma as VS Code does
#     (editors/test/tokenize.js; the packages are installed into build/editors-node/
#     when missing, which needs node, npm and the npm registry);
#   - the Vim syntax file (editors/vim) in one `vim -Es` (editors/test/tokenize.vim,
#     which needs Vim 9's :def), ftdetect included: a .skuld file must get the
#     filetype skuld.
# It fails on
#   - any non-blank character that gets no scope but source.skuld (TextMate) or no
#     syntax group (Vim): reported as file:line:column (columns count bytes);
#   - an error skuld's lexer reports (unexpected character, unterminated string, bad
#     escape, NUL byte: the goldens tests/check/*.expected) that a grammar does not
#     mark invalid (invalid.illegal.* / an Error group) at the same line and column;
#   - an invalid mark in rules/, examples/, tests/check or tests/forms on a line where
#     the lexer finds nothing wrong (the "fail" lines of tests/forms may have them: they
#     are not checked against the lexer). Elsewhere in tests/ (deliberately broken
#     input such as BOMs, NULs, UTF-16) invalid marks are only counted;
#   - a keyword of grammar/lexer.l that a grammar does not highlight as a keyword, or
#     an identifier that starts with one (KEYWORDx) that it does.
# Integers outside the 64-bit range and invalid UTF-8 are left to skuld: the grammars
# do not mark them.
#
# Needs node, npm and vim with +syntax (sh tools/install-deps.sh installs them). When
# one is missing, or the npm packages cannot be installed (no network), that grammar is
# reported untested and the test fails: it never passes without testing both. Ends
# with a summary line; exit status 0 when both grammars pass.
set -u
cd "$(dirname "$0")/../.." || exit 2
top=$(pwd)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

# --- the files: "PATH<TAB>SHOWN" a line
find rules examples tests -type f \( -name '*.skuld' -o -name '*.skuldinc' \) | LC_ALL=C sort |
    awk '{ print $0 "\t" $0 }' >"$tmp/list"
: >"$tmp/allowed"                       # SHOWN:LINE where an invalid mark is allowed
for f in tests/forms/*.txt; do
    [ -f "$f" ] || continue
    mkdir -p "$tmp/forms"
    out="$tmp/forms/$(basename "$f")"
    awk -v shown="$f" -v allowed="$tmp/allowed" '
        /^ok /   { print "  " substr($0, 3); next }
        /^fail / { print shown ":" NR >> allowed; print "    " substr($0, 5); next }
        { print }' "$f" >"$out"
    printf '%s\t%s\n' "$out" "$f" >>"$tmp/list"
done
nfiles=$(wc -l <"$tmp/list" | tr -d ' ')

# --- the lexer's errors, from the goldens (paths there are relative to tests/check)
for e in tests/check/*.expected; do
    [ -f "$e" ] || continue
    sed -n -E 's#^([^ :]+):([0-9]+):([0-9]+): error: (unexpected character|unterminated string|unknown escape|invalid \\u escape|NUL byte).*#tests/check/\1:\2:\3#p' "$e"
done | LC_ALL=C sort -u >"$tmp/lexer"

# --- the keywords of the lexer: each must be highlighted as a keyword by both grammars
sed -n 's/^"\([a-z]*\)"[[:space:]]*{ *return KW_.*/\1/p' grammar/lexer.l >"$tmp/keywords"
[ -s "$tmp/keywords" ] || { echo "FAIL: no keywords found in grammar/lexer.l"; failures=$((failures + 1)); }
SKULD_KEYWORDS=$tmp/keywords
export SKULD_KEYWORDS

# Compares a report (tokenize.js / tokenize.vim format) with the lexer's errors.
judge() {  # judge NAME REPORT
    awk -v tool="$1" -v lexer="$tmp/lexer" -v allowed="$tmp/allowed" -v counts="$tmp/$1.lenient" '
        function bad(msg) { if (++nbad <= 40) print "FAIL: " tool ": " msg }
        BEGIN {
            while ((getline l < lexer) > 0) { want[l] = 1; split(l, p, ":"); okline[p[1] ":" p[2]] = 1 }
            while ((getline l < allowed) > 0) okline[l] = 1
        }
        $1 == "T" { total = 1; next }
        $1 == "F" { sub(/^F /, ""); bad($0); next }
        $1 == "N" { sub(/^N /, ""); print "note: " tool ": " $0; next }
        $1 == "U" { t = $0; sub(/^U [^ ]* /, "", t); bad($2 ": not classified: " t); next }
        $1 == "I" { got[$2] = 1; split($2, p, ":")
                    if (p[1] !~ /^(rules|examples|tests\/check|tests\/forms)\//) { lenient++; next }
                    if (!((p[1] ":" p[2]) in okline)) bad($2 ": marked invalid (" $3 "), but skuld reads it")
                    next }
        END {
            for (w in want) if (!(w in got))
                bad(w ": skuld reports a lexical error here, the grammar does not mark it invalid")
            if (!total) bad("the report is incomplete (the tokenizer stopped)")
            print lenient + 0 > counts
            if (nbad > 40) print "FAIL: " tool ": ... " nbad - 40 " more"
            exit nbad ? 1 : 0
        }' "$2"
}

# "N files, N lines, N tokens[, N invalid marks in broken test input]" of a report
summary() {  # summary NAME
    sed -n 's/^T \([0-9]*\) \([0-9]*\) \([0-9]*\)$/\1 files, \2 lines, \3 tokens/p' "$tmp/$1.out" | tr -d '\n'
    n=$(cat "$tmp/$1.lenient" 2>/dev/null)
    [ "${n:-0}" = 0 ] || echo ", $n invalid marks in broken test input"
}

# --- TextMate (VS Code): node, npm, and the two npm packages in build/editors-node/
tm=untested
tm_totals=""
prefix=build/editors-node
modules=$top/$prefix/node_modules
missing_packages() {
    [ ! -f "$modules/vscode-textmate/package.json" ] || [ ! -f "$modules/vscode-oniguruma/release/onig.wasm" ]
}
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "FAIL: textmate: node and npm are needed to test the TextMate grammar (sh tools/install-deps.sh)"
else
    if missing_packages; then
        echo "editors.sh: installing vscode-textmate and vscode-oniguruma into $prefix/"
        if ! npm install --prefix "$prefix" --no-audit --no-fund --fetch-retries=1 \
                vscode-textmate@9 vscode-oniguruma@2 >"$tmp/npm.log" 2>&1; then
            tail -n 5 "$tmp/npm.log"
            rm -rf "$prefix/node_modules"      # nothing half-installed is used
        fi
    fi
    if missing_packages; then
        echo "FAIL: textmate: could not install vscode-textmate and vscode-oniguruma from the npm registry" \
             "(no network?): the TextMate grammar is untested"
    else
        EDITORS_NODE_MODULES=$modules node editors/test/tokenize.js "$tmp/list" >"$tmp/textmate.out" 2>"$tmp/tm.err"
        [ -s "$tmp/tm.err" ] && cat "$tmp/tm.err"
        if judge textmate "$tmp/textmate.out"; then tm=ok; else tm=FAILED; fi
        tm_totals=" ($(summary textmate))"
    fi
fi
[ "$tm" = ok ] || failures=$((failures + 1))

# --- Vim: one vim -Es for all files
vim=untested
vim_totals=""
if ! vim --version 2>/dev/null | grep -q '+syntax'; then
    echo "FAIL: vim: vim with +syntax is needed to test the Vim syntax file (sh tools/install-deps.sh)"
else
    SKULD_EDITORS_LIST="$tmp/list" SKULD_EDITORS_OUT="$tmp/vim.out" \
        vim -Es -N -u NONE -i NONE --cmd "set rtp=$top/editors/vim,\$VIMRUNTIME" -S editors/test/tokenize.vim \
        </dev/null >"$tmp/vim.err" 2>&1
    [ -f "$tmp/vim.out" ] || { cat "$tmp/vim.err"; : >"$tmp/vim.out"; }
    if judge vim "$tmp/vim.out"; then vim=ok; else vim=FAILED; fi
    vim_totals=" ($(summary vim))"
fi
[ "$vim" = ok ] || failures=$((failures + 1))

echo "editors: $nfiles files, $(wc -l <"$tmp/lexer" | tr -d ' ') lexical errors in the goldens;" \
     "TextMate $tm$tm_totals; Vim $vim$vim_totals"
[ "$failures" -eq 0 ]
