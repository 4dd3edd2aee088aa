"""Drive a batch: expand inputs, send chunks to workers, write each result as it arrives.

Executors: in this process (`jobs=1`), a local process pool (`jobs>1`), or a Dask
distributed cluster (`scheduler="local"` starts a LocalCluster; otherwise an address such
as tcp://host:8786). At most two chunks per worker are in flight, so the driver's memory
does not grow with the number of scenarios. The workers must be able to import landalloc
and read the scenario and instance files (a shared file system on a cluster).
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import dataclasses
import multiprocessing
import os
import shutil
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from landalloc.atomic import check_target
from landalloc.batch.inputs import Chunk, chunks, count, expand
from landalloc.batch.store import Store
from landalloc.batch.worker import SCHEMAS, solve_chunk
from landalloc.errors import InputError
from landalloc.solver import SolverOptions

DEFAULT_CHUNK = {"files": 50, "rows": 500}
#: 2: tables with `period`, parameter columns in the summary, infeasible groups.
MANIFEST_VERSION = 2
#: Seconds to wait for a Dask scheduler before giving up with a message.
CONNECT_TIMEOUT = 5


@dataclass
class BatchReport:
    """What a batch did: counts by status, where the tables are, how fast it went."""

    out: Path
    total: int
    solved_now: int
    statuses: dict[str, int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0  # everything: reading inputs, starting workers, merging tables
    workers: int = 1
    solve_seconds: float = 0.0  # from the first chunk sent to the last chunk written

    @property
    def rate(self) -> float:
        return self.solved_now / self.seconds if self.seconds > 0 else 0.0


class BatchInterrupted(Exception):
    """Ctrl-C or SIGTERM: the workers are stopped, finished chunks are on disk."""

    def __init__(self, out: Path, done: int, total: int, why: str,
                 earlier: Path | None = None) -> None:
        kept = "" if earlier is None else f"; the batch it replaces is kept in {earlier}"
        super().__init__(f"{why}: {done:,} of {total:,} scenarios are saved in {out}; "
                         f"run `landalloc batch --out {out} --resume` to finish{kept}")
        self.out, self.done, self.total, self.why = out, done, total, why


class _Stop(BaseException):
    """Raised in the main thread by the SIGTERM handler."""


class _Signals:
    """SIGTERM raises _Stop in the main thread; inside `held()` it, and Ctrl-C, wait until
    the block is done and arrive as it ends, where the batch's own handling of an
    interruption takes them (never half-way through moving the earlier batch aside).
    Python-level, since a signal masked in one thread is still delivered through another."""

    holding = False
    pending: ClassVar[list[str]] = []

    @classmethod
    def on_sigterm(cls, signum, frame) -> None:
        if cls.holding:
            cls.pending.append("terminated (SIGTERM)")
            return
        raise _Stop("terminated (SIGTERM)")

    @classmethod
    @contextlib.contextmanager
    def held(cls):
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        before = signal.signal(signal.SIGINT,
                               lambda s, f: cls.pending.append("interrupted (Ctrl-C)"))
        cls.holding = True
        try:
            yield
        finally:
            cls.holding = False
            signal.signal(signal.SIGINT, before)
        if cls.pending:
            why = cls.pending[0]
            cls.pending.clear()
            if why.startswith("interrupted"):
                raise KeyboardInterrupt
            raise _Stop(why)


class _Inline:
    """Chunks solved in this process, one after another."""

    workers = 1

    def submit(self, chunk: Chunk, options: SolverOptions) -> cf.Future:
        f: cf.Future = cf.Future()
        try:
            f.set_result(solve_chunk(chunk, options))
        except BaseException as e:  # handled like a worker's failure
            f.set_exception(e)
        return f

    def wait(self, pending: set) -> tuple[set, set]:
        return set(pending), set()

    def close(self) -> None:
        pass

    def terminate(self) -> None:
        pass


def _die_with_parent() -> None:
    """A worker ends when its driver does (even on SIGKILL), and leaves Ctrl-C to it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def warm_up() -> int:
    """Run once in each worker before the first chunk: imports done, banner swallowed."""
    from landalloc.solver.highs import new_highs

    _die_with_parent()
    new_highs()
    return os.getpid()


class _Pool:
    """A local process pool; workers keep their caches between chunks.

    Started with "spawn": no fork of a process that runs threads (the progress bar), and
    the workers are this process's children (their CPU time and memory are accounted).
    """

    def __init__(self, jobs: int) -> None:
        self.workers = jobs
        self.pool = cf.ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"),
                                           initializer=warm_up)
        cf.wait([self.pool.submit(os.getpid) for _ in range(jobs)])

    def submit(self, chunk: Chunk, options: SolverOptions) -> cf.Future:
        return self.pool.submit(solve_chunk, chunk, options)

    def wait(self, pending: set) -> tuple[set, set]:
        done, rest = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
        return done, rest

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def terminate(self) -> None:
        """Stop the workers now: their chunks in flight are solved again by --resume."""
        procs = list((self.pool._processes or {}).values())
        for p in procs:
            with contextlib.suppress(Exception):
                p.terminate()
        self.pool.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            with contextlib.suppress(Exception):
                p.join(timeout=5)


class _Dask:
    """A Dask distributed client: an existing scheduler, or a LocalCluster started here."""

    def __init__(self, scheduler: str, jobs: int) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - dask[distributed] is a dependency
            raise InputError.one("--scheduler needs dask[distributed] installed") from None
        self.cluster = None
        if scheduler == "local":
            self.cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                        dashboard_address=None)
            self.client = Client(self.cluster)
        else:
            try:
                self.client = Client(scheduler, timeout=f"{CONNECT_TIMEOUT}s")
            except (OSError, TimeoutError) as e:
                raise InputError.one(f"cannot reach the Dask scheduler at {scheduler} within "
                                     f"{CONNECT_TIMEOUT} s ({type(e).__name__}); is it "
                                     "running?", file="--scheduler") from None
        threads = self.client.nthreads()
        self.workers = max(1, sum(threads.values()))
        self.client.run(warm_up)

    def submit(self, chunk: Chunk, options: SolverOptions):
        return self.client.submit(solve_chunk, chunk, options, pure=False)

    def wait(self, pending: set) -> tuple[set, set]:
        from distributed import wait

        res = wait(list(pending), return_when="FIRST_COMPLETED")
        return set(res.done), set(res.not_done)

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def terminate(self) -> None:
        with contextlib.suppress(Exception):
            self.client.cancel(list(self.client.futures.values()), force=True)


def _failed_chunk(chunk: Chunk, err: BaseException) -> dict:
    """A chunk whose worker died: every scenario in it gets an error row."""
    import pyarrow as pa

    n = len(chunk.items)
    cols: dict[str, list] = {f.name: [None] * n for f in SCHEMAS["summary"]}
    for k, item in enumerate(chunk.items):
        cols["id"][k] = item[0]
        if chunk.kind == "files":
            cols["scenario"][k] = Path(item[1]).stem
            cols["file"][k] = item[1]
        else:
            cols["scenario"][k], cols["file"][k], cols["row"][k] = item[2], chunk.source, item[1]
        cols["status"][k] = "error"
        cols["message"][k] = f"worker failed: {type(err).__name__}: {err}"
    return {"summary": pa.table(cols, schema=SCHEMAS["summary"]),
            **{name: SCHEMAS[name].empty_table() for name in ("allocation", "rules")}}


def _manifest(inputs: list[str], base: str | None, period: str | None,
              chunk_size: dict[str, int], options: SolverOptions) -> dict[str, Any]:
    from importlib import metadata

    sources = expand(inputs, base)
    versions = {}
    for pkg in ("landalloc", "highspy", "numpy", "pandas", "pyarrow", "pydantic", "dask"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    return {"version": MANIFEST_VERSION, "inputs": inputs, "base": base, "period": period,
            "chunk_size": chunk_size, "time_limit": options.time_limit,
            "solver_options": dataclasses.asdict(options),
            "versions": versions, "sources": sources, "total": count(sources)}


def run_batch(inputs: list[str], out: Path, *, jobs: int = 1, scheduler: str | None = None,
              resume: bool = False, overwrite: bool = False, base: str | None = None,
              period: str | None = None, chunk_size: int | None = None,
              options: SolverOptions | None = None,
              progress: Callable[[int, int], None] | None = None,
              start: Callable[[int, int], None] | None = None,
              diagnose: int = 40) -> BatchReport:
    """Solve every scenario of `inputs` into `out`; with `resume`, only what is missing.

    Up to `diagnose` infeasible scenarios are diagnosed to group them by the rules that
    conflict (`infeasible_groups.json`, and each one's summary message).
    `progress(done_now, total)` is called as chunks finish; `start(total, already_done)`
    once before the first chunk is sent.
    """
    started = time.perf_counter()
    store = Store(out)
    check_target(store.out, "batch", overwrite)  # a file, or another kind of run
    store.lock()
    try:
        return _run(store, started, inputs, jobs, scheduler, resume, overwrite, base, period,
                    chunk_size, options, progress, start, diagnose)
    finally:
        store.unlock()


def _changed_inputs(store: Store, manifest: dict[str, Any]) -> list[str]:
    recorded = manifest.get("sha256")
    if recorded is None:
        return []
    now = store.input_hashes(manifest["sources"])
    return [p for p, h in now.items() if recorded.get(p) != h]


def _resumed_manifest(store: Store, inputs: list[str], base: str | None,
                      period: str | None, opts: SolverOptions
                      ) -> tuple[dict, SolverOptions]:
    """The manifest of the batch being finished, and its solver settings; refused when it
    was written by another version or its inputs have changed since."""
    manifest = store.read_manifest()
    if manifest["version"] != MANIFEST_VERSION:
        raise InputError.one(f"this batch was written by another version of landalloc "
                             f"(manifest version {manifest['version']}, now "
                             f"{MANIFEST_VERSION}); --overwrite to start again",
                             file=str(store.out / "manifest.json"))
    if inputs:
        again = _manifest(inputs, base, period, manifest["chunk_size"], opts)
        if again["sources"] != manifest["sources"]:
            raise InputError.one("these inputs differ from the batch being resumed "
                                 "(run without inputs to finish it, or use --overwrite)",
                                 file=str(store.out / "manifest.json"))
    changed = _changed_inputs(store, manifest)
    if changed:
        shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more"
                                          if len(changed) > 5 else "")
        raise InputError.one(f"inputs changed since this batch started ({shown}); its "
                             "results would mix old and new: --overwrite to start again",
                             file=str(store.out / "manifest.json"))
    # every solver setting of the run being finished, not only its time limit
    saved = manifest.get("solver_options") or {"time_limit": manifest.get("time_limit")}
    store.clean_partial()
    return manifest, SolverOptions(**{**saved, "threads": 1})


def _fresh_manifest(store: Store, inputs: list[str], base: str | None, period: str | None,
                    sizes: dict, opts: SolverOptions, overwrite: bool) -> dict:
    """The manifest of a new batch (not written yet): its sources, chunking and hashes."""
    if store.exists() and not overwrite:
        raise InputError.one("this folder holds an earlier batch: --resume to finish it, "
                             "or --overwrite to start again", file=str(store.out))
    if not inputs:
        raise InputError.one("give scenario files, folders, globs or override tables")
    manifest = _manifest(inputs, base, period, sizes, opts)
    manifest["sha256"] = store.input_hashes(manifest["sources"])
    return manifest


def _run(store: Store, started: float, inputs: list[str], jobs: int, scheduler: str | None,
         resume: bool, overwrite: bool, base: str | None, period: str | None,
         chunk_size: int | None, options: SolverOptions | None,
         progress: Callable[[int, int], None] | None,
         start: Callable[[int, int], None] | None, diagnose: int) -> BatchReport:
    """The batch itself, once the folder is held. Nothing is written before the inputs are
    read and the workers have started, so a run that never starts leaves no manifest."""
    opts = options or SolverOptions()
    opts = SolverOptions(time_limit=opts.time_limit, threads=1,
                         primal_tolerance=opts.primal_tolerance,
                         dual_tolerance=opts.dual_tolerance)
    sizes = ({"files": chunk_size, "rows": chunk_size} if chunk_size
             else dict(DEFAULT_CHUNK))
    fresh = not (store.exists() and resume)
    if fresh:
        manifest = _fresh_manifest(store, inputs, base, period, sizes, opts, overwrite)
        total = manifest["total"]
        todo = np.ones(total, dtype=bool)
    else:
        manifest, opts = _resumed_manifest(store, inputs, base, period, opts)
        total = manifest["total"]
        todo = ~store.done(total)
    executor = _executor(scheduler, jobs)
    solved = 0
    pending: dict[Any, Chunk] = {}
    restore = None
    earlier = None  # what --overwrite replaces: kept aside until the new batch is complete
    if threading.current_thread() is threading.main_thread():
        restore = signal.signal(signal.SIGTERM, _Signals.on_sigterm)
    already = int(total - todo.sum())
    try:
        limit = 2 * executor.workers

        def collect(done: set) -> None:
            nonlocal solved
            for f in done:
                chunk = pending.pop(f)
                try:
                    tables = f.result()
                except Exception as err:  # a worker that died: its scenarios become rows
                    tables = _failed_chunk(chunk, err)
                store.write_chunk(chunk.first, chunk.last, tables)
                solved += len(chunk)
                if progress is not None:
                    progress(len(chunk), total)

        try:
            if fresh:  # the earlier batch moves aside whole, and the manifest is whole
                with _Signals.held():
                    earlier = store.set_aside()
                    store.out.mkdir(parents=True, exist_ok=True)
                    store.write_manifest(manifest)
            store.mark(complete=False)
            if start is not None:
                start(total, already)
            loop_start = time.perf_counter()
            for chunk in chunks(manifest["sources"], todo, manifest["chunk_size"],
                                manifest["period"]):
                while len(pending) >= limit:
                    done, _ = executor.wait(set(pending))
                    collect(done)
                pending[executor.submit(chunk, opts)] = chunk
            while pending:
                done, _ = executor.wait(set(pending))
                collect(done)
        except (KeyboardInterrupt, _Stop) as stop:
            why = "interrupted (Ctrl-C)" if isinstance(stop, KeyboardInterrupt) else str(stop)
            with contextlib.suppress(BaseException):  # keep what is finished
                collect({f for f in pending if f.done()})
            executor.terminate()
            raise BatchInterrupted(store.out, already + solved, total, why, earlier) from None
        loop_seconds = time.perf_counter() - loop_start
    finally:
        if restore is not None:
            signal.signal(signal.SIGTERM, restore)
        executor.close()
    rows = store.finalize(total)
    from landalloc.batch.groups import group_infeasible

    group_infeasible(store.out, manifest.get("base"), manifest["period"], diagnose)
    store.small_copies(rows)
    store.mark(complete=True)
    if earlier is not None:
        shutil.rmtree(earlier, ignore_errors=True)
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    status = pq.read_table(store.out / "summary.parquet", columns=["status"]).column("status")
    statuses = {str(v["values"]): int(v["counts"])
                for v in pc.value_counts(status).to_pylist()}
    return BatchReport(store.out, total, solved, statuses, rows,
                       time.perf_counter() - started, executor.workers, loop_seconds)


def _executor(scheduler: str | None, jobs: int) -> Any:
    if scheduler:
        return _Dask(scheduler, max(jobs, 1))
    if jobs > 1:
        return _Pool(jobs)
    return _Inline()


def cpu_count() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1
