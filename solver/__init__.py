"""Solver backends and what needs a solver. HiGHS (highspy) is the embedded default."""

from landalloc.solver.base import Backend, RawSolution, SolverOptions, Status
from landalloc.solver.highs import HighsBackend, HighsSession

BACKENDS: dict[str, type] = {"highs": HighsBackend}


def get_backend(name: str = "highs") -> Backend:
    """A backend by name; unknown names list the known ones."""
    try:
        return BACKENDS[name]()
    except KeyError:
        raise ValueError(f"unknown backend '{name}' (known: {', '.join(BACKENDS)})") from None


__all__ = ["BACKENDS", "Backend", "HighsBackend", "HighsSession", "RawSolution",
           "SolverOptions", "Status", "get_backend"]
