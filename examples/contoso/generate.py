#!/usr/bin/env python3
"""Generate the Contoso example tenant (users.csv, members.csv, licenses.csv, skus.csv).

Deterministic: a fixed seed, no set/dict iteration over hashed strings, LF line ends.
Run from anywhere:  python3 examples/contoso/generate.py
The CSVs are written next to this script. The rules are rules/catalog.skuld and
rules/contoso.skuld; README.md in this folder explains the designed outcomes, and this
script prints the users that each designed case lands on (and asserts the design).
"""

import csv
import random
import re
import sys
from pathlib import Path

SEED = 20250701
HERE = Path(__file__).resolve().parent
RULES = HERE.parent.parent / "rules" / "contoso.skuld"
DOMAIN = "contoso.com"

rng = random.Random(SEED)

# ----------------------------------------------------------------------------------
# Name pools per country (ASCII only, so UPNs stay simple).
# ----------------------------------------------------------------------------------
FIRST = {
    "NL": "bram daan thijs jesse lars sem milan stijn luuk ruud bas koen joost wouter "
          "jeroen sander maarten niels tim rick femke lotte anne sophie iris eva lisa "
          "fleur roos maud esther ilse marloes lieke sanne inge karin mirjam yvonne "
          "willem gert hans kees".split(),
    "DE": "lukas jonas leon finn paul max elias jan moritz tobias anna lena laura julia "
          "lea marie katharina sabine petra ute jurgen stefan markus andreas".split(),
    "GB": "james oliver harry george jack william thomas charlie alfie henry amelia "
          "olivia isla emily ava grace sophie chloe lucy ella".split(),
    "US": "michael david john robert daniel matthew andrew joshua ryan brian jennifer "
          "jessica ashley sarah emily megan rachel lauren nicole kimberly".split(),
    "IN": "aarav vivaan aditya rohan rahul amit vikram sanjay karan nikhil ananya "
          "diya isha kavya meera neha pooja riya shreya divya".split(),
}
LAST = {
    "NL": "devries vandijk bakker janssen visser smits meijer vanleeuwen deboer mulder "
          "degroot bos vos peters hendriks vandenberg dekker brouwer dewit dijkstra "
          "vermeulen kok jacobs vanderlinden schouten willems hoekstra koster prins "
          "postma kuipers wijnands blom huisman".split(),
    "DE": "muller schneider fischer weber meyer wagner becker schulz hoffmann koch "
          "richter klein wolf schroder neumann schwarz zimmermann braun kruger hartmann".split(),
    "GB": "smith jones taylor brown williams wilson johnson davies robinson wright "
          "thompson evans walker white roberts green hall wood jackson clarke".split(),
    "US": "miller davis garcia rodriguez martinez anderson thomas moore martin lee "
          "perez harris clark lewis young allen king scott adams baker".split(),
    "IN": "sharma verma gupta patel reddy iyer kumar singh rao joshi kulkarni menon "
          "pillai chopra bhat desai shah agarwal banerjee das".split(),
}

# Users placed by hand for the designed cases (README.md, "Designed outcomes").
# upn -> (department, usage_location, extra proxy addresses)
SPECIAL = {
    # MutuallyExclusiveViolation: a direct E1 left over from before group licensing,
    # and membership of "Sales E3" (S3, S5.3).
    "ruben.dekker":     ("sales", "NL", []),
    "hannah.schmidt":   ("sales", "DE", []),
    "oliver.bennett":   ("sales", "GB", []),
    # MutuallyExclusiveViolation + Other: in both calling groups (MCOPSTN1 vs MCOPSTN2).
    "sanne.mulder":     ("sales", "NL", []),
    # ProhibitedInUsageLocationViolation + Other: Workplace Analytics denied in CN.
    "li.wei":           ("sales", "CN", []),
    # No usage location of her own: the directory's NL applies (S1), Calling Plan allowed.
    "noor.hendriks":    ("sales", "", []),
    # Direct Workplace Analytics whose Exchange prerequisite comes from "Sales E3": fine.
    "isabel.costa":     ("sales", "NL", []),
    # Shares the address d.smit@contoso.com with dirk.smit, but as SIP: (prefix differs).
    "daan.smit":        ("sales", "NL", ["SIP:d.smit@contoso.com"]),
    # ProhibitedInUsageLocationViolation + Other: moved to Bangalore, still in "Calling NL".
    "arjun.mehta":      ("engineering", "IN", []),
    # Direct MCOEV + MCOPSTN1 in India: the direct Calling Plan fails S3.1.
    "priya.nair":       ("engineering", "IN", []),
    # UniquenessViolation: both carry smtp:a.jansen@contoso.com (case differs).
    "arjen.jansen":     ("backoffice", "NL", ["smtp:A.Jansen@contoso.com"]),
    "anouk.jansen":     ("backoffice", "NL", ["smtp:a.jansen@contoso.com"]),
    # Shares smtp:m.devos@contoso.com with the departed (unlicensed) mark.devos: fine.
    "marieke.devos":    ("backoffice", "NL", ["smtp:M.deVos@contoso.com"]),
    "dirk.smit":        ("backoffice", "NL", ["smtp:d.smit@contoso.com"]),
    # Direct E1 and direct F3 on one user: S3.2 conflict between two direct licences.
    "tom.verhoeven":    ("store-manager", "NL", []),
    # DependencyViolation: direct Workplace Analytics, no Exchange plan from anywhere.
    "felix.wagner":     ("external", "DE", []),
    # Departed employee, mailbox-less, kept for the address m.devos@contoso.com.
    "mark.devos":       ("departed", "NL", ["smtp:m.devos@contoso.com"]),
}

# Random users per department: list of (country, count).
DEPARTMENTS = {
    "sales":       [("NL", 22), ("US", 12), ("GB", 8), ("DE", 8), ("", 2)],
    "engineering": [("NL", 40), ("DE", 14), ("US", 10), ("IN", 20), ("", 4)],
    "legal":       [("NL", 5), ("GB", 2), ("US", 1)],
    "executive":   [("NL", 4), ("US", 1), ("GB", 1)],
    "backoffice":  [("NL", 44), ("GB", 6), ("DE", 6), ("US", 5), ("", 3)],
    "frontline":   [("NL", 28), ("DE", 13), ("GB", 11), ("", 3)],
    "intern":      [("NL", 4)],
}

# Shared/service accounts: no licences, no groups.
SERVICE = [("reception.amsterdam", "NL"), ("scanner.amsterdam", ""), ("svc.hrsync", "")]

ENGINEERING_SHORTFALL = 5   # engineers designed to hit CountViolation on E3


def upn(local):
    return f"{local}@{DOMAIN}"


def build_users():
    reserved = set(SPECIAL) | {s for s, _ in SERVICE}
    reserved_last = {"jansen", "devos", "smit"}   # keep the shared aliases unambiguous
    users = {}      # local -> dict
    dept = {}       # department -> [local, ...] in creation order
    for local, (d, loc, extra) in SPECIAL.items():
        users[local] = {"loc": loc, "extra": extra, "dept": d}
        dept.setdefault(d, []).append(local)
    for d, spec in DEPARTMENTS.items():
        for country, n in spec:
            pool = country or rng.choice(["NL", "NL", "DE", "GB"])
            made = 0
            while made < n:
                first = rng.choice(FIRST[pool])
                last = rng.choice(LAST[pool])
                local = f"{first}.{last}"
                if local in users or local in reserved or last in reserved_last:
                    continue
                users[local] = {"loc": country, "extra": [], "dept": d}
                dept.setdefault(d, []).append(local)
                made += 1
    for local, loc in SERVICE:
        users[local] = {"loc": loc, "extra": [], "dept": "service"}
        dept.setdefault("service", []).append(local)
    return users, dept


def proxies(local, info):
    if info["dept"] == "service" and local.startswith("svc."):
        return []
    out = [f"SMTP:{upn(local)}"] + info["extra"] + [f"smtp:{local}@contoso.onmicrosoft.com"]
    return out


def pick(pool, n, exclude=()):
    cand = [u for u in pool if u not in exclude]
    return rng.sample(cand, n)


def shuffled(xs):
    xs = list(xs)
    rng.shuffle(xs)
    return xs


def main():
    users, dept = build_users()
    special = set(SPECIAL)

    sales = dept["sales"]
    eng = dept["engineering"]
    back = dept["backoffice"]
    legal = dept["legal"]
    execs = dept["executive"]
    front = dept["frontline"]
    interns = dept["intern"]

    plain_sales = [u for u in sales if u not in special]
    plain_eng = [u for u in eng if u not in special]
    plain_back = [u for u in back if u not in special]

    # --- add-on and voice groups ----------------------------------------------------
    analytics_e3 = pick(plain_sales, 5) + ["li.wei"] + pick(plain_eng, 2)
    analytics_e3 = shuffled(analytics_e3)
    analytics_e1 = shuffled(pick(plain_back, 5))
    intune = shuffled(pick(plain_back, 10, exclude=analytics_e1))
    audio = shuffled(pick(plain_sales, 12, exclude=analytics_e3))

    nl_callers = [u for u in plain_sales + plain_eng
                  if users[u]["loc"] == "NL" and u not in analytics_e3]
    calling_nl = shuffled(["sanne.mulder", "noor.hendriks", "arjun.mehta"]
                          + pick(nl_callers, 11))
    intl_pool = [u for u in plain_sales if u not in calling_nl and u not in audio
                 and users[u]["loc"] in ("NL", "GB", "DE", "US")]
    calling_intl = shuffled(["sanne.mulder"] + pick(intl_pool, 4))

    visio_eng = pick(plain_eng, 5, exclude=analytics_e3 + calling_nl)
    visio_mkt = pick(plain_back, 2, exclude=analytics_e1 + intune)
    visio = visio_eng + visio_mkt

    # --- base groups: membership order is join order (shuffled) ----------------------
    all_staff_e1 = shuffled(back)
    # the UniquenessViolation design: arjen joined before anouk
    ia, ib = all_staff_e1.index("arjen.jansen"), all_staff_e1.index("anouk.jansen")
    if ia > ib:
        all_staff_e1[ia], all_staff_e1[ib] = all_staff_e1[ib], all_staff_e1[ia]

    sales_e3 = shuffled(sales)
    sales_e3.insert(31, "Sales Interns")          # nested group: licenses nobody (S4)

    busy = set(analytics_e3) | set(calling_nl) | set(visio) | special
    eng_order = shuffled(eng)
    plain_in_order = [u for u in eng_order if u not in busy]
    tail = plain_in_order[-ENGINEERING_SHORTFALL:]
    engineering_e3 = [u for u in eng_order if u not in tail] + tail

    groups = {
        "All Employees": sorted(u for u in users
                                if users[u]["dept"] not in ("service", "departed", "external")),
        "All Staff E1": all_staff_e1,
        "Analytics add-on (E1)": analytics_e1,
        "Analytics add-on (E3)": analytics_e3,
        "Audio Conferencing (E3)": audio,
        "Calling International": calling_intl,
        "Calling NL": calling_nl,
        "E3 without SharePoint": shuffled(legal),
        "Engineering E3": engineering_e3,
        "Executives E5": shuffled(execs),
        "Frontline F3": shuffled(front),
        "Intune Pilot": intune,
        "Sales E3": sales_e3,
        "Sales Interns": list(interns),
    }

    # --- direct licences ---------------------------------------------------------------
    licenses = [
        ("ruben.dekker", "STANDARDPACK", ""),
        ("hannah.schmidt", "STANDARDPACK", "SWAY;YAMMER_ENTERPRISE"),
        ("oliver.bennett", "STANDARDPACK", ""),
        ("tom.verhoeven", "STANDARDPACK", ""),
        ("tom.verhoeven", "DESKLESSPACK", ""),
        ("priya.nair", "MCOEV", ""),
        ("priya.nair", "MCOPSTN1", ""),
        ("felix.wagner", "WORKPLACE_ANALYTICS", ""),
        ("isabel.costa", "WORKPLACE_ANALYTICS", ""),
    ]
    for i, u in enumerate(visio):
        licenses.append((u, "VISIOCLIENT", "VISIOONLINE" if i == 2 else ""))
    licenses.sort(key=lambda r: (r[0], r[1]))

    skus = [
        ("STANDARDPACK", 80),
        ("ENTERPRISEPACK", 160),      # overridden by `seats ENTERPRISEPACK 150;` in the rules
        ("ENTERPRISEPREMIUM", 8),
        ("DESKLESSPACK", 60),
        ("EMS", 100),
        ("MCOEV", 25),
        ("MCOPSTN1", 20),
        ("MCOPSTN2", 5),
        ("VISIOCLIENT", 5),           # 7 direct licences: licence conflict of 2 (S9)
    ]

    # --- design checks -----------------------------------------------------------------
    text = RULES.read_text(encoding="utf-8")
    m = re.search(r"^\s*seats\s+ENTERPRISEPACK\s+(\d+)\s*;", text, re.M)
    if not m:
        sys.exit(f"{RULES}: no 'seats ENTERPRISEPACK N;' found")
    e3_seats = int(m.group(1))
    direct_e1 = {"ruben.dekker", "hannah.schmidt", "oliver.bennett"}
    holders = []                                   # E3 holders in processing order
    for u in analytics_e3:                         # priority -1
        if u != "li.wei":                          # li.wei fails (WPA denied in CN)
            holders.append(u)
    for u in sales_e3:                             # "Sales E3"
        if u in users and u not in direct_e1 and u not in holders:
            holders.append(u)
    for u in groups["E3 without SharePoint"]:
        holders.append(u)
    assert all(u in holders for u in audio), "Audio Conferencing members must hold E3"
    held_before_engineering = len(holders)
    failed = []
    for u in engineering_e3:                       # priority 10
        if u in holders:
            continue
        if len(holders) < e3_seats:
            holders.append(u)
        else:
            failed.append(u)
    assert failed == tail, (failed, tail)
    assert len(holders) == e3_seats

    # --- write ---------------------------------------------------------------------------
    def writer(name, header):
        f = open(HERE / name, "w", encoding="utf-8", newline="")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        return f, w

    f, w = writer("users.csv", ["user", "usage_location", "proxy_addresses"])
    for local in sorted(users):
        w.writerow([upn(local), users[local]["loc"], ";".join(proxies(local, users[local]))])
    f.close()

    f, w = writer("members.csv", ["group", "member"])
    for g in groups:
        for m_ in groups[g]:
            w.writerow([g, m_ if m_ == "Sales Interns" else upn(m_)])
    f.close()

    f, w = writer("licenses.csv", ["user", "product", "disabled_plans"])
    for u, p, d in licenses:
        w.writerow([upn(u), p, d])
    f.close()

    f, w = writer("skus.csv", ["product", "seats"])
    for p, n in skus:
        w.writerow([p, n])
    f.close()

    # --- report the designed cases ------------------------------------------------------
    print(f"users: {len(users)}  member rows: {sum(len(v) for v in groups.values())}"
          f"  direct licences: {len(licenses)}")
    print(f"E3 seats {e3_seats}: {held_before_engineering} held before \"Engineering E3\" runs")
    print("CountViolation on E3 (Engineering E3 tail):", ", ".join(upn(u) for u in tail))
    print("Analytics add-on (E3) order:", ", ".join(upn(u) for u in analytics_e3))
    print("Calling NL order:", ", ".join(upn(u) for u in calling_nl))
    print("Calling International order:", ", ".join(upn(u) for u in calling_intl))
    print("Visio direct:", ", ".join(upn(u) for u in visio))
    print("Empty usage location:", ", ".join(upn(u) for u in sorted(users) if users[u]["loc"] == ""))


if __name__ == "__main__":
    main()
