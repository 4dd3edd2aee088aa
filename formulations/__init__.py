"""The mathematics: an Instance becomes a LinearProgram (pure, no solver import).

Names are imported on first use (PEP 562): importing a submodule such as
`landalloc.formulations.rule_kinds` does not load pandas or scipy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from landalloc.lazy import lazy_names

_LAZY = {
    "formulate": "landalloc.formulations.allocation",
    "LinearProgram": "landalloc.formulations.lp",
}

if TYPE_CHECKING:
    from landalloc.formulations.allocation import formulate
    from landalloc.formulations.lp import LinearProgram


__getattr__, __dir__ = lazy_names(__name__, _LAZY, globals())

__all__ = ["LinearProgram", "formulate"]
