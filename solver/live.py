"""The LP on a live HiGHS model, moved by entry changes and re-solved warm.

A change is an entry map (`landalloc.problem.entry_maps.EntryMap`: an LP array, positions in it, and
alpha + beta * value for each) with a value. Each `set` undoes the previous changes that are
not repeated and applies the new ones, pushing only the touched bounds, costs and matrix
coefficients to HiGHS, so that the basis of the previous solve is the start of the next.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from landalloc.formulations.lp import LinearProgram
from landalloc.solver.base import RawSolution, SolverOptions
from landalloc.solver.highs import HighsSession
from landalloc.solver.stages import SecondStage

_NONE = np.zeros(0, dtype=np.int64)


class LiveLP:
    """One HighsSession and the current LP arrays (`cur`, and `A` sharing `cur["A"]`)."""

    def __init__(self, lp: LinearProgram, options: SolverOptions | None = None) -> None:
        self.lp = lp
        self.base = {"c": lp.c, "col_lower": lp.col_lower, "col_upper": lp.col_upper,
                     "row_lower": lp.row_lower, "row_upper": lp.row_upper, "A": lp.A.data}
        self.cur = {k: v.astype(float) for k, v in self.base.items()}
        self.A = lp.A.copy()
        self.A.data = self.cur["A"]
        self.session = HighsSession(lp, options)
        self.h = self.session.h
        self._options = options
        self._second: SecondStage | None = None
        self.a_rows = lp.A.indices
        self.a_cols = np.repeat(np.arange(lp.num_col), np.diff(lp.A.indptr))
        self._key: tuple = ()
        self._held: list = []
        self._same: dict[str, Any] = {}
        self._touched: dict[str, np.ndarray] = {}

    def set(self, changes: Sequence[tuple[Any, float]]) -> None:
        """Put the LP at these changes (every other entry back at the base)."""
        key = tuple(id(e) for e, _ in changes)
        if key != self._key:
            touched = {k: [v] for k, v in self._touched.items()}
            for name, idx in self._touched.items():  # undo the previous set
                self.cur[name][idx] = self.base[name][idx]
            now: dict[str, list[np.ndarray]] = {}
            for e, _ in changes:
                now.setdefault(e.array, []).append(e.index)
                touched.setdefault(e.array, []).append(e.index)
            self._touched = {k: np.unique(np.concatenate(v)) for k, v in now.items()}
            push = self._positions({k: np.concatenate(v) for k, v in touched.items()})
            self._same = self._positions(self._touched)
            self._key, self._held = key, [e for e, _ in changes]  # held: ids stay theirs
        else:
            push = self._same
        for e, v in changes:
            self.cur[e.array][e.index] = e.values(v)
        self._push(push)

    def _positions(self, touched: dict[str, np.ndarray]) -> dict[str, Any]:
        """What to send HiGHS for these touched entries: costs, column and row bounds (by
        index), matrix coefficients (by data index, row and column)."""
        out: dict[str, Any] = {}
        if "c" in touched:
            out["c"] = np.unique(touched["c"]).astype(np.int32)
        for kind in ("col", "row"):
            ii = np.union1d(touched.get(f"{kind}_lower", _NONE),
                            touched.get(f"{kind}_upper", _NONE))
            if ii.size:
                out[kind] = ii.astype(np.int32)
        if "A" in touched:
            k = np.unique(touched["A"])
            out["A"] = (k, self.a_rows[k].tolist(), self.a_cols[k].tolist())
        return out

    def _push(self, push: dict[str, Any]) -> None:
        h, inf, cur = self.h, math.inf, self.cur
        if "c" in push:
            ii = push["c"]
            h.changeColsCost(ii.size, ii, cur["c"][ii])
        if "col" in push:
            ii = push["col"]
            h.changeColsBounds(ii.size, ii, np.clip(cur["col_lower"][ii], -inf, inf),
                               np.clip(cur["col_upper"][ii], -inf, inf))
        if "row" in push:
            ii = push["row"]
            h.changeRowsBounds(ii.size, ii, np.clip(cur["row_lower"][ii], -inf, inf),
                               np.clip(cur["row_upper"][ii], -inf, inf))
        if "A" in push:
            k, rows, cols = push["A"]
            for r, c, v in zip(rows, cols, cur["A"][k].tolist(), strict=True):
                self.session.set_coeff(r, c, v)
                if self._second is not None:
                    self._second.set_coeff(r, c, v)

    def run(self) -> RawSolution:
        """The first stage alone (output, duals): what prices and probes need."""
        return self.session.run()

    def solve(self) -> RawSolution:
        """Both stages: the output optimum and the tie-break's allocation on its face."""
        if self._second is None:
            lp = dataclasses.replace(self.lp, matrix=self.A.copy())
            self._second = SecondStage(lp, self._options)
        c = self.cur
        return self._second.run(self.session.run(), c["c"], c["col_lower"], c["col_upper"],
                                c["row_lower"], c["row_upper"])

    def violation(self, x: np.ndarray) -> float:
        """Worst bound violation of x in the current LP, from A·x (not from the solver)."""
        c = self.cur
        ax = self.A @ x
        return float(max(np.max(c["row_lower"] - ax, initial=0.0),
                         np.max(ax - c["row_upper"], initial=0.0),
                         np.max(c["col_lower"] - x, initial=0.0),
                         np.max(x - c["col_upper"], initial=0.0)))
