"""Solve one chunk of scenarios in a worker process: warm solver, cached base, flat tables.

Each worker process parses an instance (and any parent scenario) once and keeps it in
`_CACHE`; each chunk gets one warm HiGHS model. Rows of an override table whose paths map
to LP numbers (bounds, costs, coefficients: see `landalloc.problem.entry_maps`) are applied as
changes to that model — no re-validation of the whole instance; every other row, and every scenario
file, goes through the same `load` as `landalloc solve`. A scenario that fails becomes a row
with its status and message; it never stops the chunk.
"""

from __future__ import annotations

import json
import math
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from landalloc.batch.inputs import Chunk
from landalloc.errors import InputError
from landalloc.formulations.lp import LinearProgram
from landalloc.plan.overrides import Override
from landalloc.problem.entry_maps import Change, PathMaps
from landalloc.solver import SolverOptions, get_backend
from landalloc.solver.base import RawSolution, Status, Tolerance
from landalloc.solver.stages import SecondStage, tie_broken

SUMMARY = pa.schema([
    ("id", pa.int64()), ("scenario", pa.string()), ("file", pa.string()),
    ("row", pa.int64()), ("period", pa.string()), ("status", pa.string()),
    ("objective", pa.float64()), ("output", pa.float64()), ("max_violation", pa.float64()),
    ("iterations", pa.int64()), ("solve_seconds", pa.float64()), ("seconds", pa.float64()),
    ("path", pa.string()), ("message", pa.string()),
    # {--set path: value} as JSON; the merged summary has one column per path instead
    ("parameters", pa.string()),
])
ALLOCATION = pa.schema([
    ("id", pa.int64()), ("scenario", pa.string()), ("period", pa.string()),
    ("sector", pa.string()), ("district", pa.string()), ("ha", pa.float64()),
])
#: `period` names the period of a period's own rule, "" for a rule across linked periods.
RULES = pa.schema([
    ("id", pa.int64()), ("scenario", pa.string()), ("period", pa.string()),
    ("rule", pa.string()),
    ("activity", pa.float64()), ("lower", pa.float64()), ("upper", pa.float64()),
    ("dual", pa.float64()), ("price_unique", pa.bool_()),
])
SCHEMAS = {"summary": SUMMARY, "allocation": ALLOCATION, "rules": RULES}
#: Columns that differ run to run (timings; the path taken), left out of comparisons.
VOLATILE = ("solve_seconds", "seconds")

#: Per process: parsed instances and parent scenarios, and the fast-path bases.
_CACHE: dict = {}
_BASES: dict = {}


class _Tables:
    """Column lists for the three result tables of one chunk."""

    def __init__(self) -> None:
        self.cols = {name: {f.name: [] for f in schema} for name, schema in SCHEMAS.items()}

    def summary(self, **row: Any) -> None:
        for f in SUMMARY:
            self.cols["summary"][f.name].append(row.get(f.name))

    def solution(self, sid: int, name: str, period: str, lp: LinearProgram, x: np.ndarray,
                 rules: dict[str, list]) -> None:
        """One period's allocation (its columns of x) and the given rule rows."""
        nz = np.flatnonzero(x > Tolerance().ha)
        sectors, districts, _ = _labels(lp)
        a = self.cols["allocation"]
        a["id"].extend([sid] * nz.size)
        a["scenario"].extend([name] * nz.size)
        a["period"].extend([period] * nz.size)
        a["sector"].extend(sectors[nz].tolist())
        a["district"].extend(districts[nz].tolist())
        a["ha"].extend(x[nz].tolist())
        self.rules(sid, name, rules)

    def rules(self, sid: int, name: str, rules: dict[str, list]) -> None:
        r = self.cols["rules"]
        m = len(rules["rule"])
        r["id"].extend([sid] * m)
        r["scenario"].extend([name] * m)
        for k, v in rules.items():
            r[k].extend(v)

    def tables(self) -> dict[str, pa.Table]:
        return {name: pa.table(self.cols[name], schema=SCHEMAS[name]) for name in SCHEMAS}


def _finite(v: np.ndarray) -> list[float]:
    return np.where(np.isfinite(v), v, np.nan).tolist()


def _light_rules(lp: LinearProgram, raw: RawSolution, period: str, row_lower: np.ndarray,
                 row_upper: np.ndarray) -> dict[str, list]:
    """A single-period LP's rules, light analysis: a binding rule's price is given only
    where the optimum is not degenerate (else it is one of several; `sensitivity`
    measures it)."""
    act = raw.row_activity
    binding = Tolerance().at(act, row_lower) | Tolerance().at(act, row_upper)
    unique = ~binding | bool(raw.extra.get("duals_unique", False))
    return {"period": [period] * lp.num_row, "rule": _labels(lp)[2],
            "activity": act.tolist(), "lower": _finite(row_lower),
            "upper": _finite(row_upper),
            "dual": np.where(unique, raw.row_dual, np.nan).tolist(),
            "price_unique": unique.tolist()}


def params_json(values: dict[str, Any]) -> str:
    """The --set paths a scenario changes and the values used (the last one wins)."""
    return json.dumps(values, ensure_ascii=False, sort_keys=True, default=str)


def _labels(lp: LinearProgram) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Sector and district of each column, name of each row (kept on the LP)."""
    if "_labels" not in lp.meta:
        lp.meta["_labels"] = (np.asarray(lp.sectors, dtype=object)[lp.col_sector],
                              np.asarray(lp.districts, dtype=object)[lp.col_district],
                              lp.rows["name"].tolist())
    return lp.meta["_labels"]


def _same_matrix(a: LinearProgram, b: LinearProgram) -> bool:
    return (a.num_row == b.num_row and a.num_col == b.num_col
            and np.array_equal(a.A.indptr, b.A.indptr)
            and np.array_equal(a.A.indices, b.A.indices)
            and np.array_equal(a.A.data, b.A.data))


class WarmSolver:
    """One HiGHS model per chunk: a scenario with the same matrix is a warm re-solve."""

    def __init__(self) -> None:
        self.session = None
        self.second: SecondStage | None = None
        self.lp: LinearProgram | None = None
        self.options: SolverOptions | None = None

    def solve(self, lp: LinearProgram, backend: str, options: SolverOptions) -> RawSolution:
        if backend != "highs":
            return tie_broken(lp, get_backend(backend), options)
        from landalloc.solver.highs import HighsSession

        if (self.session is None or options != self.options
                or not _same_matrix(self.lp, lp)):
            self.session = HighsSession(lp, options)
            self.second = SecondStage(lp, options)
        else:
            h, inf = self.session.h, math.inf
            cols = np.arange(lp.num_col, dtype=np.int32)
            rows = np.arange(lp.num_row, dtype=np.int32)
            h.changeColsCost(lp.num_col, cols, lp.c.astype(float))
            h.changeColsBounds(lp.num_col, cols, np.clip(lp.col_lower, -inf, inf),
                               np.clip(lp.col_upper, -inf, inf))
            h.changeRowsBounds(lp.num_row, rows, np.clip(lp.row_lower, -inf, inf),
                               np.clip(lp.row_upper, -inf, inf))
        self.lp, self.options = lp, options
        return self.second.run(self.session.run(), lp.c, lp.col_lower, lp.col_upper,
                               lp.row_lower, lp.row_upper)


def _message(err: BaseException) -> str:
    if isinstance(err, InputError):
        return str(err)
    return f"{type(err).__name__}: {err}"


@dataclass
class _Row:
    """Who a summary row is: id, name, where it comes from, its period and parameters."""

    id: int
    scenario: str
    file: str
    row: int | None
    started: float
    period: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)

    def fields(self) -> dict[str, Any]:
        return {"id": self.id, "scenario": self.scenario, "file": self.file, "row": self.row,
                "period": self.period, "parameters": params_json(self.parameters),
                "seconds": time.perf_counter() - self.started}


def _record_raw(out: _Tables, who: _Row, lp: LinearProgram, raw: RawSolution,
                output: float | None, viol: float | None, path: str, rl=None,
                ru=None) -> None:
    optimal = raw.status is Status.OPTIMAL
    out.summary(**who.fields(), status=raw.status.value,
                objective=raw.objective if optimal else None,
                output=output if optimal else None,
                max_violation=viol if optimal else None, iterations=raw.iterations,
                solve_seconds=raw.solve_seconds, path=path,
                message="" if optimal else raw.message)
    if optimal:
        rl = lp.row_lower if rl is None else rl
        ru = lp.row_upper if ru is None else ru
        period = who.period or ""
        out.solution(who.id, who.scenario, period, lp, raw.x,
                     _light_rules(lp, raw, period, rl, ru))


def _record_error(out: _Tables, who: _Row, err: BaseException) -> None:
    status = "invalid" if isinstance(err, InputError) else "error"
    msg = _message(err)
    if status == "error":
        msg += " | " + traceback.format_exc(limit=3).strip().splitlines()[-1]
    out.summary(**who.fields(), status=status, path="load", message=msg)


def _solve_loaded(out: _Tables, warm: WarmSolver, loaded, who: _Row,
                  options: SolverOptions) -> None:
    from landalloc.problem.build import build

    problem = build(loaded, None, options)
    lp = problem.lp
    who.period = problem.instance.period
    if who.row is None:  # a scenario file: the paths its `set:` blocks change
        who.parameters = {o.path: o.value for o in loaded.overrides}
    raw = warm.solve(lp, problem.backend, problem.options)
    output = None
    viol = None
    if raw.x is not None:
        output = float(lp.output_per_ha() @ raw.x)
        viol = lp.max_violation(raw.x)
    _record_raw(out, who, lp, raw, output, viol, "load")


def _solve_linked(out: _Tables, ref: str, spec: str, who: _Row, options: SolverOptions,
                  overrides: list[Override] | None = None) -> None:
    """Linked periods: the one joint LP `landalloc solve --period all` solves (both
    stages, HiGHS), read back per period; the rules across periods get period ""."""
    from landalloc.problem.horizon import load_horizon
    from landalloc.results.horizon import HorizonResult
    from landalloc.solver.sensitivity import analyse

    problem = load_horizon(ref, spec, options=options, overrides=overrides, cache=_CACHE)
    h = problem.horizon
    who.period = ",".join(h.periods)
    own = problem.loaded[0].scenario
    if who.row is None and own is not None and own.name:
        who.scenario = own.name
    if who.row is None:
        who.parameters = {o.path: o.value for o in problem.loaded[0].overrides}
    an = analyse(h.lp, problem.options, probe=False)
    raw = an.solution
    result = HorizonResult(h, raw, an, "joint", problem.record(), None)
    optimal = raw.status is Status.OPTIMAL
    out.summary(**who.fields(), status=raw.status.value,
                objective=raw.objective if optimal else None,
                output=float(h.lp.output_per_ha() @ raw.x) if optimal else None,
                max_violation=result.max_violation if optimal else None,
                iterations=raw.iterations, solve_seconds=raw.solve_seconds, path="linked",
                message="" if optimal else raw.message)
    if not optimal:
        return
    rules = an.rules.set_index("name").loc[h.lp.rows["name"]].reset_index()
    for k, p in enumerate(h.periods):
        mine = rules[rules["period"] == p]
        out.solution(who.id, who.scenario, p, h.blocks[k], raw.x[h.period_cols(k)],
                     _rule_columns(mine, mine["base_name"]))
    across = rules[rules["period"] == ""]
    out.rules(who.id, who.scenario, _rule_columns(across, across["name"]))


def _rule_columns(df, names) -> dict[str, list]:
    """Rule rows of an analysis (prices NaN where not unique) as rules-table columns."""
    return {"period": df["period"].tolist(), "rule": names.tolist(),
            "activity": df["activity"].astype(float).tolist(),
            "lower": _finite(df["lower"].to_numpy(dtype=float)),
            "upper": _finite(df["upper"].to_numpy(dtype=float)),
            "dual": df["shadow_price"].astype(float).tolist(),
            "price_unique": df["price_unique"].astype(bool).tolist()}


def _linked(ref: str, period: str | None) -> str | None:
    """The linked-period spec of a scenario (or None), remembered per process."""
    from landalloc.problem.horizon import is_linked, linked_spec

    if period is not None:
        return period if is_linked(period) else None
    key = ("linked", ref)
    if key not in _CACHE:
        _CACHE[key] = linked_spec(ref, None)
    return _CACHE[key]


def solve_files(chunk: Chunk, options: SolverOptions) -> dict[str, pa.Table]:
    """Scenario files: each loaded as `landalloc solve` would, solved on a warm model;
    a scenario of linked periods (or `--period all`) as one joint LP."""
    from landalloc.plan.loading import load
    from landalloc.problem.horizon import linked_spec

    out, warm = _Tables(), WarmSolver()
    for sid, path in chunk.items:
        who = _Row(sid, path.rsplit("/", 1)[-1].rsplit(".", 1)[0], path, None,
                   time.perf_counter(), chunk.period)
        try:
            spec = linked_spec(path, chunk.period)
            if spec is not None:
                _solve_linked(out, path, spec, who, options)
                continue
            loaded = load(path, chunk.period, cache=_CACHE)
            if loaded.scenario is not None and loaded.scenario.name:
                who.scenario = loaded.scenario.name
            _solve_loaded(out, warm, loaded, who, options)
        except Exception as err:  # every failure is a row, never the end of the batch
            _record_error(out, who, err)
    return out.tables()


# ---------------------------------------------------------------- override rows


class FastBase:
    """A base instance or scenario, its LP, and the LP numbers each path moves."""

    def __init__(self, base: str, period: str | None, options: SolverOptions) -> None:
        from landalloc.plan.loading import load
        from landalloc.problem.build import build

        self.base, self.period = base, period
        self.loaded = load(base, period, cache=_CACHE)
        problem = build(self.loaded, None, options)
        self.backend, self.options, self.lp = problem.backend, problem.options, problem.lp
        #: Other backends take the full path (the objective's weights are in the LP).
        self.fast = self.backend == "highs"
        self.maps = PathMaps(self.loaded.instance, self.lp, self._build)

    def _build(self, path: str, value: float) -> LinearProgram:
        """The scenario's LP with one path changed, loaded exactly as the full path loads."""
        from landalloc.problem.build import load_problem

        return load_problem(self.base, self.period, cache=_CACHE,
                            overrides=[Override(path, value, "probe")]).lp

    def plan(self, values: dict[str, Any]) -> list[Change] | None:
        """The LP changes for one row, or None when the row needs the full path (a path
        with no map, or a value that is not valid: the full path reports it with the
        table, row, key and reason)."""
        if not self.fast:
            return None
        try:
            changes = self.maps.changes(list(values.items()))
        except InputError:
            return None
        if changes and self.lp.output is not None and any(e.array == "c" for e, _ in changes):
            return None  # a weighted objective: its projected output is recomputed in full
        return changes


def _fast_base(base: str, period: str | None, options: SolverOptions) -> FastBase:
    key = (base, period, repr(options))
    if key not in _BASES:
        if len(_BASES) > 64:
            _BASES.clear()
        _BASES[key] = FastBase(base, period, options)
    return _BASES[key]


def solve_rows(chunk: Chunk, options: SolverOptions, table: str) -> dict[str, pa.Table]:
    """Override rows: LP changes on a warm model where the paths allow, else a full load;
    rows of linked periods as one joint LP each."""
    from landalloc.plan.loading import load
    from landalloc.solver.live import LiveLP

    out, warm = _Tables(), WarmSolver()
    sessions: dict[tuple, LiveLP] = {}
    for sid, row, name, base, period, values in chunk.items:
        who = _Row(sid, name, table, row, time.perf_counter(), period, dict(values))
        try:
            overrides = [Override(p, v, f"{table} row {row}") for p, v in values.items()]
            spec = _linked(base, period)  # a broken base: every row says why
            if spec is not None:
                _solve_linked(out, base, spec, who, options, overrides)
                continue
            fb = _fast_base(base, period, options)
            changes = fb.plan(values)
            if changes is not None:
                key = (base, period)
                if key not in sessions:
                    sessions[key] = LiveLP(fb.lp, fb.options)
                live = sessions[key]
                live.set(changes)
                raw = live.solve()
                viol = live.violation(raw.x) if raw.x is not None else None
                # projected output: the live costs, unless they are weighted (then the
                # plan's output per ha, which `plan` keeps unchanged on this path)
                per_ha = live.cur["c"] if fb.lp.output is None else fb.lp.output
                output = float(per_ha @ raw.x) if raw.x is not None else None
                who.period = fb.loaded.instance.period
                _record_raw(out, who, fb.lp, raw, output, viol, "fast",
                            live.cur["row_lower"], live.cur["row_upper"])
                continue
            loaded = load(base, period, overrides=overrides, cache=_CACHE)
            _solve_loaded(out, warm, loaded, who, options)
        except Exception as err:  # every failure is a row, never the end of the batch
            _record_error(out, who, err)
    return out.tables()


def solve_chunk(chunk: Chunk, options: SolverOptions) -> dict[str, pa.Table]:
    """The function a worker runs: one chunk in, three small Arrow tables out."""
    if chunk.kind == "files":
        return solve_files(chunk, options)
    return solve_rows(chunk, options, chunk.source)
