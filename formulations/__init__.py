"""The mathematics: an Instance becomes a LinearProgram (pure, no solver import)."""

from landalloc.formulations.allocation import formulate
from landalloc.formulations.lp import LinearProgram

__all__ = ["LinearProgram", "formulate"]
