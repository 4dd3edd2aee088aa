"""What every backend returns and declares, so callers never test backend names."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

import numpy as np
from landalloc.formulations.lp import LinearProgram


class Status(StrEnum):
    """The shared status set every backend maps its own statuses to."""

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    TIME_LIMIT = "time_limit"
    ERROR = "error"


@dataclass
class SolverOptions:
    time_limit: float | None = None
    threads: int | None = None
    primal_tolerance: float | None = None
    dual_tolerance: float | None = None
    log_file: str | None = None
    verbose: bool = False


@dataclass
class RawSolution:
    """Solver output by position. Duals: objective change per unit increase of the bound.

    `row_dual[i]` is d(objective)/d(bound) of row i's active bound (>= 0 when relaxing helps
    for an upper bound, <= 0 for a lower bound in a maximisation); `col_dual` likewise for
    column bounds (reduced costs).
    """

    status: Status
    objective: float | None = None
    x: np.ndarray | None = None
    row_activity: np.ndarray | None = None
    row_dual: np.ndarray | None = None
    col_dual: np.ndarray | None = None
    iterations: int = 0
    solve_seconds: float = 0.0
    message: str = ""
    backend: str = ""
    extra: dict = field(default_factory=dict)


class Backend(Protocol):
    name: str
    capabilities: frozenset[str]  # e.g. {"duals", "warm_start", "ranging", "iis"}

    def solve(self, lp: LinearProgram, options: SolverOptions | None = None) -> RawSolution: ...
