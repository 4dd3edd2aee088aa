"""Options shared by every command that loads or solves a scenario."""

from __future__ import annotations

from typing import Annotated

import typer

from landalloc.solver import SolverOptions

PeriodOpt = Annotated[str | None, typer.Option(
    "--period", "-p", help="Plan period, e.g. 2021-2025 or 2026-2035")]
SetOpt = Annotated[list[str] | None, typer.Option(
    "--set", "-s", help="Override PATH=VALUE, repeatable, e.g. districts.airport.cap=1500 "
                        "or sectors.electronics.quota.min=1900")]


def _known_backend(name: str | None) -> str | None:
    """Reject an unknown backend before anything is loaded (exit 2, the known names listed)."""
    from landalloc.solver import BACKENDS

    if name is not None and name not in BACKENDS:
        raise typer.BadParameter(f"unknown backend '{name}' (known: {', '.join(BACKENDS)})")
    return name


BackendOpt = Annotated[str | None, typer.Option(
    "--backend", "-b", callback=_known_backend,
    help="Solver backend: highs (highspy, the default and fastest), pulp or pyomo "
         "(each solving with HiGHS through its own interface); default: the scenario's "
         "solver setting, else highs")]
TimeLimitOpt = Annotated[float | None, typer.Option("--time-limit", help="Seconds")]
ThreadsOpt = Annotated[int | None, typer.Option("--threads", help="Solver threads")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Show the solver's log")]


def options_from(time_limit: float | None, threads: int | None, verbose: bool) -> SolverOptions:
    return SolverOptions(time_limit=time_limit, threads=threads, verbose=verbose)

#: Exit codes every solving command shares (2, bad input, is the CLI's own).
EXIT_INFEASIBLE = 3
EXIT_NOT_SOLVED = 4
