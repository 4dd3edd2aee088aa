"""The mathematics: an Instance becomes a LinearProgram (pure, no solver import).

Names are imported on first use (PEP 562): importing a submodule such as
`landalloc.formulations.rule_kinds` does not load pandas or scipy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

_LAZY = {
    "formulate": "landalloc.formulations.allocation",
    "LinearProgram": "landalloc.formulations.lp",
}

if TYPE_CHECKING:
    from landalloc.formulations.allocation import formulate
    from landalloc.formulations.lp import LinearProgram


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'landalloc.formulations' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__all__ = ["LinearProgram", "formulate"]
