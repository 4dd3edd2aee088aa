"""What every backend returns and declares, so callers never test backend names."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # annotations only: this module loads without numpy or the formulation
    import numpy as np
    from landalloc.formulations.lp import LinearProgram


class Status(StrEnum):
    """The shared status set every backend maps its own statuses to."""

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    TIME_LIMIT = "time_limit"
    ERROR = "error"


#: HiGHS's own defaults, used when the user sets no tolerance.
DEFAULT_PRIMAL_TOLERANCE = 1e-7
DEFAULT_DUAL_TOLERANCE = 1e-7


@dataclass(frozen=True)
class Tolerance:
    """The one tolerance policy, derived from the user's solver settings.

    `ha`: hectares (and row activities) closer than this, relative to max(1, |value|), are
    equal — at a bound, zero, the same allocation. `price`: duals and reduced costs below
    this are zero. Both are ten times the solver's feasibility tolerances, so that what
    the solver calls feasible and optimal is read as such.
    """

    primal: float = DEFAULT_PRIMAL_TOLERANCE
    dual: float = DEFAULT_DUAL_TOLERANCE

    @property
    def ha(self) -> float:
        return 10.0 * self.primal

    @property
    def price(self) -> float:
        return 10.0 * self.dual

    def at(self, a, b):
        """|a - b| within the hectare tolerance, relative to max(1, |b|); an infinite b is
        never reached (numpy-aware)."""
        import numpy as np

        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        with np.errstate(invalid="ignore"):
            return np.isfinite(b) & (np.abs(a - b) <= self.ha * np.maximum(1.0, np.abs(b)))


@dataclass
class SolverOptions:
    time_limit: float | None = None
    threads: int | None = None
    primal_tolerance: float | None = None
    dual_tolerance: float | None = None
    log_file: str | None = None
    verbose: bool = False

    def tolerance(self) -> Tolerance:
        return Tolerance(self.primal_tolerance or DEFAULT_PRIMAL_TOLERANCE,
                         self.dual_tolerance or DEFAULT_DUAL_TOLERANCE)


def tolerance_of(options: SolverOptions | None) -> Tolerance:
    return options.tolerance() if options is not None else Tolerance()


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
