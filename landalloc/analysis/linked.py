"""Linked periods (`--period all`) in the analysis commands: what the joint LP's columns
and rows mean in the plan's terms, read in one place.

The joint LP (`formulations/horizon.py`) keys every column by its plain sector, district and
period (`LinearProgram.cell_key`; one carry-over column per pair of consecutive periods) and
every row by kind, member and period (`row_key`; "" for a rule across periods): nothing is
read back out of a name.
"""

from __future__ import annotations

import numpy as np

from landalloc.errors import InputError

#: The commands that read linked periods (`--period all`, `p1,p2`, a `period: all` scenario).
LINKED_COMMANDS = ("solve", "sensitivity", "ranges", "check", "diagnose", "report", "batch")


def refuse_linked(path, period: str | None, command: str) -> None:
    """One clear error (exit 2) for a command that reads one period only."""
    from landalloc.problem.horizon import is_linked, linked_spec

    spec = period if is_linked(period) else None
    where = {"file": "--period"}
    if spec is None and period is None:
        try:
            spec = linked_spec(path, None)
        except InputError:
            return  # the command's own loading reports a bad file
        where = {"file": str(path), "key": "period"}
    if spec is not None:
        raise InputError.one(
            f"`landalloc {command}` reads one period; linked periods ({spec}) are read by "
            f"{', '.join(LINKED_COMMANDS)} — give --period with one period", **where)


def implied_carry(horizon, x: np.ndarray) -> np.ndarray:
    """x with every carry-over column set to the land a table leaves to the next period:
    the least carry that lifts each period's total to its lower bound, kept within
    [0, carry_over.max] (what remains shows as the period's total broken)."""
    x = x.copy()
    cmax = horizon.instances[0].carry_over.max
    cmax = np.inf if cmax is None else float(cmax)
    carried_in = 0.0
    for k, j in enumerate(horizon.carry_cols):
        block = horizon.blocks[k]
        total = np.flatnonzero(block.rows["kind"].to_numpy() == "total")
        if not total.size:
            x[j] = carried_in = 0.0
            continue
        r = total[0]
        placed = float((block.A @ x[horizon.period_cols(k)])[r])
        need = float(block.row_lower[r]) + carried_in - placed  # Σx_k + c_k − c_{k-1} ≥ lo
        upper = float(block.row_upper[r]) + carried_in - placed
        want = need if np.isfinite(need) else 0.0
        want = min(want, upper) if np.isfinite(upper) else want
        x[j] = carried_in = float(min(max(want, 0.0), cmax))
    return x
