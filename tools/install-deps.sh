#!/bin/sh
# Installs the Debian packages skuld needs to build and test, when missing.
# Needs root (or sudo) for apt-get; prints the command to run otherwise.
missing=""
command -v flex  >/dev/null 2>&1 || missing="$missing flex"
command -v bison >/dev/null 2>&1 || missing="$missing bison"
command -v cc    >/dev/null 2>&1 || missing="$missing gcc"
command -v make  >/dev/null 2>&1 || missing="$missing make"
[ -x /usr/bin/time ]              || missing="$missing time"
[ -f /usr/include/uthash.h ]       || missing="$missing uthash-dev"
[ -f /usr/include/cmocka.h ]       || missing="$missing libcmocka-dev"
[ -f /usr/include/jansson.h ]      || missing="$missing libjansson-dev"
command -v clang >/dev/null 2>&1 || missing="$missing clang"
ls /usr/lib/llvm-14/lib/clang/14*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 \
    || missing="$missing libclang-rt-14-dev libfuzzer-14-dev"
python3 -c "import jsonschema" 2>/dev/null || missing="$missing python3 python3-jsonschema"
# editor grammars (tests/scripts/editors.sh): node + npm for the TextMate grammar,
# a vim with syntax highlighting (not vim-tiny) for the Vim syntax file
command -v node  >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm   >/dev/null 2>&1 || missing="$missing npm"
vim --version 2>/dev/null | grep -q '+syntax' || missing="$missing vim"
# the HTML report is rendered in headless Chromium (tests/scripts/report_html.sh)
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v groff >/dev/null 2>&1 || missing="$missing groff-base"
[ -z "$missing" ] && exit 0
echo "skuld: installing missing packages:$missing" >&2
if [ "$(id -u)" = 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "skuld: run as root: apt-get update && apt-get install -y$missing" >&2
    exit 1
fi
$SUDO apt-get update -qq >&2 || exit 1
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >&2 || exit 1
