"""Derive the 2026-2035 district capacities of the Zhengzhou instance and check them by LP.

    python scripts/derive_capacities.py [instances/zhengzhou] [--check]

Reads instance.yaml, 2021-2025.yaml, 2026-2035.yaml and roles.csv of the folder. Writes
capacities-2026-2035.csv (the proposed rule) and capacities-2026-2035-strict.csv (the plan read
strictly), then solves a small LP for each: is there an allocation over the role cells that meets
every 2026-2035 sector quota, the zone totals and the caps? --check writes nothing and exits 1 if
the files differ from the rule or the proposed caps are infeasible. DERIVATION.md §5 explains
each choice.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from ruamel.yaml import YAML
from scipy.optimize import linprog

ROOT = Path(__file__).resolve().parent.parent
STEP = 10  # ha; caps are rounded to 10 ha
# Ch.3 §2(2)1 一带: 航空港区 and 经开区 as the two manufacturing centres plus the seven counties.
BELT_CENTRES = ("airport", "etdz")
STRONG = ("core", "cluster")  # the long-term sector placements of Ch.3 §2(2)2(1)


def load(folder: Path) -> dict:
    yaml = YAML(typ="safe")
    inst = yaml.load((folder / "instance.yaml").read_text(encoding="utf-8"))
    near = yaml.load((folder / "2021-2025.yaml").read_text(encoding="utf-8"))
    far = yaml.load((folder / "2026-2035.yaml").read_text(encoding="utf-8"))
    zone = {d: v["zone"] for d, v in inst["districts"].items()}
    return {
        "zone": zone,
        "districts": list(zone),
        "near_caps": {d: v["cap"]["max"] for d, v in near["districts"].items()},
        "near_zones": {z: v["total"]["value"] for z, v in near["zones"].items()},
        "near_total": near["total_increment"]["value"],
        "far_total": far["total_increment"]["value"],
        "far_quotas": {s: v["quota"] for s, v in far["sectors"].items()},
        "roles": pd.read_csv(folder / "roles.csv", dtype=str, keep_default_na=False),
    }


def largest_remainder(raw: dict[str, float], total: int, step: int = STEP) -> dict[str, int]:
    """Round to multiples of step so that the parts sum to total (ties: listed order)."""
    floors = {k: int(np.floor(v / step + 1e-9)) * step for k, v in raw.items()}
    left = round((total - sum(floors.values())) / step)
    order = sorted(raw, key=lambda k: -(raw[k] - floors[k]))
    for k in order[:left]:
        floors[k] += step
    return floors


def placements(data: dict) -> dict[str, int]:
    """Number of sectors Ch.3 §2(2)2(1) places in each district (core or cluster, no assumption)."""
    r = data["roles"]
    r = r[(r.period == "2026-2035") & r.role.isin(STRONG) & (r.assumption == "")]
    return r.groupby("district").size().to_dict()


def proposed_caps(data: dict) -> pd.DataFrame:
    zone, caps21 = data["zone"], data["near_caps"]
    central = [d for d in data["districts"] if zone[d] == "integration"]
    central_total = data["near_zones"]["integration"]  # held at its 2021-2025 figure
    rest_21 = data["near_total"] - central_total
    rest_26 = data["far_total"] - central_total
    ratio = rest_26 / rest_21
    scaled = largest_remainder({d: caps21[d] * ratio for d in caps21}, rest_26)
    n = placements(data)
    weights = {d: n.get(d, 0) for d in central}
    split = largest_remainder(
        {d: central_total * w / sum(weights.values()) for d, w in weights.items()}, central_total)
    rows = []
    for d in data["districts"]:
        if zone[d] == "integration":
            rows.append((d, split[d], "central",
                         f"assumption: integration zone held at its 2021-2025 total "
                         f"({central_total} ha, Table 3-1; Ch.3 §1(3)2) as Ch.3 §2(1) lowers the "
                         f"city share; split by the {weights[d]} sector placement(s) of "
                         f"Ch.3 §2(2)2(1)"))
        else:
            src = "Table 3-4" if zone[d] == "leading" else "Table 3-5"
            rows.append((d, scaled[d], "scaled",
                         f"assumption: {src} figure {caps21[d]} ha x {rest_26}/{rest_21} "
                         f"(the 2026-2035 land outside the central districts over that of "
                         f"2021-2025), rounded to {STEP} ha by largest remainder"))
    return pd.DataFrame(rows, columns=["district", "cap", "rule", "source"])


def strict_caps(data: dict) -> pd.DataFrame:
    """Every zone keeps its 2021-2025 share: each figure x 8000/6000, rounded up to 10 ha."""
    zone, caps21 = data["zone"], data["near_caps"]
    ratio = data["far_total"] / data["near_total"]
    central = [d for d in data["districts"] if zone[d] == "integration"]
    n = placements(data)
    w_sum = sum(n.get(d, 0) for d in central)
    rows = []
    for d in data["districts"]:
        if zone[d] == "integration":
            raw = data["near_zones"]["integration"] * ratio * n.get(d, 0) / w_sum
            note = (f"strict: integration zone at its 2021-2025 share "
                    f"({data['near_zones']['integration']}/{data['near_total']}, Table 3-1) of "
                    f"{data['far_total']} ha, split by Ch.3 §2(2)2(1) placements")
        else:
            raw = caps21[d] * ratio
            src = "Table 3-4" if zone[d] == "leading" else "Table 3-5"
            note = f"strict: {src} figure {caps21[d]} ha x {data['far_total']}/{data['near_total']}"
        cap = int(np.ceil(raw / STEP - 1e-9)) * STEP
        rows.append((d, cap, "strict", note + f", rounded up to {STEP} ha"))
    return pd.DataFrame(rows, columns=["district", "cap", "rule", "source"])


def role_cells(data: dict, strict: bool = False) -> list[tuple[str, str]]:
    """(sector, district) cells of the 2026-2035 roles. strict: only the long-term placements
    (core/cluster) for every sector that has one; a sector the long-term text places nowhere
    (future, other) keeps its assumed cells."""
    r = data["roles"]
    r = r[r.period == "2026-2035"]
    if strict:
        placed = set(r[r.role.isin(STRONG)].sector)
        r = r[r.role.isin(STRONG) | ~r.sector.isin(placed)]
    return list(zip(r.sector, r.district, strict=True))


def _bounds(q: dict) -> tuple[float | None, float | None]:
    if "value" in q:
        return q["value"], q["value"]
    return q.get("min", 0), q.get("max")


def solve(data: dict, caps: dict[str, float], zone_totals: dict[str, tuple[float, float]],
          cells: list[tuple[str, str]]) -> tuple[bool, float]:
    """Feasibility of the 2026-2035 quotas over cells, and the most land that can be placed
    (sector quotas, caps and zone limits as upper bounds)."""
    quotas, zone, total = data["far_quotas"], data["zone"], data["far_total"]
    cells = [c for c in cells if c[0] in quotas]
    n = len(cells)
    a_ub, b_ub, a_eq, b_eq = [], [], [], []
    for s, q in quotas.items():
        row = [1.0 if c[0] == s else 0.0 for c in cells]
        lo, hi = _bounds(q)
        if hi is not None:
            a_ub.append(row)
            b_ub.append(hi)
        if lo:
            a_ub.append([-v for v in row])
            b_ub.append(-lo)
    for d, cap in caps.items():
        a_ub.append([1.0 if c[1] == d else 0.0 for c in cells])
        b_ub.append(cap)
    for z, (lo, hi) in zone_totals.items():
        row = [1.0 if zone[c[1]] == z else 0.0 for c in cells]
        a_ub.append(row)
        b_ub.append(hi)
        a_ub.append([-v for v in row])
        b_ub.append(-lo)
    a_eq.append([1.0] * n)
    b_eq.append(total)
    feas = linprog(np.zeros(n), A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, method="highs")
    # most land placeable: drop the lower bounds and the total
    up = [(r, b) for r, b in zip(a_ub, b_ub, strict=True) if b >= 0]
    best = linprog(-np.ones(n), A_ub=[r for r, _ in up], b_ub=[b for _, b in up],
                   method="highs")
    return feas.status == 0, -best.fun


def zone_room(data: dict, caps: dict[str, float], cells, z: str) -> float:
    """The most land the role cells can place in zone z (quotas and caps as upper bounds)."""
    quotas, zone = data["far_quotas"], data["zone"]
    cells = [c for c in cells if c[0] in quotas]
    a_ub = [[1.0 if c[0] == s else 0.0 for c in cells] for s in quotas]
    b_ub = [_bounds(q)[1] for q in quotas.values()]
    a_ub += [[1.0 if c[1] == d else 0.0 for c in cells] for d in caps]
    b_ub += list(caps.values())
    res = linprog([-1.0 if zone[c[1]] == z else 0.0 for c in cells], A_ub=a_ub, b_ub=b_ub,
                  method="highs")
    return -res.fun


def zone_limits(data: dict, table: pd.DataFrame, strict: bool) -> dict[str, tuple[float, float]]:
    """strict: every zone at its 2021-2025 share of the total; else the sums of the caps."""
    if strict:
        r = data["far_total"] / data["near_total"]
        return {z: (v * r, v * r) for z, v in data["near_zones"].items()}
    sums = table.assign(zone=table.district.map(data["zone"])).groupby("zone").cap.sum()
    return {z: (float(v), float(v)) for z, v in sums.items()}


def report(data: dict, name: str, table: pd.DataFrame, strict_roles: bool,
           strict_zones: bool) -> bool:
    caps = dict(zip(table.district, table.cap, strict=True))
    cells = role_cells(data, strict=strict_roles)
    zones = zone_limits(data, table, strict_zones)
    ok, placed = solve(data, caps, zones, cells)
    total, zone = data["far_total"], data["zone"]
    by_zone = {z: sum(c for d, c in caps.items() if zone[d] == z) for z in sorted(zones)}
    belt = sum(c for d, c in caps.items() if d in BELT_CENTRES or zone[d] == "transformation")
    print(f"{name}: caps sum {sum(caps.values())} ha; "
          + ", ".join(f"{z} {v} ({v / total:.2%})" for z, v in by_zone.items())
          + f"; outer arc {belt} ({belt / total:.2%})")
    print(f"  feasible: {ok}; most land placeable {placed:.0f} of {total} ha")
    for s, q in data["far_quotas"].items():
        room = sum(caps[d] for t, d in cells if t == s)
        if room < _bounds(q)[0]:
            print(f"  {s}: quota {_bounds(q)[0]} ha, its role districts hold at most {room} ha")
    for z, (lo, _) in zones.items():
        room = zone_room(data, caps, cells, z)
        if room < lo - 1e-6:
            print(f"  zone {z}: needs {lo:.0f} ha, its role cells can take at most {room:.0f} ha")
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("folder", nargs="?", default=ROOT / "instances" / "zhengzhou", type=Path)
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    data = load(args.folder)
    ok = True
    outputs = {
        "capacities-2026-2035.csv": (proposed_caps(data), False),
        "capacities-2026-2035-strict.csv": (strict_caps(data), True),
    }
    for fname, (table, strict) in outputs.items():
        target = args.folder / fname
        if args.check:
            have = pd.read_csv(target, dtype={"cap": int}, keep_default_na=False)
            if not have.equals(table.astype({"cap": int})):
                print(f"{target} differs from the rule")
                ok = False
        else:
            table.to_csv(target, index=False, lineterminator="\n")
            print(f"wrote {target}")
        feasible = report(data, fname, table, strict_roles=strict, strict_zones=strict)
        if not strict and not feasible:
            ok = False
    # which half of the strict reading conflicts: strict caps with every role cell, and the
    # proposed caps with the strict roles
    report(data, "strict caps and zones, all role cells", strict_caps(data), False, True)
    report(data, "proposed caps, strict roles", proposed_caps(data), True, False)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
