"""Warm sweep versus cold solves, per point. Prints a table; asserts nothing.

    python scripts/bench_sweep.py [--points 100] [--repeat 3]

warm:          landalloc's sweep on one live HiGHS model (numbers changed, basis kept), with
               its per-point bookkeeping (basis comparison, marginals, A·x check).
cold (arrays): a new HiGHS model per point from the already-formulated LP arrays.
cold (full):   the instance changed, formulated and solved afresh per point.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from landalloc.formulations import formulate
from landalloc.solver import HighsSession
from landalloc.solver.sweep import grid_points, warm_sweep

import landalloc
from landalloc.problem.sweep_plan import instance_with, plan_sweep
from landalloc.problem.synthetic import random_instance


def best(fns: list, repeat: int) -> list[float]:
    """Fastest of `repeat` runs of each function, the functions interleaved so that a burst
    of load from elsewhere on the machine hits all of them alike."""
    times = [[] for _ in fns]
    for _ in range(repeat):
        for k, fn in enumerate(fns):
            t0 = time.perf_counter()
            fn()
            times[k].append(time.perf_counter() - t0)
    return [min(t) for t in times]


def case(name: str, inst, path: str, a: float, b: float, points: int, repeat: int,
         full: bool = True) -> dict:
    plan = plan_sweep(inst, [(path, a, b)])
    pts, order = grid_points([np.linspace(a, b, points)])

    def cold_arrays() -> None:
        for (v,) in pts:
            HighsSession(plan.lp_at([v])).run()

    warm, cold = best([lambda: warm_sweep(plan.lp, plan.maps, pts, order), cold_arrays],
                      repeat)
    warm, cold = warm / points, cold / points
    rebuild = float("nan")
    if full:
        sub = pts[:: max(1, points // 20)]

        def cold_full() -> None:
            for (v,) in sub:
                HighsSession(formulate(instance_with(plan.base, [(path, v)]))).run()

        rebuild = best([cold_full], 1)[0] / len(sub)
    feasible = int((warm_sweep(plan.lp, plan.maps, pts, order)["status"] == "optimal").sum())
    return {"case": name, "size": f"{plan.lp.num_row}x{plan.lp.num_col}", "points": points,
            "feasible": feasible, "warm_ms": warm * 1e3, "cold_ms": cold * 1e3,
            "full_ms": rebuild * 1e3}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--points", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    n, r = args.points, args.repeat
    zz1 = landalloc.load_instance("zhengzhou", "2021-2025")
    zz2 = landalloc.load_instance("zhengzhou", "2026-2035")
    s1 = random_instance(30, 40, seed=1)
    s2 = random_instance(100, 150, seed=2)
    d1, d2 = "d3", "d7"
    rows = [
        case("zhengzhou 2021-2025 airport cap", zz1, "districts.airport.cap", 1100, 1600, n, r),
        case("zhengzhou 2021-2025 electronics quota", zz1, "sectors.electronics.quota",
             1800, 2600, n, r),
        case("zhengzhou 2021-2025 leading-six share", zz1,
             "sector_groups.leading_six.share.min", 0.7, 0.9, n, r),
        case("zhengzhou 2026-2035 hitech cap", zz2, "districts.hitech.cap", 1500, 2500, n, r),
        case("synthetic 30x40 cap", s1, f"districts.{d1}.cap",
             0.5 * s1.districts[d1].cap.max, 2 * s1.districts[d1].cap.max, n, r),
        case("synthetic 100x150 cap", s2, f"districts.{d2}.cap",
             0.5 * s2.districts[d2].cap.max, 2 * s2.districts[d2].cap.max, n, r, full=False),
    ]
    head = (f"{'case':40s} {'rows x cols':>11s} {'points':>6s} {'feas.':>5s} "
            f"{'warm ms/pt':>10s} {'cold ms/pt':>10s} {'full ms/pt':>10s} "
            f"{'cold/warm':>9s} {'full/warm':>9s}")
    print(head)
    print("-" * len(head))
    for x in rows:
        print(f"{x['case']:40s} {x['size']:>11s} {x['points']:>6d} {x['feasible']:>5d} "
              f"{x['warm_ms']:10.3f} {x['cold_ms']:10.3f} {x['full_ms']:10.3f} "
              f"{x['cold_ms'] / x['warm_ms']:9.1f} {x['full_ms'] / x['warm_ms']:9.1f}")
    print("\ncold: new HiGHS model per point from the LP arrays; full: instance changed, "
          "formulated and solved per point (full skipped for the largest case).")


if __name__ == "__main__":
    main()
