"""landalloc: a land-use plan's new industrial land allocated by linear programming.

    >>> import landalloc
    >>> r = landalloc.solve("zhengzhou", period="2021-2025")
    >>> r.totals("sector")
"""

from landalloc.analysis.sensitivity import sensitivity, sweep, tornado
from landalloc.api import (
    alternatives,
    check,
    diagnose,
    diagnose_instance,
    explain,
    ranges,
    solve,
    solve_instance,
)
from landalloc.errors import InputError
from landalloc.formulations import LinearProgram, formulate
from landalloc.plan.loading import load, load_instance
from landalloc.plan.model import Instance
from landalloc.results.result import Result

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
    "solve_instance",
    "sweep",
    "tornado",
]
__version__ = "0.1.0"
