"""Batch throughput: scenarios per second from an override table and from YAML files,
with 1 and 2 workers, on the local pool and on Dask (LocalCluster), and peak memory.

    python scripts/bench_batch.py                        # 10,000 and 100,000 scenarios
    python scripts/bench_batch.py --sizes 2000 --kinds table

Each configuration runs in its own process, so peak memory (ru_maxrss) is its own.
`solve/s` counts from the first chunk sent to the last chunk written (worker start-up and
the final merge excluded; `total s` has everything). `per CPU-s` divides the scenarios by
the CPU seconds of the driver and all workers for the whole run (start-up and merge
included): the per-core rate when other work shares the cores. Targets: >= 1,000/s per core from a
table, >= 200/s per core from YAML files, >= 1.8x from 1 to 2 workers, memory flat from
10,000 to 100,000. On a machine shared with other work, compare ratios within one run.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: Small scenarios: three bounds of the Zhengzhou 2021-2025 instance.
PARAMS = [
    "districts.airport.cap=uniform(1000,1500)",
    "districts.etdz.cap=uniform(800,1100)",
    "sectors.electronics.quota.min=uniform(1800,2100)",
]


def generate(kind: str, n: int, folder: Path) -> Path:
    from landalloc.plan.generate import sample, write_set

    paths, values = sample(PARAMS, n, seed=1, decimals=1)
    target = folder / (f"table-{n}.parquet" if kind == "table" else f"yaml-{n}")
    if not target.exists():
        write_set(target, "zhengzhou", None, "b", paths, values, "bench")
    return target


def one(kind: str, source: str, executor: str, workers: int, out: str) -> dict:
    """Run one configuration in this process; report rates and peak memory."""
    from landalloc.batch import run_batch

    def cpu() -> float:
        return sum(getattr(resource.getrusage(who), f) for f in ("ru_utime", "ru_stime")
                   for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))

    c0, t0 = cpu(), time.perf_counter()
    report = run_batch([source], Path(out), jobs=workers, overwrite=True,
                       scheduler="local" if executor == "dask" else None)
    total = time.perf_counter() - t0
    cpu_s = cpu() - c0
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"kind": kind, "n": report.total, "executor": executor, "workers": workers,
            "solve_s": report.solve_seconds, "total_s": total, "cpu_s": cpu_s,
            "rate": report.total / report.solve_seconds,
            "statuses": report.statuses, "driver_mb": self_kb / 1024,
            "worker_mb": child_kb / 1024}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--kinds", default="table,yaml")
    ap.add_argument("--executors", default="local,dask")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--dir", default=None, help="Keep inputs and results here")
    ap.add_argument("--json", default=None, help="Also write the rows as JSON here")
    ap.add_argument("--one", nargs=5, metavar=("KIND", "SOURCE", "EXECUTOR", "WORKERS", "OUT"),
                    help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        kind, source, executor, workers, out = args.one
        print(json.dumps(one(kind, source, executor, int(workers), out)))
        return

    folder = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="bench-batch-"))
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    header = (f"{'input':<6} {'scenarios':>9} {'executor':<6} {'workers':>7} {'solve/s':>8} "
              f"{'per core':>8} {'per CPU-s':>9} {'solve s':>8} {'total s':>8} "
              f"{'driver MB':>9} {'worker MB':>9}")
    print(header, flush=True)
    for kind in args.kinds.split(","):
        for n in (int(s) for s in args.sizes.split(",")):
            source = generate(kind, n, folder)
            for executor in args.executors.split(","):
                for w in (int(x) for x in args.workers.split(",")):
                    out = folder / f"out-{kind}-{n}-{executor}-{w}"
                    done = subprocess.run(
                        [sys.executable, __file__, "--one", kind, str(source), executor,
                         str(w), str(out)], capture_output=True, text=True)
                    if done.returncode != 0:
                        print(f"{kind} {n} {executor} {w}: failed\n{done.stderr[-2000:]}",
                              flush=True)
                        continue
                    r = json.loads(done.stdout.strip().splitlines()[-1])
                    rows.append(r)
                    print(f"{kind:<6} {n:>9,} {executor:<6} {w:>7} {r['rate']:>8,.0f} "
                          f"{r['rate'] / w:>8,.0f} {r['n'] / r['cpu_s']:>9,.0f} "
                          f"{r['solve_s']:>8.1f} {r['total_s']:>8.1f} "
                          f"{r['driver_mb']:>9.0f} {r['worker_mb']:>9.0f}", flush=True)
                    shutil.rmtree(out, ignore_errors=True)
    print("\nspeed-up from 1 to 2 workers (solve/s ratio):")
    for r2 in rows:
        if r2["workers"] != 2:
            continue
        r1 = next((r for r in rows if r["workers"] == 1 and r["kind"] == r2["kind"]
                   and r["n"] == r2["n"] and r["executor"] == r2["executor"]), None)
        if r1:
            print(f"  {r2['kind']:<6} {r2['n']:>9,} {r2['executor']:<6} "
                  f"{r2['rate'] / r1['rate']:.2f}x")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    if not args.dir:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
