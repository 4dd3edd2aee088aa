"""Time the IIS methods and the repair on Zhengzhou conflicts and synthetic instances.

    python scripts/bench_diagnose.py

Prints one table: milliseconds per method (median of a few runs), IIS size, LP solves.
"""

from __future__ import annotations

import statistics
import time

from landalloc.formulations import formulate
from landalloc.solver.diagnose import elastic, find_iis, iis_names
from rich.console import Console
from rich.table import Table

from landalloc.analysis.diagnosis import RelaxSpec
from landalloc.plan.loading import load_instance
from landalloc.problem.synthetic import random_instance


def _ms(f, repeat: int = 3) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = f()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), out


def main() -> None:
    cases = {
        "zhengzhou electronics 3000": formulate(load_instance(
            "zhengzhou", None, ["sectors.electronics.quota=3000",
                                "sectors.auto_equipment.quota=800"])),
        "zhengzhou total 5000": formulate(load_instance(
            "zhengzhou", None, ["total_increment=5000"])),
    }
    for s, d in ((8, 16), (20, 40), (40, 80)):
        cases[f"synthetic {s}x{d}"] = formulate(random_instance(s, d, seed=1, infeasible=True))
    t = Table(title="IIS and repair (ms, median of 3)")
    for col in ("case", "cols", "rows", "certificate", "deletion", "highs", "auto",
                "iis_names", "elastic", "IIS rules", "deletion solves"):
        t.add_column(col, justify="right")
    spec = RelaxSpec()
    for name, lp in cases.items():
        row = [name, str(lp.num_col), str(lp.num_row)]
        for method in ("certificate", "deletion", "highs", "auto"):
            ms, iis = _ms(lambda m=method, lp=lp: find_iis(lp, m))
            row.append(f"{ms:.1f}")
            if method == "deletion":
                solves, size = iis.solves, len(iis.names(lp))
        row.append(f"{_ms(lambda lp=lp: iis_names(lp))[0]:.1f}")
        row.append(f"{_ms(lambda lp=lp: elastic(lp, lambda m: spec.weight(lp, m)))[0]:.1f}")
        row += [str(size), str(solves)]
        t.add_row(*row)
    Console(width=160).print(t)


if __name__ == "__main__":
    main()
