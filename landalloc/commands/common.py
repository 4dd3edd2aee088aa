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
BackendOpt = Annotated[str | None, typer.Option(
    "--backend", "-b", help="Solver backend (default: the scenario's, else highs)")]
TimeLimitOpt = Annotated[float | None, typer.Option("--time-limit", help="Seconds")]
ThreadsOpt = Annotated[int | None, typer.Option("--threads", help="Solver threads")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Show the solver's log")]


def options_from(time_limit: float | None, threads: int | None, verbose: bool) -> SolverOptions:
    return SolverOptions(time_limit=time_limit, threads=threads, verbose=verbose)
