"""`landalloc solve`: the allocation that meets every quota and maximises output."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from landalloc.commands.common import (
    BackendOpt,
    PeriodOpt,
    SetOpt,
    ThreadsOpt,
    TimeLimitOpt,
    VerboseOpt,
    options_from,
)

EXIT_INFEASIBLE = 3
EXIT_NOT_SOLVED = 4


def solve_cmd(
    path: Annotated[str | None, typer.Argument(
        help="Instance name (zhengzhou), instance folder, or scenario YAML file")] = None,
    period: PeriodOpt = None,
    set_: SetOpt = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write allocation/totals/rules CSV, result.json and record.json here")]
        = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
    backend: BackendOpt = None,
    time_limit: TimeLimitOpt = None,
    threads: ThreadsOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Solve one period: the sector x district allocation of the new industrial land.

    Prints the allocation matrix, totals against the plan, the projected output (亿元) and
    the binding rules with their shadow prices. Exit codes: 0 optimal, 2 bad input,
    3 infeasible, 4 not solved (time limit, error).
    """
    from landalloc.api import solve
    from landalloc.output_files import write_result
    from landalloc.screen import print_result

    result = solve(path, period, set_ or [], backend, options_from(time_limit, threads, verbose))
    if out is not None:
        write_result(out, result)
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
    elif result.status == "infeasible":
        print("infeasible")
    else:
        print_result(result)
    if result.status == "infeasible":
        raise typer.Exit(EXIT_INFEASIBLE)
    if not result.optimal:
        raise typer.Exit(EXIT_NOT_SOLVED)


def register(app: typer.Typer) -> None:
    app.command("solve")(solve_cmd)
