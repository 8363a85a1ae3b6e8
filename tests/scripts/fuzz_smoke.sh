#!/bin/sh
# Each libFuzzer target for a few seconds (the long runs: `make fuzz`, docs/RELIABILITY.md).
# Runs once, with the plain build's suite; the fuzzers carry ASan and UBSan themselves.
set -u
cd "$(dirname "$0")/../.."
case "${BUILD:-}" in
    */build) ;;
    *) echo "fuzz smoke runs with the plain build's suite only"; exit 0 ;;
esac
FUZZ_SECONDS=${FUZZ_SMOKE_SECONDS:-5} sh fuzz/run.sh
