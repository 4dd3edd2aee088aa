"""Ranges of every cell on one warm Highs against the same number of cold solves.

    .venv/bin/python scripts/bench_ranges.py [--cells 10000] [--cold-sample 300]

Zhengzhou 2021-2025 (all allowed cells) and a synthetic instance of about 10^4 cells
(landalloc.problem.synthetic), each at S = 0 and S = 2 %. The cold run solves a fresh
model per range end; on the synthetic instance it runs on a sample of cells and is scaled
to all of them (marked *). `agree`: warm and cold ranges equal on the cells both solved.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from landalloc.solver import alternatives as al

from landalloc.problem.build import load_problem
from landalloc.problem.synthetic import random_lp


def bench(name: str, lp, slack: float, cold_sample: int | None) -> tuple:
    first = al.optimum(lp)
    region = al.near_optimal(lp, first, slack)
    cells = np.flatnonzero(al.allowed_cells(region))
    t0 = time.perf_counter()
    warm = al.cell_ranges(region, cells)
    tw = time.perf_counter() - t0
    sample = cells if cold_sample is None or cold_sample >= cells.size else \
        np.sort(np.random.default_rng(0).choice(cells, cold_sample, replace=False))
    t0 = time.perf_counter()
    cold = al.cold_ranges(region, sample)
    tc = (time.perf_counter() - t0) * cells.size / sample.size
    agree = np.allclose(warm.lower[sample], cold.lower[sample], atol=1e-5) and \
        np.allclose(warm.upper[sample], cold.upper[sample], atol=1e-5)
    return (name, slack, int(cells.size), 2 * int(cells.size), tw, tc, tc / tw,
            sample.size < cells.size, agree)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cells", type=int, default=10_000, help="synthetic cells (S x D)")
    ap.add_argument("--cold-sample", type=int, default=300)
    a = ap.parse_args()
    zz = load_problem("zhengzhou", "2021-2025").lp
    sectors = 50
    syn = random_lp(sectors, a.cells // sectors, seed=1)
    rows = [bench("zhengzhou 2021-2025", zz, s, None) for s in (0.0, 0.02)]
    rows += [bench(f"synthetic {len(syn.sectors)}x{len(syn.districts)}", syn, s,
                   a.cold_sample) for s in (0.0, 0.02)]
    head = (f"{'instance':<24} {'S':>4} {'cells':>7} {'LPs':>7} {'warm s':>9} "
            f"{'cold s':>10} {'ratio':>7}  agree")
    print(head)
    print("-" * len(head))
    for name, s, n, lps, tw, tc, r, scaled, ok in rows:
        star = "*" if scaled else " "
        print(f"{name:<24} {s:>4.0%} {n:>7,} {lps:>7,} {tw:>9.3f} {tc:>9.2f}{star} "
              f"{r:>6.1f}x  {ok}")
    print("allowed cells only (10^4 cells drawn, ~40 % allowed); "
          "* cold time measured on a sample of cells, scaled to all")


if __name__ == "__main__":
    main()
