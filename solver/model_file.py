"""The LP as an MPS or LP file, with the plan's rule and cell names, for any solver.

Names: `district_cap[airport]`, `x[electronics,airport]`. Free MPS takes them as they
are (only blanks are replaced). The CPLEX LP format has no square brackets in its name
alphabet (HiGHS, like CPLEX, rejects them), so in an LP file brackets become parentheses,
`district_cap(airport)`, `x(electronics,airport)`, and any other character outside that
alphabet becomes `_`. Names made equal by this get a `~2`, `~3` ... suffix.

Sense: the file maximises projected output (`OBJSENSE MAX` in MPS, `max` in LP). Some
readers ignore the MPS OBJSENSE section (CBC 2.10 does) and would minimise instead;
`minimise=True` writes the equivalent problem "minimise -output" for them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import highspy
from landalloc.formulations.lp import LinearProgram
from landalloc.solver.highs import new_highs, to_highs_lp

from landalloc.atomic import atomic_write

FORMATS = ("mps", "lp")
#: Characters the CPLEX LP format allows in a name besides letters and digits.
_LP_NAME_BAD = re.compile(r"[^A-Za-z0-9!\"#$%&()/,.;?@_`'{}|~]")


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        k = seen.get(name, 0) + 1
        seen[name] = k
        out.append(name if k == 1 else f"{name}~{k}")
    return out


def file_names(names: list[str], fmt: str) -> list[str]:
    """Names as the file format accepts them (see the module docstring)."""
    if fmt == "lp":
        names = [_LP_NAME_BAD.sub("_", n.replace("[", "(").replace("]", ")")) for n in names]
        names = [n if n and not (n[0].isdigit() or n[0] == ".") else f"_{n}" for n in names]
    else:
        names = [re.sub(r"\s", "_", n) or "_" for n in names]
    return _unique(names)


def format_of(path: Path, fmt: str | None) -> str:
    """The format asked for, else the one the file's suffix names; ValueError if neither."""
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown model file format '{fmt}' (known: {', '.join(FORMATS)})")
    return fmt


def write_model(lp: LinearProgram, path: str | os.PathLike, fmt: str | None = None,
                minimise: bool = False) -> Path:
    """Write the LP whole or not at all (temporary file, then rename); returns the path."""
    path = Path(path)
    fmt = format_of(path, fmt)
    model = to_highs_lp(lp)
    model.col_names_ = file_names(lp.col_names(), fmt)
    model.row_names_ = file_names(lp.row_names(), fmt)
    if minimise:
        model.col_cost_ = -lp.c.astype(float)
        model.sense_ = highspy.ObjSense.kMinimize
    h = new_highs()
    h.passModel(model)

    def write(tmp: str) -> None:
        status = h.writeModel(tmp)
        if status != highspy.HighsStatus.kOk:
            raise RuntimeError(f"HiGHS could not write {path} ({status})")

    # HiGHS picks the format from the suffix: the temporary name carries the right one
    atomic_write(path, write, suffix=f".{fmt}")
    return path
