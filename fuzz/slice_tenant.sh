#!/bin/sh
# fuzz/slice_tenant.sh FROM TO N [USER...] — a smaller copy of a CSV tenant directory:
# the first N users of FROM/users.csv plus the USERs named, in users.csv order; their
# rows of members.csv (and the rows nesting a group that keeps members); their rows of
# licenses.csv; skus.csv as it is. Used by fuzz/run.sh for seeds and to make
# fuzz/fixture/contoso-slice (fuzz_scenario's tenant) from examples/contoso.
set -eu
from=$1 to=$2 n=$3
shift 3
mkdir -p "$to"
printf '%s\n' "$@" | awk -F, -v n="$n" '
    FNR == 1 { f++ }
    f == 1 { want[$1] = 1; next }
    FNR == 1 || FNR <= n + 1 || ($1 in want)
' - "$from/users.csv" >"$to/users.csv"
awk -F, '
    FNR == 1 { f++ }
    f == 1 { if (FNR > 1) u[$1] = 1; next }
    f == 2 { if ($2 in u) g[$1] = 1; next }
    FNR == 1 || ($2 in u) || ($2 in g)
' "$to/users.csv" "$from/members.csv" "$from/members.csv" >"$to/members.csv"
if [ -f "$from/licenses.csv" ]; then
    awk -F, 'NR == FNR { if (FNR > 1) u[$1] = 1; next } FNR == 1 || ($1 in u)' \
        "$to/users.csv" "$from/licenses.csv" >"$to/licenses.csv"
fi
[ -f "$from/skus.csv" ] && cp "$from/skus.csv" "$to/skus.csv"
exit 0
