#!/usr/bin/env python3
"""fuzz/slice_graph.py EXPORT N — the first N users of a Microsoft Graph tenant export,
the groups with their members among those users (nested groups kept), and every
subscribed SKU, written compactly to stdout: a seed for fuzz_graph that fits in
libFuzzer's -max_len (fuzz/run.sh)."""
import json
import sys


def main():
    path, n = sys.argv[1], int(sys.argv[2])
    with open(path, encoding="utf-8") as f:
        export = json.load(f)
    users = export.get("users", [])[:n]
    ids = {u.get("id") for u in users}
    groups = []
    for g in export.get("groups", []):
        members = [m for m in g.get("members", [])
                   if m.get("@odata.type") != "#microsoft.graph.user" or m.get("id") in ids]
        groups.append(dict(g, members=members))
    out = {"users": users, "groups": groups, "subscribedSkus": export.get("subscribedSkus")}
    json.dump(out, sys.stdout, separators=(",", ":"), ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
