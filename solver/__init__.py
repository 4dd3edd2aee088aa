"""Solver backends and what needs a solver. HiGHS (highspy) is the embedded default."""

from landalloc.solver.base import Backend, RawSolution, SolverOptions, Status
from landalloc.solver.highs import HighsBackend, HighsSession
from landalloc.solver.pulp_backend import PulpBackend
from landalloc.solver.pyomo_backend import PyomoBackend

#: Backends by name. PuLP and Pyomo themselves are imported only when one of them solves.
BACKENDS: dict[str, type] = {"highs": HighsBackend, "pulp": PulpBackend, "pyomo": PyomoBackend}


def get_backend(name: str = "highs") -> Backend:
    """A backend by name; unknown names list the known ones."""
    try:
        return BACKENDS[name]()
    except KeyError:
        raise ValueError(f"unknown backend '{name}' (known: {', '.join(BACKENDS)})") from None


__all__ = ["BACKENDS", "Backend", "HighsBackend", "HighsSession", "PulpBackend", "PyomoBackend",
           "RawSolution", "SolverOptions", "Status", "get_backend"]
