"""Random instances, feasible by construction (or made infeasible on purpose), for
property tests and benchmarks: S sectors x D districts in Z zones.

A random non-negative allocation x* on random allowed cells is drawn first; quotas, caps and
zone totals are then set around x*'s sums, so x* satisfies every rule.
"""

from __future__ import annotations

import numpy as np

from landalloc.model import Instance


def random_instance(n_sectors: int, n_districts: int, seed: int = 0, n_zones: int = 3,
                    density: float = 0.4, slack: float = 0.2, exact_share: float = 0.5,
                    infeasible: bool = False) -> Instance:
    """A feasible instance; with infeasible=True one sector's quota exceeds what it can get."""
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

    sectors, districts, zones = {}, {}, {}
    for i in range(S):
        if rng.random() < exact_share:
            quota = {"min": float(sector_sum[i]), "max": float(sector_sum[i])}
        else:
            quota = {"min": float(np.floor(sector_sum[i] * (1 - slack))),
                     "max": float(np.ceil(sector_sum[i] * (1 + slack)))}
        sectors[f"s{i}"] = {"zh": f"产业{i}", "en": f"Sector {i}", "group": "g",
                            "quota": {**quota, "assumption": "synthetic"}}
    for j in range(D):
        districts[f"d{j}"] = {"zh": f"区{j}", "en": f"District {j}", "zone": f"z{zone[j]}",
                              "area_class": "a",
                              "cap": {"max": float(np.ceil(district_sum[j] * (1 + slack))),
                                      "assumption": "synthetic"}}
    for k in range(n_zones):
        zsum = float(district_sum[zone == k].sum())
        zones[f"z{k}"] = {"zh": f"区域{k}", "en": f"Zone {k}",
                          "total": {"min": float(np.floor(zsum * (1 - slack))),
                                    "max": float(np.ceil(zsum * (1 + slack))),
                                    "assumption": "synthetic"}}
    if infeasible:
        i = int(np.argmax(sector_sum))
        reach = float(sum(districts[f"d{j}"]["cap"]["max"] for j in np.flatnonzero(allowed[i])))
        sectors[f"s{i}"]["quota"] = {"min": reach + 10.0, "assumption": "synthetic conflict"}
    return Instance.model_validate({
        "name": f"synthetic-{S}x{D}-{seed}",
        "period": "synthetic",
        "total_increment": {"min": total, "max": total, "assumption": "synthetic"},
        "area_classes": {"a": {"zh": "区", "en": "area"}},
        "sector_groups": {"g": {"zh": "组", "en": "group"}},
        "sectors": sectors,
        "zones": zones,
        "districts": districts,
        "allowed": {f"s{i}": {f"d{j}": "synthetic" for j in np.flatnonzero(allowed[i])}
                    for i in range(S)},
        "output": {f"s{i}": {f"d{j}": float(output[i, j]) for j in np.flatnonzero(allowed[i])}
                   for i in range(S)},
    })
