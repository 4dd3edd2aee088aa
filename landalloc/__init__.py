"""landalloc: a land-use plan's new industrial land allocated by linear programming.

    >>> import landalloc
    >>> r = landalloc.solve("zhengzhou", period="2021-2025")
    >>> r.totals("sector")

Names are imported on first use (PEP 562), so `landalloc --help` does not load pandas,
scipy or the solver.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from landalloc.lazy import lazy_names

#: public name -> module that defines it
_LAZY = {
    "sensitivity": "landalloc.analysis.sensitivity",
    "sweep": "landalloc.analysis.sensitivity",
    "tornado": "landalloc.analysis.sensitivity",
    "diagnose": "landalloc.api",
    "check": "landalloc.api",
    "ranges": "landalloc.api",
    "alternatives": "landalloc.api",
    "explain": "landalloc.api",
    "solve_horizon": "landalloc.api",
    "diagnose_instance": "landalloc.api",
    "solve": "landalloc.api",
    "solve_instance": "landalloc.api",
    "InputError": "landalloc.errors",
    "LinearProgram": "landalloc.formulations",
    "formulate": "landalloc.formulations",
    "load": "landalloc.plan.loading",
    "load_instance": "landalloc.plan.loading",
    "Instance": "landalloc.plan.model",
    "Result": "landalloc.results.result",
}

if TYPE_CHECKING:
    from landalloc.analysis.sensitivity import sensitivity, sweep, tornado
    from landalloc.api import (
        alternatives,
        check,
        diagnose,
        diagnose_instance,
        explain,
        ranges,
        solve,
        solve_horizon,
        solve_instance,
    )
    from landalloc.errors import InputError
    from landalloc.formulations import LinearProgram, formulate
    from landalloc.plan.loading import load, load_instance
    from landalloc.plan.model import Instance
    from landalloc.results.result import Result


__getattr__, __dir__ = lazy_names(__name__, _LAZY, globals())

__all__ = [
    "InputError",
    "Instance",
    "LinearProgram",
    "Result",
    "alternatives",
    "check",
    "diagnose",
    "diagnose_instance",
    "explain",
    "formulate",
    "load",
    "load_instance",
    "ranges",
    "sensitivity",
    "solve",
    "solve_horizon",
    "solve_instance",
    "sweep",
    "tornado",
]
__version__ = "0.1.0"
