#!/usr/bin/python3
"""Write scenarios/national.yaml: every Dutch municipality (342) and province (12), with the
28 regions of the omgevingsdiensten (RUDs), for the mandate question at national scale.

    /usr/bin/python3 scripts/make-national-scenario.py > scenarios/national.yaml

The output is deterministic (fixed seed); re-running it reproduces the committed file. The
municipalities are synthetic (m001 ...) except the G4; their sizes follow the A+O fonds
Personeelsmonitor 2021 staff totals per size class (model brief section 1.3), spread within each
class by a log-normal factor that keeps the class total exact.
"""
import random
import sys

SEED = 20230101

# (size class, municipalities, staff total 2021 [A+O fonds], log-normal sigma within the class)
CLASSES = [
    ("< 20k inhabitants", 56, 6080, 0.35),
    ("20-50k", 190, 41480, 0.35),
    ("50-100k", 64, 37350, 0.30),
    ("> 100k (excluding the G4)", 28, 41470, 0.50),
    ("G4", 4, 46110, None),
]
# The G4 by share of their inhabitants (about 0.93, 0.66, 0.55, 0.36 million).
G4 = [("Amsterdam", 0.37, "Noord-Holland"), ("Rotterdam", 0.26, "Zuid-Holland"),
      ("Den Haag", 0.22, "Zuid-Holland"), ("Utrecht", 0.15, "Utrecht")]

# Provinces: (name, municipalities on 1 Jan 2023, omgevingsdienst regions).
PROVINCES = [
    ("Groningen", 10, 1), ("Fryslân", 18, 1), ("Drenthe", 12, 1), ("Overijssel", 25, 2),
    ("Flevoland", 6, 1), ("Gelderland", 51, 7), ("Utrecht", 26, 1), ("Noord-Holland", 44, 3),
    ("Zuid-Holland", 50, 5), ("Zeeland", 13, 1), ("Noord-Brabant", 56, 3), ("Limburg", 31, 2),
]
PROVINCE_EMPLOYEES = 400


def spread(rng, n, total, sigma):
    """n whole sizes >= 20 with a log-normal spread that sum to total exactly."""
    w = [rng.lognormvariate(0.0, sigma) for _ in range(n)]
    s = sum(w)
    sizes = [max(20, round(total * x / s)) for x in w]
    diff = total - sum(sizes)
    order = sorted(range(n), key=lambda i: -sizes[i])
    k = 0
    while diff != 0:
        i = order[k % n]
        step = 1 if diff > 0 else -1
        if sizes[i] + step >= 20:
            sizes[i] += step
            diff -= step
        k += 1
    return sizes


def main():
    rng = random.Random(SEED)
    assert sum(c[1] for c in CLASSES) == 342 == sum(p[1] for p in PROVINCES)
    assert sum(p[2] for p in PROVINCES) == 28

    munis = []  # (name, employees, class)
    number = 0
    for label, n, total, sigma in CLASSES:
        if sigma is None:
            sizes = [round(total * share) for _, share, _ in G4]
            sizes[0] += total - sum(sizes)
            for (name, _, _), size in zip(G4, sizes):
                munis.append((name, size, label))
            continue
        for size in spread(rng, n, total, sigma):
            number += 1
            munis.append((f"m{number:03d}", size, label))

    # The G4 go to their own provinces; the other municipalities are shuffled over the remaining
    # places, so every province gets municipalities of every size class.
    places = {p[0]: p[1] for p in PROVINCES}
    members = {p[0]: [] for p in PROVINCES}
    g4_province = {name: prov for name, _, prov in G4}
    rest = []
    for m in munis:
        if m[0] in g4_province:
            members[g4_province[m[0]]].append(m)
            places[g4_province[m[0]]] -= 1
        else:
            rest.append(m)
    rng.shuffle(rest)
    slots = [prov for prov, _, _ in PROVINCES for _ in range(places[prov])]
    rng.shuffle(slots)
    for m, prov in zip(rest, slots):
        members[prov].append(m)

    out = sys.stdout
    out.write(HEADER)
    out.write("world:\n  organisations:\n")
    region = 0
    rows = []
    for prov, n, n_regions in PROVINCES:
        ms = sorted(members[prov], key=lambda m: m[0])
        assert len(ms) == n
        rng.shuffle(ms)
        first_region = region
        out_rows = []
        for r in range(n_regions):
            part = ms[r::n_regions]
            for name, size, _ in sorted(part, key=lambda m: m[0]):
                out_rows.append(f'    - {{ name: {name}, employees: {size}, province: "Provincie {prov}", '
                                f'region: {region} }}\n')
            region += 1
        staff = sum(m[1] for m in ms)
        rows.append((prov, first_region, region - 1, n, staff, out_rows))
    # provinces first, then their municipalities
    out.write("    # the 12 provinces (the province takes part from the first of its regions)\n")
    for prov, first, last, n, staff, _ in rows:
        out.write(f'    - {{ name: "Provincie {prov}", employees: {PROVINCE_EMPLOYEES}, kind: province, '
                  f'region: {first} }}\n')
    for prov, first, last, n, staff, out_rows in rows:
        regions = f"region {first}" if first == last else f"regions {first}-{last}"
        out.write(f"    # {prov}: {n} municipalities, {staff} employees, {regions}\n")
        out.writelines(out_rows)
    out.write(FOOTER)
    total = sum(m[1] for m in munis)
    assert total == 172490, total


HEADER = """\
# yaml-language-server: $schema=schema.json
# The Netherlands: does a state mandate for regional collaboration (the omgevingsdiensten, RUDs)
# beat voluntary network-first collaboration at national scale, and does a mandate that says
# "what, not how" do better than one that also prescribes the structure? The same three
# conditions as rud-mandate.yaml, for all 342 municipalities (1 January 2023) and 12 provinces,
# partitioned into the 28 omgevingsdienst regions (1 January 2024).
#
# Generated by scripts/make-national-scenario.py (fixed seed); do not edit by hand.
# Sources and assumptions (model brief section 1.3):
# - 342 municipalities (CBS, 1 Jan 2023); 28 omgevingsdiensten (1 Jan 2024), 342/28 = 12.2
#   municipalities per service.
# - Municipal staff 2021 by size class (A+O fonds Personeelsmonitor): < 20k inhabitants 6,080;
#   20-50k 41,480; 50-100k 37,350; > 100k 41,470; G4 46,110; in all 172,490 (about 172,500).
# - Municipalities per class (assumed; they sum to 342): 56 / 190 / 64 / 28 / 4. With these,
#   the 50-100k class averages about 580 employees, in line with Zeist (65k inhabitants, 550)
#   and Oss (93k, 800). Within a class sizes vary log-normally (sigma 0.3-0.5) around the class
#   mean, and the class total is kept exact. Municipalities other than the G4 are synthetic
#   (m001 ...): their names and their place in a province carry no information.
# - Municipalities per province as on 1 Jan 2023; omgevingsdienst regions per province as in the
#   2011 Atsma letter, adjusted to 28 in all (Noord-Holland 3, Zuid-Holland 5, Utrecht 1).
#   Within a province, municipalities are dealt to its regions at random.
# - Provinces: 400 employees each (assumed: the staff concerned with the tasks at issue, not
#   the whole province).
# - Power (quota weight) is the number of employees, which is proportional to inhabitants at
#   about 10 employees per 1,000 inhabitants.
# Run it with fewer replicates first: samen run scenarios/national.yaml --replicates 4
name: national
title: "State mandate versus voluntary network-first collaboration: 342 municipalities, 12 provinces, 28 regions"
horizon: 260
replicates: 20
seed: 20240101
"""

FOOTER = """\
# Every condition consolidates collaborations that work (structure after two wins: the seed's
# advice), so the conditions differ only in the mandate.
events:
  - { on: { wins: 2 }, consolidate: { structure: 0.5 } }
conditions:
  voluntary:
    description: "no mandate: organisations collaborate when their people find each other"
    formation: network_first
  mandate:
    description: "the state mandates the regional services at week 0 and prescribes their structure"
    formation: network_first
    events:
      - { at: 0, mandate: { deadline_weeks: 104, prescribe_structure: true } }
  mandate_what_not_how:
    description: "the same mandate, deadline and budget, but only what: the region forms network-first"
    formation: network_first
    events:
      - { at: 0, mandate: { deadline_weeks: 104, prescribe_structure: false } }
"""

if __name__ == "__main__":
    main()
