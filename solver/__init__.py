"""Solver backends and what needs a solver. HiGHS (highspy) is the embedded default.

Names are imported on first use (PEP 562), so `landalloc.solver.base` (statuses, options,
tolerances) loads without highspy, numpy or the formulation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from landalloc.lazy import lazy_names
from landalloc.plan.choices import BACKEND_NAMES

#: public name -> module that defines it
_LAZY = {
    "Backend": "landalloc.solver.base",
    "RawSolution": "landalloc.solver.base",
    "SolverOptions": "landalloc.solver.base",
    "Status": "landalloc.solver.base",
    "HighsBackend": "landalloc.solver.highs",
    "HighsSession": "landalloc.solver.highs",
    "PulpBackend": "landalloc.solver.pulp_backend",
    "PyomoBackend": "landalloc.solver.pyomo_backend",
}
#: backend name -> its class (in BACKEND_NAMES order)
_BACKEND_CLASSES = {"highs": "HighsBackend", "pulp": "PulpBackend", "pyomo": "PyomoBackend"}

if TYPE_CHECKING:
    from landalloc.solver.base import Backend, RawSolution, SolverOptions, Status
    from landalloc.solver.highs import HighsBackend, HighsSession
    from landalloc.solver.pulp_backend import PulpBackend
    from landalloc.solver.pyomo_backend import PyomoBackend

    #: Backends by name. PuLP and Pyomo themselves are imported only when one of them solves.
    BACKENDS: dict[str, type]


def _backends() -> dict[str, type]:
    return {b: __getattr__(_BACKEND_CLASSES[b]) for b in BACKEND_NAMES}


__getattr__, __dir__ = lazy_names(__name__, _LAZY, globals(), {"BACKENDS": _backends})


def get_backend(name: str = "highs") -> Backend:
    """A backend by name; unknown names list the known ones."""
    backends = globals().get("BACKENDS") or __getattr__("BACKENDS")
    try:
        return backends[name]()
    except KeyError:
        raise ValueError(f"unknown backend '{name}' (known: {', '.join(backends)})") from None


__all__ = ["BACKENDS", "Backend", "HighsBackend", "HighsSession", "PulpBackend", "PyomoBackend",
           "RawSolution", "SolverOptions", "Status", "get_backend"]
