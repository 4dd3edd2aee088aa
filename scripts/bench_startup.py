"""How long `landalloc` takes to start: wall time of each command, median of N runs.

    python scripts/bench_startup.py [-n 7] [--landalloc .venv/bin/landalloc] [--phases]
                                    [--against OTHER/.venv/bin/landalloc]

Prints a table (command; median, best and worst wall seconds; median CPU seconds, user +
system, which a busy machine inflates less; target) and which of the heavy libraries
(HEAVY) each command imports (loaded lazily: only where used), beside the floor
(`python -c pass`) and `import typer`, and the load average before and after. Not a timed
test: the figures depend on the machine; the README quotes one run.

`--phases` adds where the time of `landalloc solve` goes: each library imported in turn,
then each step of the default solve, in n fresh interpreters (best and median of each).

Every command of every install, and LIBRARIES, take turns in each of the n rounds, so that a
noisy minute weighs on all alike. LIBRARIES is a bare interpreter importing only the
libraries the default solve needs and using pydantic once, as typer and the plan's models
do, started and ended as landalloc is. The median of the paired differences between it and
`solve` is landalloc's own part of a solve; the libraries' part is the floor no change to
landalloc can go below.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

STARTED = time.monotonic()  # --phases: when this interpreter had read this script's imports
ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("numpy", "pandas", "scipy", "pyarrow", "pydantic", "matplotlib", "highspy", "rich")
COMMANDS = [
    (["--help"], 0.2),
    (["solve", "--help"], 0.2),
    (["solve"], 0.4),
    (["solve", "--json"], 0.4),
]

#: What the default `landalloc solve` cannot start without, started as landalloc starts it
#: (landalloc/cli/process.py: one BLAS thread, the collector's threshold): numpy, highspy,
#: typer (with the module it coerces options by), rich's console, table and text, PyYAML, and
#: pydantic's first model and TypeAdapter (typer 0.29 coerces options through them; the plan
#: is validated by models). It ends as landalloc's entry point does (`landalloc.cli.app.end`:
#: collector frozen, exit handlers, streams flushed, no teardown), so that the difference is
#: landalloc's own work.
LIBRARIES = """import gc, os
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
gc.set_threshold(100_000, *gc.get_threshold()[1:])
import numpy, highspy, typer, typer._adapters, yaml, rich.console, rich.table, rich.text
from pydantic import BaseModel, TypeAdapter
TypeAdapter(str)
class M(BaseModel):
    a: int
import atexit, sys
gc.freeze()
atexit._run_exitfuncs()
sys.stdout.flush()
os._exit(0)
"""


def time_runs(cmds: list[list[str]], n: int) -> list[tuple[list[float], list[float]]]:
    """Wall and CPU seconds (user + system of the child) of n runs of each command, the
    commands taking turns so that a busy machine weighs on all alike. Each round is in its
    own shuffled order (fixed seeds): a command run twice in a row starts faster the second
    time, so alternating forward and backward favoured the first and the last."""
    out: list[tuple[list[float], list[float]]] = [([], []) for _ in cmds]
    env = {**os.environ, "COLUMNS": "120"}
    for i in range(n):
        order = list(range(len(cmds)))
        random.Random(i).shuffle(order)
        for k in order:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run(cmds[k], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           env=env, check=False)
            out[k][0].append(time.perf_counter() - t)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            out[k][1].append(after.ru_utime - before.ru_utime + after.ru_stime
                             - before.ru_stime)
    return out


#: (label, statement) run in order in one interpreter: imports, then the default solve.
PHASES = [
    ("import landalloc.cli.app (typer)", "import landalloc.cli.app"),
    ("import numpy", "import numpy"),
    ("import pydantic", "import pydantic"),
    ("import plan.model (models)", "import landalloc.plan.model"),
    ("import plan.loading (PyYAML)", "import landalloc.plan.loading"),
    ("import highspy", "import highspy"),
    ("import landalloc.api (rest)", "import landalloc.api"),
    ("import rich + present.screen", "import landalloc.present.screen"),
    ("load: read + validate YAML", "from landalloc.problem.build import load_problem\n"
                                   "p = load_problem()"),
    ("solve: 2 stages + analysis", "from landalloc.api import solve_problem\n"
                                   "r = solve_problem(p)"),
    ("screen (print_result)", "import io\nfrom rich.console import Console\n"
                              "from landalloc.present.screen import print_result\n"
                              "print_result(r, Console(file=io.StringIO(), width=120))"),
    ("--json document", "import json\njson.dumps(r.to_dict(), ensure_ascii=False, indent=2, "
                        "default=str)"),
]


def _phases_child() -> None:
    """One interpreter: each phase's wall seconds and the clock at its end, as JSON on
    stdout; then it ends as landalloc's entry point ends."""
    out, scope = [], {}
    for _, code in PHASES:
        t = time.perf_counter()
        exec(code, scope)  # our own fixed statements
        out.append(time.perf_counter() - t)
    print(json.dumps({"phases": out, "started": STARTED, "ended": time.monotonic()}))
    from landalloc.cli.app import end

    end(0)


def phases(python: str, n: int) -> None:
    runs = []
    for _ in range(n):
        t = time.monotonic()
        res = subprocess.run([python, __file__, "--phases-child"], capture_output=True,
                             text=True, check=True)
        end = time.monotonic()
        doc = json.loads(res.stdout)
        runs.append({"phases": doc["phases"], "start": doc["started"] - t,
                     "exit": end - doc["ended"], "total": end - t})
    print(f"\n{'landalloc solve, phase':<32} {'best':>7} {'median':>7}")

    def line(label: str, col: list[float]) -> None:
        print(f"{label:<32} {min(col):7.3f} {statistics.median(col):7.3f}")

    line("interpreter start (+ stdlib)", [r["start"] for r in runs])
    for j, (label, _) in enumerate(PHASES):
        line(label, [r["phases"][j] for r in runs])
    line("exit (landalloc.cli.app.end)", [r["exit"] for r in runs])
    line("all imports above", [sum(t for (lab, _), t in zip(PHASES, r["phases"], strict=True)
                                   if lab.startswith("import")) for r in runs])
    line("whole process", [r["total"] for r in runs])


def heavy_imports(python: str, args: list[str]) -> list[str]:
    code = ("import sys\nfrom landalloc.cli.app import run\n"
            f"sys.argv=['landalloc', *{args!r}]\n"
            "import io, contextlib\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n    run(sys.argv[1:])\n"
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    # -I: the landalloc installed beside python, never one in the current folder
    res = subprocess.run([python, "-I", "-c", code], capture_output=True, text=True,
                         check=False)
    return [m for m in res.stdout.strip().splitlines()[-1:][0].split(",") if m] if \
        res.stdout.strip() else []


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=7)
    ap.add_argument("--phases", action="store_true", help="also: where solve's time goes")
    ap.add_argument("--phases-child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--landalloc", default=shutil.which("landalloc")
                    or str(ROOT / ".venv" / "bin" / "landalloc"))
    ap.add_argument("--against", metavar="LANDALLOC",
                    help="another install's landalloc (e.g. of an earlier commit), timed in "
                         "turns with the first: a before/after on a shared machine")
    args = ap.parse_args()
    if args.phases_child:
        _phases_child()
        return 0
    exes = [args.landalloc, *([args.against] if args.against else [])]
    pythons = [str(Path(e).with_name("python")) for e in exes]
    load_before = os.getloadavg()
    # every command of every install, and the bare libraries, take turns in each round, so
    # that a noisy minute on a shared machine weighs on all of them alike
    entries = []  # (install index or None, label, argv, target, args for heavy_imports)
    for k, (exe, py) in enumerate(zip(exes, pythons, strict=True)):
        entries += [(k, "python -c pass (floor)", [py, "-c", "pass"], 0.0, None),
                    (k, "python -c 'import typer'", [py, "-c", "import typer"], 0.0, None)]
        entries += [(k, " ".join(["landalloc", *cmd]), [exe, *cmd], target, cmd)
                    for cmd, target in COMMANDS]
    entries.append((None, "libraries alone (LIBRARIES)", [pythons[0], "-c", LIBRARIES], 0.0,
                    None))
    timed = time_runs([e[2] for e in entries], args.n)
    for k, exe in enumerate(exes):
        print(f"{exe}\n{'command':<26} {'median':>8} {'best':>8} {'worst':>8} {'cpu med':>8} "
              f"{'target':>7}  heavy modules imported")
        for (who, name, _, target, cmd), (times, cpu) in zip(entries, timed, strict=True):
            if who != k:
                continue
            heavy = heavy_imports(pythons[k], cmd) if cmd is not None else []
            med = statistics.median(times)
            flag = "" if not target or med <= target else "  (over)"
            print(f"{name:<26} {med:8.3f} {min(times):8.3f} {max(times):8.3f} "
                  f"{statistics.median(cpu):8.3f} {(f'{target:.2f}' if target else '—'):>7}  "
                  f"{', '.join(heavy) or '—'}{flag}")
    load = ", ".join(f"{a:.2f} → {b:.2f}" for a, b in zip(load_before, os.getloadavg(),
                                                          strict=True))
    print(f"({args.n} runs each{', taking turns' if args.against else ''}; python "
          f"{sys.version.split()[0]}; {os.cpu_count()} cores; load average 1/5/15 min "
          f"before → after: {load})")
    solve = next(i for i, e in enumerate(entries) if e[0] == 0 and e[3] and e[4] == ["solve"])
    own_share(timed[-1], timed[solve])
    if args.phases:
        phases(pythons[0], args.n)
    return 0


def own_share(libraries: tuple[list[float], list[float]],
              solve: tuple[list[float], list[float]]) -> None:
    """`solve` beside the bare LIBRARIES of the same rounds: what is landalloc's, what the
    libraries'."""
    (lib_t, lib_c), (sol_t, sol_c) = libraries, solve
    print(f"\n{'solve against its libraries':<40} {'median':>8} {'best':>8} {'cpu med':>8}")
    for label, t, c in (("libraries alone (LIBRARIES)", lib_t, lib_c),
                        ("landalloc solve", sol_t, sol_c),
                        ("landalloc's own (paired difference)",
                         [b - a for a, b in zip(lib_t, sol_t, strict=True)],
                         [b - a for a, b in zip(lib_c, sol_c, strict=True)])):
        print(f"{label:<40} {statistics.median(t):8.3f} {min(t):8.3f} "
              f"{statistics.median(c):8.3f}")


if __name__ == "__main__":
    sys.exit(main())
