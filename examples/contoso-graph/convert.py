#!/usr/bin/env python3
"""Convert the Contoso CSV tenant (examples/contoso) into a Microsoft Graph export.

    python3 examples/contoso-graph/convert.py            # writes tenant.json here
    python3 examples/contoso-graph/convert.py -o FILE    # writes FILE ("-": stdout)

The output is the JSON object that `skuld eval --tenant FILE.json` reads (CLI.md,
"Tenant data from Microsoft Graph"): {"users": [...], "groups": [...],
"subscribedSkus": [...]}, each element in the Microsoft Graph v1.0 shape.

Deterministic: no clock, no randomness, no iteration over hashed sets. Object ids are
uuid5 GUIDs of the user principal name or the group name, so they are stable across
runs and machines. Run it again after examples/contoso/generate.py and commit both.

Sources (all read, none written):
  examples/contoso/users.csv     -> users[]: id, userPrincipalName, usageLocation,
                                    proxyAddresses
  examples/contoso/licenses.csv  -> users[].licenseAssignmentStates (direct rows:
                                    assignedByGroup null; rows with a group: that
                                    group's id and the row's error)
  examples/contoso/members.csv   -> groups[]: id, displayName, members (in row order)
  examples/contoso/skus.csv      -> subscribedSkus[]
  rules/catalog.skuld            -> the skuId and servicePlanId GUIDs, product plans
  rules/contoso.skuld            -> groups[].assignedLicenses (what each group assigns)
"""

import argparse
import csv
import json
import re
import sys
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOP = HERE.parent.parent
CSV_DIR = TOP / "examples" / "contoso"
RULE_FILES = [TOP / "rules" / "catalog.skuld", TOP / "rules" / "contoso.skuld"]

# All ids derive from this namespace (itself a uuid5 of the tenant's domain).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "contoso.com")


def user_id(upn):
    return str(uuid.uuid5(NAMESPACE, "user:" + upn.lower()))


def group_id(name):
    return str(uuid.uuid5(NAMESPACE, "group:" + name))


# ----------------------------------------------------------------------------------
# A small reader for the parts of the rule language this script needs: plan and
# product declarations (with their ids and plans) and group blocks (assign lines).
# Everything else (seats, conflict, require, restrict, directory, scenario, ...) is
# skipped statement by statement.
# ----------------------------------------------------------------------------------

TOKEN = re.compile(r'''
    (?P<ws>\s+) | (?P<comment>\#[^\n]*) |
    (?P<string>"(?:[^"\\\n]|\\.)*") |
    (?P<ident>[A-Za-z_][A-Za-z0-9_]*) |
    (?P<int>-?[0-9]+) |
    (?P<punct>[{};,:|])
''', re.X)


def unquote(text):
    return json.loads(text)   # the language's escapes are JSON's (\" \\ \n \t \uXXXX)


def tokens(path):
    src = path.read_text(encoding="utf-8")
    pos, line = 0, 1
    while pos < len(src):
        m = TOKEN.match(src, pos)
        if not m:
            sys.exit("%s:%d: cannot read the rule text here" % (path, line))
        kind = m.lastgroup
        if kind == "string":
            yield ("name", unquote(m.group()), line)
        elif kind == "ident":
            yield ("word", m.group(), line)
        elif kind in ("int", "punct"):
            yield (kind, m.group(), line)
        line += m.group().count("\n")
        pos = m.end()


class Rules:
    def __init__(self):
        self.plans = {}        # name -> guid
        self.products = {}     # name -> {"guid": ..., "plans": [plan names]}
        self.groups = []       # [(name, [(product, mode, [plans])])], declaration order

    def plan_name(self, ref):
        """A plan named by name, or by its GUID in quotes."""
        if ref in self.plans:
            return ref
        for name, guid in self.plans.items():
            if guid and guid.lower() == ref.lower():
                return name
        sys.exit("unknown plan %r in the rules" % ref)

    def product_name(self, ref):
        if ref in self.products:
            return ref
        for name, p in self.products.items():
            if p["guid"] and p["guid"].lower() == ref.lower():
                return name
        sys.exit("unknown product %r in the rules" % ref)


def read_rules(paths):
    r = Rules()
    for path in paths:
        toks = list(tokens(path))
        i = 0

        def value(k):
            return toks[k][1] if k < len(toks) else None

        def until(k, stop):
            """Index of the first token at k or after whose text is in stop."""
            while k < len(toks) and not (toks[k][0] == "punct" and toks[k][1] in stop):
                k += 1
            return k

        def name_list(k):
            """NAME, NAME, ... up to ';': (names, index after the ';')."""
            names = []
            while k < len(toks) and toks[k][:2] != ("punct", ";"):
                if toks[k][:2] != ("punct", ","):
                    names.append(toks[k][1])
                k += 1
            return names, k + 1

        while i < len(toks):
            kind, text, _ = toks[i]
            if kind == "word" and text == "plan":
                end = until(i, {";"})
                name, guid = value(i + 1), None
                for k in range(i + 2, end):
                    if toks[k][1] == "id" and toks[k][0] == "word":
                        guid = value(k + 1)
                r.plans[name] = guid
                i = end + 1
            elif kind == "word" and text == "product":
                name = value(i + 1)
                k = until(i, {"{"}) + 1
                prod = {"guid": None, "plans": []}
                while k < len(toks) and toks[k][:2] != ("punct", "}"):
                    if toks[k][:2] == ("word", "id"):
                        prod["guid"] = value(k + 1)
                        k = until(k, {";"}) + 1
                    elif toks[k][:2] == ("word", "plans"):
                        names, k = name_list(k + 1)
                        prod["plans"].extend(names)
                    else:
                        k = until(k, {";"}) + 1
                r.products[name] = prod
                i = k + 1
            elif kind == "word" and text == "group":
                name = value(i + 1)
                k = until(i, {"{"}) + 1
                assigns = []
                while k < len(toks) and toks[k][:2] != ("punct", "}"):
                    if toks[k][:2] == ("word", "assign"):
                        product = value(k + 1)
                        mode, plans = None, []
                        if value(k + 2) in ("only", "except"):
                            mode = value(k + 2)
                            plans, k = name_list(k + 3)
                        else:
                            k = until(k, {";"}) + 1
                        assigns.append((product, mode, plans))
                    else:
                        k = until(k, {";"}) + 1
                r.groups.append((name, assigns))
                i = k + 1
            elif kind == "word" and text == "scenario":
                # a scenario block: skip to its closing brace
                i = until(i, {"}"}) + 1
            else:
                i = until(i, {";"}) + 1
    return r


# ----------------------------------------------------------------------------------
# CSV tenant -> Graph shapes
# ----------------------------------------------------------------------------------

def read_csv(name):
    path = CSV_DIR / name
    if not path.exists():
        return []
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def split_list(text):
    return [x.strip() for x in (text or "").split(";") if x.strip()]


def convert(rules):
    users_csv = read_csv("users.csv")
    members_csv = read_csv("members.csv")
    licenses_csv = read_csv("licenses.csv")
    skus_csv = read_csv("skus.csv")

    def sku_id(product):
        guid = rules.products[rules.product_name(product)]["guid"]
        if not guid:
            sys.exit("product %s declares no id in the rules" % product)
        return guid

    def plan_ids(product, plans):
        out = []
        for p in plans:
            guid = rules.plans[rules.plan_name(p)]
            if not guid:
                sys.exit("plan %s declares no id in the rules" % p)
            out.append(guid)
        return out

    # Groups: the order of first appearance in members.csv, then the groups of the
    # rules that have no member rows (a licensed group with no members).
    group_order = []
    for row in members_csv:
        if row["group"] not in group_order:
            group_order.append(row["group"])
    for name, _ in rules.groups:
        if name not in group_order:
            group_order.append(name)
    assigned = dict(rules.groups)

    # Users, with their licence states in licenses.csv row order.
    states = {}
    for row in licenses_csv:
        product = rules.product_name(row["product"])
        group = (row.get("group") or "").strip()
        error = (row.get("error") or "").strip()
        states.setdefault(row["user"].lower(), []).append({
            "assignedByGroup": group_id(group) if group else None,
            "disabledPlans": plan_ids(product, split_list(row.get("disabled_plans"))),
            "error": error or "None",
            "skuId": sku_id(product),
            "state": "Error" if error else "Active",
        })
    user_names = {row["user"].lower() for row in users_csv}
    users = []
    for row in users_csv:
        upn = row["user"]
        location = (row.get("usage_location") or "").strip()
        users.append({
            "id": user_id(upn),
            "userPrincipalName": upn,
            "usageLocation": location.upper() if location else None,
            "proxyAddresses": split_list(row.get("proxy_addresses")),
            "licenseAssignmentStates": states.get(upn.lower(), []),
        })

    groups = []
    for name in group_order:
        members = []
        for row in members_csv:
            if row["group"] != name:
                continue
            member = row["member"]
            if member.lower() in user_names:
                members.append({"@odata.type": "#microsoft.graph.user", "id": user_id(member)})
            else:
                members.append({"@odata.type": "#microsoft.graph.group", "id": group_id(member)})
        licences = []
        for product, mode, plans in assigned.get(name, []):
            product = rules.product_name(product)
            plans = [rules.plan_name(p) for p in plans]
            all_plans = [rules.plan_name(p) for p in rules.products[product]["plans"]]
            if mode == "only":
                disabled = [p for p in all_plans if p not in plans]
            elif mode == "except":
                disabled = [p for p in all_plans if p in plans]
            else:
                disabled = []
            licences.append({"disabledPlans": plan_ids(product, disabled), "skuId": sku_id(product)})
        groups.append({
            "id": group_id(name),
            "displayName": name,
            "assignedLicenses": licences,
            "members": members,
        })

    # consumedUnits: the seats the export's current licence states use (one per user
    # holding the product, however many states name it). Informative only: skuld
    # computes consumption itself.
    holders = {}
    for u in users:
        for s in u["licenseAssignmentStates"]:
            holders.setdefault(s["skuId"], set()).add(u["id"])
    skus = []
    for row in skus_csv:
        product = rules.product_name(row["product"])
        guid = sku_id(product)
        skus.append({
            "skuId": guid,
            "skuPartNumber": product,
            "appliesTo": "User",
            "capabilityStatus": "Enabled",
            "consumedUnits": len(holders.get(guid, ())),
            "prepaidUnits": {"enabled": int(row["seats"]), "lockedOut": 0, "suspended": 0, "warning": 0},
        })
    return {"users": users, "groups": groups, "subscribedSkus": skus}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-o", "--output", default=str(HERE / "tenant.json"),
                    help="where to write the JSON (default: tenant.json next to this script; - for stdout)")
    args = ap.parse_args()
    data = convert(read_rules(RULE_FILES))
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        print("%s: %d users, %d groups, %d subscribedSkus" % (args.output, len(data["users"]), len(data["groups"]),
                                                             len(data["subscribedSkus"])), file=sys.stderr)


if __name__ == "__main__":
    main()
