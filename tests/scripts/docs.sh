#!/bin/sh
# The manual and the language reference cannot drift from the program: the man page
# renders without warnings; every keyword of the lexer is in docs/language.md and the
# man page; every command of `skuld --help` is in the man page and the README; every
# lint code is in docs/lint.md.
set -u
cd "$(dirname "$0")/../.."
. tests/scripts/lib/common.sh

if command -v groff >/dev/null 2>&1; then
    warnings=$(groff -ww -man -Tutf8 docs/skuld.1 2>&1 >/dev/null)
    [ -z "$warnings" ] || bad "groff -ww warns: $warnings"
else
    bad "groff is not installed (make deps installs groff-base)"
fi
keywords=$(sed -n 's/^"\([a-z]*\)"[[:space:]]*{ return KW_.*/\1/p' grammar/lexer.l)
[ "$(printf '%s\n' $keywords | wc -l)" -ge 30 ] || bad "could not read the keywords from grammar/lexer.l"
man=$(groff -man -Tascii -P-c -P-b -P-u docs/skuld.1 2>/dev/null)
for k in $keywords; do
    grep -qw -- "$k" docs/language.md || bad "keyword '$k' is not in docs/language.md"
    printf '%s\n' "$man" | grep -qw -- "$k" || bad "keyword '$k' is not in the man page"
done
commands=$("$SKULD" --help | sed -n 's/^  \([a-z]*\) .*/\1/p' | sort -u)
[ -n "$commands" ] || bad "could not read the commands from skuld --help"
for c in $commands; do
    printf '%s\n' "$man" | grep -q "skuld $c" || bad "command '$c' is not in the man page synopsis"
    grep -q "skuld $c" README.md || bad "command '$c' is not in the README"
    "$SKULD" "$c" --help >/dev/null 2>&1 || bad "skuld $c --help fails"
done
for code in $("$SKULD" lint --list-codes | awk '{print $1}'); do
    grep -q -- "$code" docs/lint.md || bad "lint code '$code' is not in docs/lint.md"
done
"$SKULD" --version | grep -q '^skuld [0-9]' || bad "skuld --version"
exit $fail
