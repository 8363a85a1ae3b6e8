#!/bin/sh
# skuld lint --format sarif validates against the SARIF 2.1.0 schema (offline: the
# schema is in tests/data, the validator is python3-jsonschema).
set -eu
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$SKULD" lint rules --tenant examples/contoso --format sarif -o "$tmp/tenant.sarif" || [ $? = 1 ]
"$SKULD" lint rules --format sarif -o "$tmp/rules.sarif" || [ $? = 1 ]
python3 - "$tmp/tenant.sarif" "$tmp/rules.sarif" <<'PY'
import json, sys
import jsonschema
schema = json.load(open("tests/data/sarif-2.1.0-rtm.5.json"))
for path in sys.argv[1:]:
    log = json.load(open(path))
    jsonschema.Draft4Validator(schema).validate(log)
    results = log["runs"][0]["results"]
    assert results, path + ": no results"
    ids = {r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]}
    for r in results:
        assert r["ruleId"] in ids, r["ruleId"]
        assert r["level"] in ("error", "warning", "note")
    print(path, "valid,", len(results), "results")
PY
