"""Reports built in the background: in a child process, one at a time, shared by every tab
that asks for the same state, cancellable.

A report (HTML, Excel, PDF, charts) takes seconds of Python and matplotlib; built in the
server's own process it would hold the interpreter and slow every solve. A child process
(a fresh interpreter, so it shares no thread or lock of the server) builds all formats of one state
once; the server only waits on it, and the answer is kept for the next tab that asks.
"""

from __future__ import annotations

import collections
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from landalloc.errors import InputError

FORMATS = ("html", "xlsx", "pdf")
MAX_QUEUED = 8  # reports waiting for the builder; more are refused
KEEP_DONE = 8  # finished reports kept for tabs that ask again


def build_report_files(path: str, period: str | None, sets: list[str], time_limit: float,
                       out: str) -> None:
    """In the child: solve the state as the CLI does, write report.{html,xlsx,pdf} to out."""
    from landalloc.api import plan_objective, solve_problem
    from landalloc.present.report import write_report
    from landalloc.problem.build import load_problem
    from landalloc.solver import SolverOptions

    problem = load_problem(path, period, sets, None, SolverOptions(time_limit=time_limit))
    result = solve_problem(problem)
    if not result.optimal:
        raise InputError.one(f"no report of a {result.status} state: apply a repair first")
    files = write_report(result, Path(out) / "rep", plan_objective=plan_objective(result))
    for f in files:
        if f.name in {f"report.{x}" for x in FORMATS}:
            shutil.copy(f, Path(out) / f.name)
    (Path(out) / "name.txt").write_text(
        f"landalloc-{result.instance.name}-{result.instance.period}", encoding="utf-8")


BUILDER = "landalloc.serve.reports:build_report_files"


def child_main(argv: list[str]) -> int:
    """The child process: `python -m landalloc.serve.reports JSON`, JSON holding the
    builder ("module:function"), its arguments and the output folder. A plain module run,
    so nothing of the server (its threads, its __main__) comes along."""
    import importlib
    import json

    job = json.loads(argv[0])
    out = Path(job["out"])
    if hasattr(os, "nice"):
        os.nice(10)  # the server's solves come first when cores are short
    try:
        module, _, name = job["builder"].partition(":")
        getattr(importlib.import_module(module), name)(*job["args"], str(out))
    except InputError as e:
        (out / "error.txt").write_text(str(e), encoding="utf-8")
    except Exception as e:  # a message for the page, never a traceback
        (out / "error.txt").write_text(f"the report could not be built: {type(e).__name__}",
                                       encoding="utf-8")
    return 0


@dataclass
class ReportJob:
    """One state's report: queued, running, done, failed or cancelled."""

    id: str
    key: tuple
    args: tuple
    state: str = "queued"
    error: str | None = None
    name: str = "landalloc-report"
    files: dict[str, bytes] = field(default_factory=dict)
    created: float = field(default_factory=time.monotonic)
    started: float | None = None
    finished: float | None = None
    process: Any = None
    event: threading.Event = field(default_factory=threading.Event)

    def status(self) -> dict[str, Any]:
        end = self.finished or time.monotonic()
        return {"job": self.id, "state": self.state, "error": self.error,
                "seconds": round(end - (self.started or self.created), 1),
                "formats": sorted(self.files)}


class UnknownReport(LookupError):
    """No report of that id (never asked for, or dropped)."""


class Reports:
    """The queue of report builds and the finished ones; `builder` ("module:function") is
    what the child runs."""

    def __init__(self, builder: str = BUILDER) -> None:
        self.builder = builder
        self._jobs: dict[str, ReportJob] = {}
        self._by_key: dict[tuple, ReportJob] = {}
        self._queue: collections.deque[ReportJob] = collections.deque()
        self._done: collections.deque[str] = collections.deque()
        self._lock = threading.Condition()
        self._runner: threading.Thread | None = None
        self._closed = False

    def request(self, key: tuple, args: tuple) -> ReportJob:
        """The job of this state: the one already asked for (by any tab), or a new one."""
        with self._lock:
            job = self._by_key.get(key)
            if job is not None and job.state not in ("failed", "cancelled"):
                return job
            if len(self._queue) >= MAX_QUEUED:
                raise InputError.one(f"{MAX_QUEUED} reports are waiting to be built: try "
                                     "again when one is done", file="report")
            job = ReportJob(secrets.token_urlsafe(18), key, args)
            self._jobs[job.id] = job
            self._by_key[key] = job
            self._queue.append(job)
            if self._runner is None:
                self._runner = threading.Thread(target=self._run, name="landalloc-reports",
                                                daemon=True)
                self._runner.start()
            self._lock.notify_all()
            return job

    def get(self, job_id: str) -> ReportJob:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                raise UnknownReport(job_id)
            return job

    def cancel(self, job_id: str) -> ReportJob:
        """Stop a report: dropped from the queue, or its child process ended."""
        with self._lock:
            job = self.get(job_id)
            if job.state == "queued":
                self._queue.remove(job)
                self._finish(job, "cancelled")
            elif job.state == "running":
                job.state = "cancelled"
                if job.process is not None:
                    job.process.terminate()
            return job

    def close(self) -> None:
        """End every build (the server stops)."""
        with self._lock:
            self._closed = True
            for job in list(self._queue):
                self._finish(job, "cancelled")
            self._queue.clear()
            for job in self._jobs.values():
                if job.state == "running" and job.process is not None:
                    job.state = "cancelled"
                    job.process.terminate()
            self._lock.notify_all()

    def _finish(self, job: ReportJob, state: str, error: str | None = None) -> None:
        job.state, job.error, job.finished = state, error, time.monotonic()
        if self._by_key.get(job.key) is job and state != "done":
            del self._by_key[job.key]
        self._done.append(job.id)
        while len(self._done) > KEEP_DONE:
            old = self._jobs.pop(self._done.popleft(), None)
            if old is not None and self._by_key.get(old.key) is old:
                del self._by_key[old.key]
        job.event.set()

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._queue and not self._closed:
                    self._lock.wait()
                if self._closed:
                    return
                job = self._queue.popleft()
                job.state, job.started = "running", time.monotonic()
                out = tempfile.mkdtemp(prefix="landalloc-report-")
                spec = json.dumps({"builder": self.builder, "args": list(job.args),
                                   "out": out})
                try:
                    job.process = subprocess.Popen(
                        [sys.executable, "-m", "landalloc.serve.reports", spec],
                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL)
                except OSError as e:
                    shutil.rmtree(out, ignore_errors=True)
                    self._finish(job, "failed", f"the report could not be started: {e}")
                    continue
            job.process.wait()
            files = {x: (Path(out) / f"report.{x}").read_bytes() for x in FORMATS
                     if (Path(out) / f"report.{x}").is_file()}
            error_file, name_file = Path(out) / "error.txt", Path(out) / "name.txt"
            error = error_file.read_text(encoding="utf-8") if error_file.is_file() else None
            name = name_file.read_text(encoding="utf-8") if name_file.is_file() else job.name
            shutil.rmtree(out, ignore_errors=True)
            with self._lock:
                job.process = None
                if job.state == "cancelled":
                    self._finish(job, "cancelled")
                elif error or not files:
                    self._finish(job, "failed", error or "the report could not be built")
                else:
                    job.files, job.name = files, name
                    self._finish(job, "done")


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
