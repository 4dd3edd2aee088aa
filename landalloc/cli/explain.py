"""`landalloc explain`: why one cell gets what it gets, and what it would take."""

from __future__ import annotations

import math
from typing import Annotated

import typer

from landalloc.cli.common import (
    JsonOpt,
    LangOpt,
    OnePeriodOpt,
    PathArg,
    SetOpt,
    SlackOpt,
    print_json,
    solved_or_exit,
)


def _target(value: float | None) -> float | None:
    if value is not None and not (math.isfinite(value) and value >= 0):
        raise typer.BadParameter(f"{value:g} is not a number of hectares (0 or more)")
    return value


def explain_cmd(
    sector: Annotated[str, typer.Argument(help="Sector id or name, e.g. electronics or 电子信息")],
    district: Annotated[str, typer.Argument(
        help="District id or name, e.g. airport, or its Chinese name")],
    path: PathArg = None,
    period: OnePeriodOpt = None,
    set_: SetOpt = None,
    slack: SlackOpt = 0.0,
    target: Annotated[float | None, typer.Option(
        "--target", "-t", callback=_target,
        help="Hectares wanted in this cell: the smallest change of rules that gives them")]
        = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "both",
) -> None:
    """Explain one cell: its output per ha against the prices of the rules it uses, the
    output lost per hectare forced into it (the forcing curve, exact breakpoints) and,
    with --target, the smallest change of rules that gives it that many hectares at output
    ≥ (1 − slack) × optimum, as a paste-ready `set:` block.

    Exit codes: 0 done, 2 bad input, 3 infeasible, 4 not solved.
    """
    from landalloc.analysis.alternatives import explain_problem
    from landalloc.analysis.linked import refuse_linked
    from landalloc.present.alternatives_screen import print_explain
    from landalloc.present.answer import check_lang
    from landalloc.problem.build import load_problem

    refuse_linked(path, period, "explain")
    problem = load_problem(path, period, set_ or [])
    rep = solved_or_exit(lambda: explain_problem(problem, sector, district, slack, target))
    if as_json:
        print_json(rep.to_dict())
    else:
        print_explain(rep, lang=check_lang(lang), inst=problem.instance)


def register(app: typer.Typer) -> None:
    app.command("explain")(explain_cmd)
