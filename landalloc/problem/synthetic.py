"""Random instances, feasible by construction (or made infeasible on purpose), for
property tests and benchmarks: S sectors x D districts in Z zones.

A random non-negative allocation x* on random allowed cells is drawn first; quotas, caps and
zone totals are then set around x*'s sums, so x* satisfies every rule.

One drawing (`draw`) feeds two assemblers: `random_instance` (a validated Instance, for
everything that starts from an instance; fine up to ~10^5 cells) and `random_lp` (the same
problem straight as a LinearProgram, vectorised, for 10^6 cells and more). For equal
arguments `formulate(random_instance(...))` and `random_lp(...)` are the same LP.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from landalloc.formulations.lp import LinearProgram, row_table
from landalloc.plan.model import Instance

ASSUMPTION = "synthetic"


@dataclass
class Draw:
    """The numbers of one random instance (no names yet)."""

    allowed: np.ndarray  # (S, D) bool
    output: np.ndarray  # (S, D) output per ha, 0 where not allowed
    zone: np.ndarray  # (D,) zone index of each district
    total: float
    quota_lo: np.ndarray  # (S,) -inf where no lower bound
    quota_hi: np.ndarray  # (S,) +inf where no upper bound
    cap: np.ndarray  # (D,)
    zone_lo: np.ndarray  # (Z,)
    zone_hi: np.ndarray  # (Z,)
    conflict: int | None  # sector whose quota was made unreachable

    @property
    def shape(self) -> tuple[int, int]:
        return self.allowed.shape


def draw(n_sectors: int, n_districts: int, seed: int = 0, n_zones: int = 3,
         density: float = 0.4, slack: float = 0.2, exact_share: float = 0.5,
         infeasible: bool = False) -> Draw:
    """Draw x* and set every bound around its sums (vectorised: 10^6 cells in ~0.1 s)."""
    rng = np.random.default_rng(seed)
    S, D = n_sectors, n_districts
    allowed = rng.random((S, D)) < density
    allowed[np.arange(S), rng.integers(0, D, S)] = True  # every sector somewhere
    x = np.where(allowed, rng.uniform(0, 100, (S, D)).round(1), 0.0)
    total = float(x.sum())
    sector_sum = x.sum(axis=1)
    district_sum = x.sum(axis=0)
    zone = rng.integers(0, n_zones, D)
    output = np.where(allowed, rng.uniform(0.1, 1.0, (S, D)).round(4), 0.0)
    exact = rng.random(S) < exact_share
    quota_lo = np.where(exact, sector_sum, np.floor(sector_sum * (1 - slack)))
    quota_hi = np.where(exact, sector_sum, np.ceil(sector_sum * (1 + slack)))
    cap = np.ceil(district_sum * (1 + slack))
    zsum = np.bincount(zone, weights=district_sum, minlength=n_zones)
    zone_lo, zone_hi = np.floor(zsum * (1 - slack)), np.ceil(zsum * (1 + slack))
    conflict = None
    if infeasible:
        conflict = int(np.argmax(sector_sum))
        reach = float(cap[allowed[conflict]].sum())
        quota_lo[conflict], quota_hi[conflict] = reach + 10.0, math.inf
    return Draw(allowed, output, zone, total, quota_lo, quota_hi, cap, zone_lo, zone_hi,
                conflict)


def _bound(lo: float, hi: float, note: str = ASSUMPTION) -> dict:
    out: dict = {"assumption": note}
    if math.isfinite(lo):
        out["min"] = float(lo)
    if math.isfinite(hi):
        out["max"] = float(hi)
    return out


def random_instance(n_sectors: int, n_districts: int, seed: int = 0, n_zones: int = 3,
                    density: float = 0.4, slack: float = 0.2, exact_share: float = 0.5,
                    infeasible: bool = False) -> Instance:
    """A feasible instance; with infeasible=True one sector's quota exceeds what it can get."""
    d = draw(n_sectors, n_districts, seed, n_zones, density, slack, exact_share, infeasible)
    S, D = d.shape
    sectors = {
        f"s{i}": {"zh": f"产业{i}", "en": f"Sector {i}", "group": "g",
                  "quota": _bound(d.quota_lo[i], d.quota_hi[i],
                                  "synthetic conflict" if i == d.conflict else ASSUMPTION)}
        for i in range(S)}
    districts = {
        f"d{j}": {"zh": f"区{j}", "en": f"District {j}", "zone": f"z{d.zone[j]}",
                  "area_class": "a", "cap": _bound(-math.inf, d.cap[j])}
        for j in range(D)}
    zones = {f"z{k}": {"zh": f"区域{k}", "en": f"Zone {k}",
                       "total": _bound(d.zone_lo[k], d.zone_hi[k])}
             for k in range(d.zone_lo.size)}
    cells = [np.flatnonzero(d.allowed[i]) for i in range(S)]
    return Instance.model_validate({
        "name": f"synthetic-{S}x{D}-{seed}",
        "period": "synthetic",
        "total_increment": _bound(d.total, d.total),
        "area_classes": {"a": {"zh": "区", "en": "area"}},
        "sector_groups": {"g": {"zh": "组", "en": "group"}},
        "sectors": sectors,
        "zones": zones,
        "districts": districts,
        "allowed": {f"s{i}": {f"d{j}": ASSUMPTION for j in cells[i]} for i in range(S)},
        "output": {f"s{i}": {f"d{j}": float(d.output[i, j]) for j in cells[i]}
                   for i in range(S)},
    })


def random_lp(n_sectors: int, n_districts: int, seed: int = 0, n_zones: int = 3,
              density: float = 0.4, slack: float = 0.2, exact_share: float = 0.5,
              infeasible: bool = False) -> LinearProgram:
    """The LP `formulate(random_instance(...))` gives, built without an Instance.

    Rows in formulate's order: total_increment, sector_quota[s], district_cap[d],
    zone_total[z]; columns sector-major. Four nonzeros per column.
    """
    d = draw(n_sectors, n_districts, seed, n_zones, density, slack, exact_share, infeasible)
    S, D = d.shape
    Z = d.zone_lo.size
    n = S * D
    col_sector = np.repeat(np.arange(S), D)
    col_district = np.tile(np.arange(D), S)
    # column j has rows 0 (total), 1 + s, 1 + S + d, 1 + S + D + zone(d): already sorted
    indices = np.empty((n, 4), dtype=np.int32)
    indices[:, 0] = 0
    indices[:, 1] = 1 + col_sector
    indices[:, 2] = 1 + S + col_district
    indices[:, 3] = 1 + S + D + d.zone[col_district]
    m = 1 + S + D + Z
    A = sp.csc_matrix((np.ones(4 * n), indices.ravel(), np.arange(0, 4 * n + 1, 4)),
                      shape=(m, n))
    src = f"assumption: {ASSUMPTION}"
    meta = [("total_increment", "total", "", "新增工业用地总规模", "total new industrial land",
             src)]
    meta += [(f"sector_quota[s{i}]", "sector_quota", f"s{i}", f"产业{i}新增用地",
              f"Sector {i} quota",
              "assumption: synthetic conflict" if i == d.conflict else src) for i in range(S)]
    meta += [(f"district_cap[d{j}]", "district_cap", f"d{j}", f"区{j}新增用地上限",
              f"District {j} cap", src) for j in range(D)]
    meta += [(f"zone_total[z{k}]", "zone_total", f"z{k}", f"区域{k}新增用地", f"Zone {k} total",
              src) for k in range(Z)]
    allowed = d.allowed.ravel()
    return LinearProgram(
        c=d.output.ravel().copy(), matrix=A,
        row_lower=np.concatenate([[d.total], d.quota_lo, np.full(D, -np.inf), d.zone_lo]),
        row_upper=np.concatenate([[d.total], d.quota_hi, d.cap, d.zone_hi]),
        col_lower=np.zeros(n), col_upper=np.where(allowed, np.inf, 0.0),
        row_info=row_table(meta),
        sectors=[f"s{i}" for i in range(S)], districts=[f"d{j}" for j in range(D)],
        col_sector=col_sector, col_district=col_district,
        name=f"synthetic-{S}x{D}-{seed} synthetic")
