"""What the server keeps: the inputs a browser may name, and one warm model per session.

A session is one browser tab (its id travels in the `X-Landalloc-Session` header, kept in
the tab's sessionStorage, so two tabs never share changes). It holds the base scenario, its
`PathMaps` and a `LiveLP`: each change is validated by `load` (the CLI's own code, with a
parse cache so no file is read twice), and, where the changed paths have entry maps, only
the moved bounds, costs and coefficients are pushed to the live HiGHS model, which
re-solves warm from its last basis. A path without a map (an allowed cell, a rule added)
rebuilds the live model from the validated scenario.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from landalloc.api import solve_problem
from landalloc.errors import InputError
from landalloc.plan.loading import load
from landalloc.plan.locate import instances_root
from landalloc.plan.overrides import parse_set
from landalloc.problem.build import Problem, build, load_problem
from landalloc.problem.entry_maps import PathMaps
from landalloc.results.result import Result, label
from landalloc.solver import SolverOptions
from landalloc.solver.base import tolerance_of
from landalloc.solver.live import LiveLP
from landalloc.solver.sensitivity import analyse_session

MAX_SETS = 400
MAX_SET_CHARS = 300
#: A warm Zhengzhou session holds about 1 MB (measured: RSS over 60 sessions, each after a
#: solve); 256 sessions stay near 256 MB, and are 256 open tabs.
MAX_SESSIONS = 256
#: A session nobody used for this long is dropped (its page restores it from its own state).
IDLE_SECONDS = 60 * 60
#: At the cap, the least recently used session goes only if idle at least this long: a tab
#: in use is never evicted; the new tab is refused instead (503, try again later).
EVICTABLE_SECONDS = 5 * 60
MAX_SCENARIO_BYTES = 256 * 1024
MAX_UPLOADS = 500
MAX_UPLOAD_BYTES = 64 << 20
MAX_UPLOADS_PER_SESSION = 50


class Inputs:
    """The files a request may name: bundled instances and their scenarios, the PATH the
    server was started with, and scenarios the user uploaded (by the name given)."""

    def __init__(self, start: str | None) -> None:
        self.root = instances_root().resolve()
        self.start = start
        self.upload_dir = Path(tempfile.mkdtemp(prefix="landalloc-serve-"))
        self.uploads: dict[str, Path] = {}
        self._reserved: set[str] = set()
        self._owners: dict[str, int] = {}
        self._count = 0
        self._bytes = 0
        self._lock = threading.Lock()

    def bundled(self) -> list[str]:
        out = []
        for d in sorted(self.root.iterdir()):
            if (d / "instance.yaml").is_file():
                out.append(d.name)
                sc = d / "scenarios"
                if sc.is_dir():
                    out += [f"{d.name}/scenarios/{f.name}" for f in sorted(sc.glob("*.yaml"))]
        return out

    def choices(self) -> list[str]:
        names = self.bundled()
        if self.start is not None and self.start not in names:
            names.insert(0, self.start)
        return names + sorted(self.uploads)

    def resolve(self, ref: str | None) -> str:
        """The ref to load, or InputError when the browser names anything else."""
        if ref is None or ref == "":
            return self.start or "zhengzhou"
        if not isinstance(ref, str) or len(ref) > 300:
            raise InputError.one("path: not a known instance or scenario", file="path")
        if ref == self.start:
            return ref
        if ref in self.uploads:
            return str(self.uploads[ref])
        if ref in self.bundled():
            return ref if "/" not in ref else str(self.root / ref)
        raise InputError.one(
            f"'{ref[:80]}' is not one of the instances or scenarios this server offers "
            f"(bundled instances, their scenarios, the PATH it was started with, uploaded "
            f"scenarios)", file="path")

    def _start_absolute(self, text: str) -> str:
        """An upload that extends the server's PATH given relative to where the server runs
        (`extends: plans/mine`) is kept in a temporary folder: its `extends:` line then
        names that PATH absolutely, on the same line (messages keep their line numbers)."""
        import json
        import re

        from landalloc.plan.locate import resolve_input

        start = self.start
        if start is None or Path(start).is_absolute() or (self.root / start).is_dir():
            return text
        line = re.compile(r"^extends[ \t]*:[ \t]*(['\"]?)(.*?)\1[ \t]*(#.*)?$", re.MULTILINE)
        m = line.search(text)
        if m is None or m.group(2) != start:
            return text
        absolute = json.dumps(str(resolve_input(start).resolve()), ensure_ascii=False)
        return text[:m.start()] + f"extends: {absolute}" + text[m.end():]

    def add_upload(self, name: str, text: str, owner: str | None = None) -> str:
        """Keep an uploaded scenario (checked by the loader before it is listed) under a
        name no other upload has, even when two of the same name arrive at once. `owner`
        (the uploading tab's session) may keep MAX_UPLOADS_PER_SESSION; the server keeps
        at most MAX_UPLOADS, MAX_UPLOAD_BYTES in all."""
        from landalloc.plan.locate import resolve_input
        from landalloc.plan.yamlio import read_yaml

        size = len(text.encode("utf-8"))
        if size > MAX_SCENARIO_BYTES:
            raise InputError.one(f"a scenario may be at most {MAX_SCENARIO_BYTES // 1024} KB",
                                 file="upload")
        stem = "".join(ch for ch in Path(name).stem if ch.isalnum() or ch in "-_")[:60]
        stem = stem or "scenario"
        text = self._start_absolute(text)
        with self._lock:
            if len(self.uploads) + len(self._reserved) >= MAX_UPLOADS or \
                    self._bytes + size > MAX_UPLOAD_BYTES:
                raise InputError.one(f"this server keeps at most {MAX_UPLOADS} uploaded "
                                     f"scenarios ({MAX_UPLOAD_BYTES >> 20} MB): restart it "
                                     "to start afresh", file="upload")
            if owner is not None and self._owners.get(owner, 0) >= MAX_UPLOADS_PER_SESSION:
                raise InputError.one(f"a tab may upload at most {MAX_UPLOADS_PER_SESSION} "
                                     "scenarios", file="upload")
            key, k = f"uploaded/{stem}.yaml", 2
            while key in self.uploads or key in self._reserved:
                key, k = f"uploaded/{stem}-{k}.yaml", k + 1
            self._reserved.add(key)
            self._count += 1
            path = self.upload_dir / f"{self._count}-{stem}.yaml"
        try:
            path.write_text(text, encoding="utf-8")
            data = read_yaml(path, {})
            ext = data.get("extends") if isinstance(data, dict) else None
            allowed = [b for b in self.bundled() if "/" not in b]
            if self.start is not None:
                allowed += [self.start, str(resolve_input(self.start).resolve())]
            if ext is not None and ext not in allowed:
                raise InputError.one(
                    f"an uploaded scenario may extend only a bundled instance "
                    f"({', '.join(b for b in self.bundled() if '/' not in b)}) or the "
                    f"server's PATH", file=name, key="extends")
            load(path)  # every problem of the file, as the CLI reports them
        except InputError as e:
            path.unlink(missing_ok=True)
            with self._lock:
                self._reserved.discard(key)
            raise InputError([type(p)(p.message, name if p.file == str(path) else p.file,
                                      p.key, p.line) for p in e.problems]) from None
        except BaseException:
            path.unlink(missing_ok=True)
            with self._lock:
                self._reserved.discard(key)
            raise
        with self._lock:
            self._reserved.discard(key)
            self.uploads[key] = path
            self._bytes += size
            if owner is not None:
                self._owners[owner] = self._owners.get(owner, 0) + 1
        return key

    def public_names(self) -> list[tuple[str, str]]:
        """(server path, name shown) for every file a message may name, longest first."""
        from landalloc.plan.locate import instances_root

        with self._lock:
            pairs = [(str(p), key) for key, p in self.uploads.items()]
        pairs.append((str(self.upload_dir) + "/", "uploaded/"))
        for root in {str(self.root), str(instances_root())}:
            pairs.append((root + "/", ""))
        return sorted(pairs, key=lambda x: -len(x[0]))

    def close(self) -> None:
        """Remove the uploads' folder (the server stops)."""
        shutil.rmtree(self.upload_dir, ignore_errors=True)


def check_sets(sets: list[str] | None) -> list[str]:
    """The `--set` strings of a request: bounded in number and length, each parsed."""
    sets = list(sets or [])
    if len(sets) > MAX_SETS:
        raise InputError.one(f"at most {MAX_SETS} changes per request", file="--set")
    for s in sets:
        if not isinstance(s, str) or len(s) > MAX_SET_CHARS:
            raise InputError.one(f"a change is PATH=VALUE of at most {MAX_SET_CHARS} "
                                 "characters", file="--set")
        parse_set(s)
    return sets


def cli_document(result: Result, problem: Problem) -> dict[str, Any]:
    """What `landalloc solve --json` prints for this result (diagnosis when infeasible)."""
    doc = result.to_dict()
    if result.status == "infeasible":
        from landalloc.analysis.diagnosis import explain

        overrides = problem.loaded.overrides if problem.loaded is not None else None
        diagnosis = explain(result.lp, result.instance, overrides)
        doc["iis"] = diagnosis.to_dict()
        doc["repair"] = doc["iis"].pop("repair")
    return doc


def solve_once(ref: str, period: str | None, sets: list[str],
               options: SolverOptions) -> dict[str, Any]:
    """Stateless: exactly the CLI's path from a scenario and --set values to its JSON."""
    problem = load_problem(ref, period, sets, None, options)
    return cli_document(solve_problem(problem), problem)


@dataclass
class Session:
    """One tab's warm model and its current changes."""

    id: str
    ref: str  # the name the browser used
    path: str  # what is loaded
    period: str | None
    options: SolverOptions
    cache: dict = field(default_factory=dict)
    sets: list[str] = field(default_factory=list)
    saved: dict[str, list[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    used: float = field(default_factory=time.monotonic)
    last: Result | None = None
    last_doc: dict | None = None
    solve_ms: float | None = None
    warm: bool = False

    def __post_init__(self) -> None:
        self.base = build(load(self.path, self.period, cache=self.cache), None, self.options)
        self.period = self.base.instance.period
        self.maps = PathMaps(self.base.instance, self.base.lp)
        self.live = LiveLP(self.base.lp, self.base.options)
        self.live_is_base = True

    def solve(self, sets: list[str]) -> dict[str, Any]:
        """Validate the changes as the CLI does, move the live model, re-solve warm."""
        sets = check_sets(sets)
        t0 = time.perf_counter()
        loaded = load(self.path, self.period, sets, cache=self.cache)
        problem = build(loaded, None, self.options)
        values = [parse_set(s) for s in sets]
        try:
            changes = self.maps.changes(values)
        except InputError:
            changes = None
        if changes is not None:
            if not self.live_is_base:
                self.live, self.live_is_base = LiveLP(self.base.lp, self.base.options), True
            self.live.set(changes)
            self.warm = True
        else:  # the shape changes: a new live model for this scenario
            self.live, self.live_is_base = LiveLP(problem.lp, problem.options), False
            self.warm = False
        session = self.live.session
        # the model is moved in place, but solved from scratch: a degenerate optimum's prices
        # and ranges depend on the basis, and must be those `landalloc solve` prints
        session.h.clearSolver()
        first = session.run()
        an = analyse_session(session, problem.lp, first, tolerance_of(problem.options))
        result = label(problem.instance, problem.lp, an.solution, problem.record(), an)
        doc = cli_document(result, problem)
        self.solve_ms = (time.perf_counter() - t0) * 1000
        self.sets, self.last, self.last_doc = sets, result, doc
        return doc

    def result_for(self, sets: list[str]) -> Result:
        """A cold solve of this session's scenario with other changes (for comparisons)."""
        problem = build(load(self.path, self.period, check_sets(sets), cache=self.cache),
                        None, self.options)
        return solve_problem(problem)


class UnknownSession(LookupError):
    """No session of that id (never made, idle too long, or from before a restart)."""


class TooManySessions(RuntimeError):
    """Every kept session is in use: a new one would evict a tab someone works in."""


class Sessions:
    """At most `cap` warm models. A session idle for `idle` seconds is dropped; at the cap
    the least recently used goes only when idle for `evictable` seconds, else a new session
    is refused. `clock` is injectable so that expiry is tested without waiting."""

    def __init__(self, inputs: Inputs, options: SolverOptions, cap: int = MAX_SESSIONS,
                 idle: float = IDLE_SECONDS, evictable: float = EVICTABLE_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.inputs, self.options = inputs, options
        self.cap, self.idle, self.evictable, self.clock = cap, idle, evictable, clock
        self._all: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._all)

    def _expire(self, now: float) -> None:
        while self._all:
            oldest = next(iter(self._all.values()))
            if now - oldest.used < self.idle:
                break
            self._all.popitem(last=False)

    def new(self, ref: str | None, period: str | None) -> Session:
        """A session of this scenario and period, or TooManySessions."""
        with self._lock:
            self._expire(self.clock())
            if len(self._all) >= self.cap and not self._room(self.clock()):
                raise TooManySessions(self.cap)
        path = self.inputs.resolve(ref)
        s = Session(secrets.token_urlsafe(18), ref or path, path, period, self.options)
        with self._lock:
            now = self.clock()
            self._expire(now)
            if len(self._all) >= self.cap:
                if not self._room(now):
                    raise TooManySessions(self.cap)
                self._all.popitem(last=False)
            s.used = now
            self._all[s.id] = s
        return s

    def _room(self, now: float) -> bool:
        oldest = next(iter(self._all.values()), None)
        return oldest is None or now - oldest.used >= self.evictable

    def get(self, sid: str | None) -> Session:
        with self._lock:
            now = self.clock()
            self._expire(now)
            s = self._all.get(sid or "")
            if s is None:
                raise UnknownSession(sid)
            self._all.move_to_end(s.id)
            s.used = now
            return s

    def ids(self) -> set[str]:
        with self._lock:
            return set(self._all)

    def drop(self, sid: str) -> bool:
        """Forget a session (as expiry does); True if there was one."""
        with self._lock:
            return self._all.pop(sid, None) is not None


def matrix_diff(a: Result, b: Result) -> dict[str, Any]:
    """Cells that moved from a to b (ha), and the change in output."""
    ma, mb = a.matrix(), b.matrix()
    mb = mb.reindex(index=ma.index, columns=ma.columns, fill_value=0.0)
    d = mb - ma
    cells = [{"sector": s, "district": k, "from": float(ma.loc[s, k]),
              "to": float(mb.loc[s, k]), "change": float(v)}
             for (s, k), v in d.stack().items() if abs(v) > 1e-6]
    cells.sort(key=lambda c: -abs(c["change"]))
    oa, ob = a.objective, b.objective
    return {"cells": cells,
            "objective_from": oa, "objective_to": ob,
            "objective_change": None if oa is None or ob is None else float(ob - oa),
            "moved_hectares": float(np.abs(d.to_numpy()).sum() / 2)}
