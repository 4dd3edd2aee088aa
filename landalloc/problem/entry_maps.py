"""Which LP numbers a `--set` path moves, and the LP after a new value, without formulating.

`districts.airport.cap` moves the upper bound of row `district_cap[airport]`;
`sectors.electronics.quota` moves both bounds of `sector_quota[electronics]`;
`output.food.airport` moves one cost; `sector_groups.leading_six.share.min` moves the
coefficients of a row. Rather than a hand-kept table of which path touches which number, the
model is formulated at three probe values of the path and each moved number is fitted as
alpha + beta * value (and checked to be affine at the third probe). A sweep, a batch of
override rows and a quick what-if all use these maps to change a live solver (bounds, costs,
coefficients) or copies of the LP arrays instead of rebuilding the model. A path that changes
the model's shape, or moves numbers non-affinely, has no map: callers rebuild.

The changed values are checked as the instance would check them (land is non-negative,
min <= max, a share is a fraction between 0 and 1) before anything is applied.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import ValidationError

from landalloc.errors import InputError
from landalloc.formulations.lp import LinearProgram
from landalloc.formulations.rule_kinds import KINDS, figure_path
from landalloc.formulations.sparse import Csc
from landalloc.plan.model import BOUND_KEYS, Instance, as_bound
from landalloc.plan.overrides import COLLECTIONS

ARRAYS = ("c", "col_lower", "col_upper", "row_lower", "row_upper", "A")


@dataclass(frozen=True)
class EntryMap:
    """Positions in one LP array that follow a path's value: alpha + beta * value."""

    array: str  # one of ARRAYS; "A" indexes A.data (CSC order)
    index: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray

    def values(self, value: float) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            return np.where(self.beta == 0, self.alpha, self.alpha + self.beta * value)


#: One path's new value: its entry maps and the value to put through them.
Change = tuple[EntryMap, float]


def _array(lp: LinearProgram, name: str) -> np.ndarray:
    return lp.matrix.data if name == "A" else getattr(lp, name)


def _same_shape(a: LinearProgram, b: LinearProgram) -> bool:
    if a.num_col != b.num_col or a.num_row != b.num_row:
        return False
    if a.rows["name"].tolist() != b.rows["name"].tolist():
        return False
    return (np.array_equal(a.A.indptr, b.A.indptr)
            and np.array_equal(a.A.indices, b.A.indices))


def _snap(v: np.ndarray) -> np.ndarray:
    """Round fits within a few ulps of an integer (slope -1 of `member - share`, alpha 1),
    so that the mapped LP equals the formulated one exactly rather than to 1e-16."""
    r = np.round(v)
    close = np.isfinite(v) & (np.abs(v - r) <= 1e-13 * np.maximum(1.0, np.abs(r)))
    return np.where(close, r, v)


def fit_path(build: Callable[[float], LinearProgram | None], base: LinearProgram,
             probes: tuple[float, float, float], rtol: float = 1e-9) -> list[EntryMap] | str:
    """Formulate at three probe values; the affine maps of the numbers that move, or why not.

    `build(value)` formulates the model with the path set to `value` (None if that value is
    not valid there; it may also raise). An empty list means the path moves nothing here.
    """
    lps = [build(v) for v in probes]
    if any(lp is None for lp in lps):
        return "a probe value is not valid"
    if not all(_same_shape(base, lp) for lp in lps):
        return "it changes which rules or cells the LP has"
    v1, v2, v3 = (float(v) for v in probes)
    out: list[EntryMap] = []
    for name in ARRAYS:
        b = _array(base, name)
        e1, e2, e3 = (_array(lp, name) for lp in lps)
        with np.errstate(invalid="ignore"):
            moved = ~((e1 == b) & (e2 == b) & (e3 == b))
        idx = np.flatnonzero(moved)
        if idx.size == 0:
            continue
        p1, p2, p3 = e1[idx], e2[idx], e3[idx]
        const = (p1 == p2) & (p2 == p3)
        finite = np.isfinite(p1) & np.isfinite(p2) & np.isfinite(p3)
        if not np.all(const | finite):
            return "it moves a bound between finite and infinite"
        with np.errstate(invalid="ignore"):
            beta = _snap(np.where(const, 0.0, (p2 - p1) / (v2 - v1)))
            alpha = _snap(np.where(const, p1, p1 - beta * v1))
            pred = np.where(const, p3, alpha + beta * v3)
        scale = np.maximum(1.0, np.abs(np.where(finite, p3, 0.0)))
        if not np.all(const | (np.abs(pred - p3) <= rtol * scale)):
            return "the LP does not move linearly with it"
        out.append(EntryMap(name, idx, alpha, beta))
    return out


def map_path(build: Callable[[float], LinearProgram | None], base: LinearProgram,
             probes: tuple[float, float, float], rtol: float = 1e-9) -> list[EntryMap] | None:
    """`fit_path`, with None for a path that has no map (a probe fails, the shape changes,
    or a moved number is not affine in the value)."""
    got = fit_path(build, base, probes, rtol)
    return None if isinstance(got, str) else got


def describe(entries: list[EntryMap], lp: LinearProgram) -> list[str]:
    """Plan-named description of a map: `district_cap[airport].upper`, `x[s,d].cost`."""
    rows = lp.rows["name"].tolist()
    cols = lp.col_names()
    a_rows, a_cols = coef_positions(lp)
    side = {"c": "cost", "col_lower": "lower", "col_upper": "upper",
            "row_lower": "lower", "row_upper": "upper"}
    out = []
    for e in entries:
        for i in e.index:
            if e.array in ("row_lower", "row_upper"):
                out.append(f"{rows[i]}.{side[e.array]}")
            elif e.array == "A":
                out.append(f"{rows[a_rows[i]]}.coef[{cols[a_cols[i]]}]")
            else:
                out.append(f"{cols[i]}.{side[e.array]}")
    return out


def summary(path: str, entries: list[EntryMap], lp: LinearProgram) -> str:
    """One line: `districts.airport.cap -> district_cap[airport] (upper)`."""
    rows = lp.row_names()
    cols = lp.col_names()
    parts: dict[str, list[str]] = {}
    what = {"row_lower": "lower", "row_upper": "upper", "col_lower": "lower",
            "col_upper": "upper", "c": "output per ha"}
    a_rows, _ = coef_positions(lp)
    for e in entries:
        if e.array == "A":
            r, n = np.unique(a_rows[e.index], return_counts=True)
            for i, k in zip(r.tolist(), n.tolist(), strict=True):
                parts.setdefault(rows[i], []).append(f"coefficients of {k} cells")
            continue
        names = rows if e.array.startswith("row") else cols
        for i in e.index.tolist():
            parts.setdefault(names[i], []).append(what[e.array])
    text = "; ".join(f"{k} ({', '.join(v)})" for k, v in parts.items())
    return f"{path} -> " + (text or "nothing")


def coef_positions(lp: LinearProgram) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) of each entry of A.data in CSC order, kept on the LP."""
    pos = lp.meta.get("_coef_positions")
    if pos is None or pos[0].size != lp.A.nnz:
        pos = (lp.A.indices.astype(np.int64),
               np.repeat(np.arange(lp.num_col), np.diff(lp.A.indptr)))
        lp.meta["_coef_positions"] = pos
    return pos


def lp_with(lp: LinearProgram, changes: list[Change]) -> LinearProgram:
    """A copy of the LP with the changes applied (the base is left alone)."""
    arrays: dict[str, np.ndarray] = {}
    for e, v in changes:
        if e.array not in arrays:
            arrays[e.array] = _array(lp, e.array).astype(float, copy=True)
        arrays[e.array][e.index] = e.values(v)
    if "A" in arrays:
        M = lp.matrix
        arrays["matrix"] = Csc(M.shape, M.indptr.copy(), M.indices.copy(), arrays.pop("A"))
    return dataclasses.replace(lp, **arrays)


def overlapping(changes: list[Change]) -> bool:
    """Whether two changes move the same LP number (their effects need not add up)."""
    seen: set[tuple[str, int]] = set()
    for e, _ in changes:
        for i in e.index.tolist():
            if (e.array, i) in seen:
                return True
            seen.add((e.array, i))
    return False


# ---------------------------------------------------------------- rule names and paths

def row_path(lp: LinearProgram, i: int) -> str | None:
    """The `--set` path that sets row i's figure (None for custom rules), from its kind."""
    r = lp.rows.iloc[i]
    return figure_path(r["kind"], r["members"], r["part"])


def row_paths(lp: LinearProgram) -> list[str | None]:
    """`row_path` of every row."""
    return [figure_path(k, m, p) for k, m, p in
            zip(lp.rows["kind"], lp.rows["members"], lp.rows["part"], strict=True)]


def row_prefix(lp: LinearProgram, i: int) -> str | None:
    """The path a row reads from, without min/max: `sectors.x.quota`, `rules.name`."""
    r = lp.rows.iloc[i]
    k = KINDS.get(r["kind"])
    return None if k is None or k.path is None else k.path.format(r["members"])


def col_prefix(lp: LinearProgram, j: int) -> str:
    """`allowed.<sector>.<district>`: the path that opens or closes column j's cell."""
    return f"allowed.{lp.sectors[lp.col_sector[j]]}.{lp.districts[lp.col_district[j]]}"


# ---------------------------------------------------------------- paths of an instance


def bound_owner(keys: list[str]) -> tuple[tuple[str, ...], str | None] | None:
    """(owner, side) when the path addresses a bound, e.g. ((sectors, x, quota), "min")."""
    if keys[0] == "total_increment":
        k = 0
    elif keys[0] in COLLECTIONS and len(keys) >= 3 and keys[2] in BOUND_KEYS:
        k = 2
    else:
        return None
    tail = keys[k + 1:]
    if tail and (len(tail) != 1 or tail[0] not in ("min", "max")):
        return None
    return tuple(keys[:k + 1]), (tail[0] if tail else None)


def _node(inst: Instance, owner: tuple[str, ...]) -> Any:
    node: Any = inst
    for k in owner:
        node = node.get(k) if isinstance(node, dict) else getattr(node, k, None)
        if node is None:
            return None
    return node


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    v = float(value)
    return v if math.isfinite(v) else None


@dataclass(frozen=True)
class PathMap:
    """A path's footprint in the LP: the entry maps, and the bound it sits in (if any)."""

    path: str
    entries: list[EntryMap]
    owner: tuple[str, ...] | None  # e.g. ("sectors", "electronics", "quota"); None: a cell
    side: str | None  # "min", "max", or None (the whole bound, or a cell)

    def summary(self, lp: LinearProgram) -> str:
        return summary(self.path, self.entries, lp)


def default_probes(inst: Instance, path: str) -> tuple[float, float, float] | None:
    """Three valid values of the path near its current one (None: not a mappable path)."""
    keys = path.split(".")
    owner = bound_owner(keys)
    if owner is not None:
        node = _node(inst, owner[0])
        if node is None:
            return None  # no such rule in the LP yet: adding it changes the shape
        lo, hi = node.min, node.max
        share = owner[0][-1] == "share"
        side = owner[1]
        b = (hi if side == "max" else lo) if side else (lo if hi is None else hi)
        ref = b if b is not None else (hi if lo is None else lo)
        ref = abs(ref) if ref else (0.5 if share else 100.0)
        step = ((1.0 - ref) / 4 if side == "max" else ref / 4) if share else 0.1 * ref
        if side == "min" or (side is None and BOUND_KEYS[owner[0][-1]] == "min"):
            step = -step
        start = b if b is not None else ref
        probes = (start, start + step, start + 2 * step)
    elif keys[0] == "output" and len(keys) == 3:
        if keys[1] not in inst.sectors or keys[2] not in inst.districts:
            return None
        v = inst.output.get(keys[1], {}).get(keys[2], 0.5) or 0.5
        probes = (v, 1.1 * v + 0.01, 1.2 * v + 0.02)
    else:
        return None
    return None if probes[1] == probes[0] else probes


class PathMaps:
    """A base instance, its LP, and the maps of the paths asked about so far.

    `build(path, value)` formulates the model with one path changed (None or InputError when
    the value is not valid); by default `formulate(instance_with(inst, [(path, value)]))`.
    """

    def __init__(self, inst: Instance, lp: LinearProgram,
                 build: Callable[[str, float], LinearProgram | None] | None = None) -> None:
        self.inst, self.lp = inst, lp
        self.build = build or self._formulate
        self.maps: dict[str, PathMap | None] = {}

    def _formulate(self, path: str, value: float) -> LinearProgram:
        from landalloc.formulations import formulate
        from landalloc.problem.sweep_plan import instance_with

        return formulate(instance_with(self.inst, [(path, value)]))

    def _probe(self, path: str) -> Callable[[float], LinearProgram | None]:
        def build(value: float) -> LinearProgram | None:
            try:
                return self.build(path, value)
            except (InputError, ValidationError):
                return None
        return build

    def map(self, path: str) -> PathMap | None:
        """The path's footprint (None: it has none, rebuild)."""
        if path not in self.maps:
            probes = default_probes(self.inst, path)
            entries = None if probes is None else map_path(self._probe(path), self.lp, probes)
            owner = bound_owner(path.split("."))
            self.maps[path] = None if entries is None else PathMap(
                path, entries, *(owner if owner else (None, None)))
        return self.maps[path]

    def _scalars(self, path: str, value: Any) -> list[tuple[str, float]] | None:
        """A value as (path, number) pairs: `{min: a, max: b}` splits into its two sides."""
        v = _number(value)
        if v is not None:
            return [(path, v)]
        owner = bound_owner(path.split("."))
        if not isinstance(value, dict) or owner is None or owner[1] is not None:
            return None
        node = _node(self.inst, owner[0])
        if node is None or set(value) - {"min", "max"}:
            return None
        out = []
        for side in ("min", "max"):
            if side in value:
                x = _number(value[side])
                if x is None:
                    return None
                out.append((f"{path}.{side}", x))
            elif getattr(node, side) is not None:
                return None  # the side goes away: a bound between finite and infinite
        return out

    def changes(self, values: list[tuple[str, Any]]) -> list[Change] | None:
        """The LP changes for these path values, after checking them as the instance would.

        None when a path has no map or two values move the same LP number (rebuild);
        InputError naming the path when a value is not valid (negative land, min > max, a
        share outside 0..1, a negative output)."""
        self.check(values)
        out: list[Change] = []
        for path, value in values:
            scalars = self._scalars(path, value)
            if scalars is None:
                return None
            for p, v in scalars:
                m = self.map(p)
                if m is None:
                    return None
                out.extend((e, v) for e in m.entries)
        return None if overlapping(out) else out

    def check(self, values: list[tuple[str, Any]]) -> dict[tuple[str, ...], Any]:
        """The new bounds (owner -> validated bound), checked as the instance checks them;
        output cells are checked to be numbers >= 0."""
        bounds: dict[tuple[str, ...], tuple[Any, dict, str]] = {}
        for path, value in values:
            keys = path.split(".")
            owner = bound_owner(keys)
            if owner is None:
                if keys[0] == "output":
                    v = _number(value)
                    if v is None or v < 0:
                        raise InputError.one(
                            f"output per ha must be a number >= 0, got {value!r}",
                            file="--set", key=path)
                continue
            node = _node(self.inst, owner[0])
            if node is None:
                continue  # not mappable; the full path reports anything wrong
            old, data, _ = bounds.get(owner[0], (node, node.model_dump(exclude_none=True), ""))
            side = owner[1]
            if side is None:
                new = as_bound(value, BOUND_KEYS[owner[0][-1]])
                if not isinstance(new, dict):
                    raise InputError.one(f"expected a number or {{min: .., max: ..}}, got "
                                         f"{value!r}", file="--set", key=path)
                data = {**{k: v for k, v in data.items() if k not in ("min", "max")}, **new}
            else:
                data = {**data, side: value}
            bounds[owner[0]] = (old, data, path)
        out = {}
        for owner, (old, data, path) in bounds.items():
            try:
                out[owner] = type(old).model_validate(data)
            except ValidationError as e:
                msg = e.errors()[0]["msg"].removeprefix("Value error, ")
                raise InputError.one(msg, file="--set", key=path) from None
        return out

    def _instance(self, values: list[tuple[str, Any]]) -> Instance:
        """The instance with bound and output values set (checked), the rest shared."""
        inst = self.inst
        for owner, bound in self.check(values).items():
            inst = _with(inst, owner, bound)
        for path, value in values:
            keys = path.split(".")
            if keys[0] == "output" and len(keys) == 3:
                s, d = keys[1], keys[2]
                output = {**inst.output, s: {**inst.output.get(s, {}), d: float(value)}}
                inst = inst.model_copy(update={"output": output})
        return inst

    def apply(self, values: list[tuple[str, Any]]) -> tuple[Instance, LinearProgram] | None:
        """(Instance', LP') as load + formulate would give them, or None: formulate again."""
        changes = self.changes(values)
        if changes is None:
            return None
        return self._instance(values), lp_with(self.lp, changes)


def _with(node: Any, keys: tuple[str, ...], value: Any) -> Any:
    """A copy of a frozen model (or dict) with the value at keys replaced."""
    k, rest = keys[0], keys[1:]
    if isinstance(node, dict):
        return {**node, k: _with(node[k], rest, value) if rest else value}
    return node.model_copy(update={k: _with(getattr(node, k), rest, value) if rest else value})
