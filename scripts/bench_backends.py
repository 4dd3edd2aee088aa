"""Speed of the three backends against a bare highspy solve of the same LP, in one run.

    python scripts/bench_backends.py [--quick] [--out bench.csv] [--max-size 1000000]

Tables:
1. Size: Zhengzhou and synthetic instances of 10^2 ... 10^6 cells. Per backend: formulate
   (Instance -> LinearProgram), build (the backend's own model), solve (its solver call),
   total (formulate + backend + labelled Result); `bare` is highspy alone on the prebuilt
   arrays (Highs() + passModel + run + getSolution). PuLP and Pyomo up to 10^5.
2. Scenarios/second on the small instance (Zhengzhou 2021-2025), a sweep of the airport
   district cap: cold (apply the override -> validate -> formulate -> solve -> Result) per
   backend, against bare highspy cold; warm (HighsSession: bound change -> re-solve ->
   Result) against a bare warm highspy re-solve.
3. Peak memory (ru_maxrss) of the whole 10^6 run, measured in a fresh subprocess.

The machine is shared and noisy: compare ratios within one run, not seconds across runs.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from landalloc.formulations import formulate
from landalloc.solver import SolverOptions, get_backend
from landalloc.solver.highs import HighsSession, new_highs, to_highs_lp
from landalloc.solver.live import LiveLP
from rich.console import Console
from rich.table import Table

from landalloc.plan.loading import load
from landalloc.plan.model import Instance
from landalloc.plan.overrides import Override, apply
from landalloc.problem.entry_maps import PathMaps
from landalloc.problem.synthetic import random_instance
from landalloc.results.result import label

#: (sectors, districts) per size; 10^2 ... 10^6 cells
SIZES = {100: (10, 10), 1_000: (25, 40), 10_000: (100, 100), 100_000: (250, 400),
         1_000_000: (1000, 1000)}
MODELLING_MAX = 100_000  # PuLP and Pyomo above this take minutes and gigabytes
OPTIONS = SolverOptions(threads=1)  # one thread everywhere: the comparison is per core


def interleaved(paths: dict[str, Callable[[], None]], rounds: int) -> dict[str, float]:
    """Best wall time of each path over rounds that run every path once in turn, so a
    burst of other work on the machine hits all of them alike."""
    best = dict.fromkeys(paths, float("inf"))
    for _ in range(rounds):
        for name, f in paths.items():
            gc.collect()
            t0 = time.perf_counter()
            f()
            best[name] = min(best[name], time.perf_counter() - t0)
    return best


def bare_solve(model) -> None:
    h = new_highs()
    h.setOptionValue("threads", 1)
    h.passModel(model)
    h.run()
    sol = h.getSolution()
    np.asarray(sol.col_value)
    np.asarray(sol.row_dual)


def size_rows(name: str, inst: Instance, backends: list[str], repeat: int) -> list[dict]:
    """One instance: formulate, bare highspy and every backend end to end, interleaved."""
    lp = formulate(inst)
    model = to_highs_lp(lp)
    best: dict[str, tuple[float, object]] = {}

    def end_to_end(b: str) -> Callable[[], None]:
        backend = get_backend(b)

        def run() -> None:
            t0 = time.perf_counter()
            lp_b = formulate(inst)
            raw = backend.solve(lp_b, OPTIONS)
            label(inst, lp_b, raw)
            total = time.perf_counter() - t0
            if b not in best or total < best[b][0]:
                best[b] = (total, raw)
        return run

    paths = {"formulate": lambda: formulate(inst), "bare": lambda: bare_solve(model)}
    paths.update({b: end_to_end(b) for b in backends})
    t = interleaved(paths, repeat)
    rows = []
    for b in backends:
        total, raw = best[b]
        rows.append({"table": "size", "instance": name, "variables": lp.num_col,
                     "nonzeros": lp.A.nnz, "backend": b, "status": raw.status.value,
                     "objective": raw.objective, "formulate_s": t["formulate"],
                     "build_s": raw.extra.get("build_seconds"), "solve_s": raw.solve_seconds,
                     "total_s": total, "bare_s": t["bare"], "x_bare": total / t["bare"],
                     "x_highs": total / best["highs"][0]})
    return rows


def maps_for_bench(base: Instance, lp) -> list:
    """The entry maps of districts.airport.cap.max (found once, before any timing)."""
    return PathMaps(base, lp).map("districts.airport.cap.max").entries


def scenario_rows(n: int, repeat: int, backends: list[str]) -> list[dict]:
    """Cold and warm sweeps of districts.airport.cap on Zhengzhou 2021-2025."""
    loaded = load("zhengzhou", "2021-2025")
    base = loaded.instance
    data = base.model_dump(exclude_none=True)
    lp0 = formulate(base)
    row = lp0.row_index("district_cap[airport]")
    cap0 = float(lp0.row_upper[row])
    caps = np.linspace(0.8 * cap0, 1.2 * cap0, n)

    def cold(backend: str) -> Callable[[], None]:
        b = get_backend(backend)

        def run() -> None:
            for cap in caps:
                d, _ = apply(data, [Override("districts.airport.cap.max", float(cap), "bench")],
                             {})
                inst = Instance.model_validate(d)
                lp = formulate(inst)
                label(inst, lp, b.solve(lp, OPTIONS))
        return run

    models = []
    for cap in caps:
        m = to_highs_lp(lp0)
        m.row_upper_ = np.where(np.arange(lp0.num_row) == row, cap, m.row_upper_)
        models.append(m)

    def bare_cold() -> None:
        for m in models:
            bare_solve(m)

    session = HighsSession(lp0, OPTIONS)
    session.run()
    lo = float(lp0.row_lower[row])

    def warm() -> None:
        for cap in caps:
            session.set_row_bounds(row, lo, float(cap))
            label(base, lp0, session.run())

    live = LiveLP(lp0, OPTIONS)
    cap_map = maps_for_bench(base, lp0)

    def warm_tie_break() -> None:  # what sweeps and batches run: both stages
        for cap in caps:
            live.set([(e, float(cap)) for e in cap_map])
            label(base, lp0, live.solve())

    h = new_highs()
    h.setOptionValue("threads", 1)
    h.passModel(to_highs_lp(lp0))
    h.run()
    lo_h = max(lo, -1e30)

    def bare_warm() -> None:
        for cap in caps:
            h.changeRowBounds(row, lo_h, float(cap))
            h.run()
            sol = h.getSolution()
            np.asarray(sol.col_value)
            np.asarray(sol.row_dual)

    maps = PathMaps(base, lp0)
    maps.map("districts.airport.cap.max")  # found once, before the timing

    def cold_update() -> None:  # the same sweep, the override applied to the LP directly
        b = get_backend("highs")
        for cap in caps:
            inst, lp = maps.apply([("districts.airport.cap.max", float(cap))])
            label(inst, lp, b.solve(lp, OPTIONS))

    paths = {f"cold {b}": cold(b) for b in backends}
    paths["cold highs, update (no formulate)"] = cold_update
    paths["cold bare highspy"] = bare_cold
    paths["warm highs (HighsSession)"] = warm
    paths["warm highs + tie-break stage"] = warm_tie_break
    paths["warm bare highspy"] = bare_warm
    t = interleaved(paths, repeat)
    out = []
    for k, v in t.items():
        ref = t["warm bare highspy"] if k.startswith("warm") else t["cold bare highspy"]
        out.append({"table": "scenarios", "instance": "zhengzhou 2021-2025", "backend": k,
                    "scenarios": n, "total_s": v, "per_scenario_ms": 1e3 * v / n,
                    "scenarios_per_s": n / v, "x_bare": v / ref,
                    "x_highs": v / t["cold highs"] if k.startswith("cold") else None})
    return out


def memory_child(size: int) -> None:
    """Run in a fresh process: the whole highspy path at one size; print times and peak."""
    S, D = SIZES[size]
    t0 = time.perf_counter()
    inst = random_instance(S, D, 0)
    t1 = time.perf_counter()
    lp = formulate(inst)
    t2 = time.perf_counter()
    raw = get_backend("highs").solve(lp, OPTIONS)
    t3 = time.perf_counter()
    result = label(inst, lp, raw)
    t4 = time.perf_counter()
    json.dump({"table": "memory", "instance": f"synthetic {S}x{D}", "variables": lp.num_col,
               "nonzeros": lp.A.nnz, "backend": "highs", "status": raw.status.value,
               "generate_s": t1 - t0, "formulate_s": t2 - t1,
               "build_s": (t3 - t2) - raw.solve_seconds, "solve_s": raw.solve_seconds,
               "label_s": t4 - t3, "total_s": t4 - t1,
               "max_violation": result.max_violation,
               "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024},
              sys.stdout)


def memory_row(size: int) -> dict:
    r = subprocess.run([sys.executable, __file__, "--memory-child", str(size)],
                       capture_output=True, text=True, check=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import pulp
    import pyomo.version

    return (f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
            f"highspy {new_highs().version()}, PuLP {pulp.__version__}, "
            f"Pyomo {pyomo.version.version}")


def fmt(v, spec: str) -> str:
    return "" if v is None or (isinstance(v, float) and np.isnan(v)) else format(v, spec)


def show(console: Console, rows: list[dict]) -> None:
    size = [r for r in rows if r["table"] == "size"]
    t = Table(title="Size: seconds, best of interleaved repeats; total = formulate + backend"
                    " + labelled Result; x bare = total / bare highspy")
    for c in ("instance", "vars", "backend", "formulate", "build", "solve", "total", "bare",
              "x bare", "x highs"):
        t.add_column(c, justify="left" if c in ("instance", "backend") else "right")
    for r in size:
        t.add_row(r["instance"], f"{r['variables']:,}", r["backend"],
                  fmt(r["formulate_s"], ".4f"), fmt(r["build_s"], ".4f"),
                  fmt(r["solve_s"], ".4f"), fmt(r["total_s"], ".4f"), fmt(r["bare_s"], ".4f"),
                  fmt(r["x_bare"], ".2f"), fmt(r["x_highs"], ".2f"))
    console.print(t)
    sc = [r for r in rows if r["table"] == "scenarios"]
    if sc:
        t = Table(title=f"Scenarios: {sc[0]['instance']}, airport cap swept over "
                        f"{sc[0]['scenarios']} values")
        for c in ("path", "ms / scenario", "scenarios / s", "x bare", "x highs cold"):
            t.add_column(c, justify="left" if c == "path" else "right")
        for r in sc:
            t.add_row(r["backend"], fmt(r["per_scenario_ms"], ".3f"),
                      fmt(r["scenarios_per_s"], ",.0f"), fmt(r["x_bare"], ".2f"),
                      fmt(r["x_highs"], ".2f"))
        console.print(t)
    for r in (r for r in rows if r["table"] == "memory"):
        console.print(
            f"[bold]{r['instance']}[/] ({r['variables']:,} variables, {r['nonzeros']:,} "
            f"nonzeros), highs, one fresh process: generate {r['generate_s']:.2f} s, "
            f"formulate {r['formulate_s']:.2f} s, build {r['build_s']:.2f} s, "
            f"solve {r['solve_s']:.2f} s, label {r['label_s']:.2f} s; "
            f"peak memory {r['peak_mib']:,.0f} MiB; status {r['status']}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="sizes to 10^4, fewer repeats")
    ap.add_argument("--out", type=Path, help="write every measurement to this CSV")
    ap.add_argument("--max-size", type=int, default=1_000_000)
    ap.add_argument("--scenarios", type=int, default=None)
    ap.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.memory_child:
        memory_child(args.memory_child)
        return
    console = Console(width=150)
    console.print(machine())
    max_size = min(args.max_size, 10_000 if args.quick else args.max_size)
    repeat = 2 if args.quick else 5
    n_scen = args.scenarios or (100 if args.quick else 500)
    all_backends = ["highs", "pulp", "pyomo"]
    for b in all_backends:  # imports and first-use costs outside the timings
        get_backend(b).solve(formulate(random_instance(3, 3, 0)), OPTIONS)

    rows: list[dict] = []
    for period in ("2021-2025", "2026-2035"):
        inst = load("zhengzhou", period).instance
        rows += size_rows(f"zhengzhou {period}", inst, all_backends, 6 * repeat)
    for size, (S, D) in SIZES.items():
        if size > max_size or size >= 1_000_000:
            continue
        backends = all_backends if size <= MODELLING_MAX else ["highs"]
        rep = {100: 6 * repeat, 1_000: 3 * repeat, 10_000: repeat}.get(size, 1)
        rows += size_rows(f"synthetic {S}x{D}", random_instance(S, D, 0), backends, rep)
        console.print(f"  measured {size:,} variables")
    rows += scenario_rows(n_scen, 3 if args.quick else 7, all_backends)
    if max_size >= 1_000_000:
        console.print("  measuring 10^6 variables in a subprocess ...")
        rows.append(memory_row(1_000_000))
    show(console, rows)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        pd.DataFrame(rows).to_csv(args.out, index=False)
        console.print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
