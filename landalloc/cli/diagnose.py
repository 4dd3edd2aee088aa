"""`landalloc diagnose`: which rules collide, and the cheapest way out."""

from __future__ import annotations

from typing import Annotated

import typer

from landalloc.cli.common import EXIT_INFEASIBLE, LangOpt, PeriodOpt, SetOpt, print_json

RelaxOpt = Annotated[list[str] | None, typer.Option(
    "--relax", "-r",
    help="What the repair may change: kinds total, sectors, groups, districts, zones, rules, "
         "allowed, and for linked periods horizon, stock, carry_over (or all), and/or rule "
         "names such as district_cap[airport]; comma-separated or repeated. Default: every "
         "kind but allowed cells (linked periods: the rules across periods first)")]
WeightOpt = Annotated[list[str] | None, typer.Option(
    "--weight", "-w",
    help="Price of one hectare of change, KIND=W or RULE=W (default 1), e.g. districts=2")]
MethodOpt = Annotated[str, typer.Option(
    "--iis-method", help="auto (HiGHS, cross-checked by our deletion filter; the simpler set "
                         "wins), highs, deletion or certificate")]
IisTimeOpt = Annotated[float, typer.Option(
    "--iis-time-limit", help="Seconds HiGHS may spend on its IIS before the deletion filter "
                             "takes over")]


def print_diagnosis(d, console=None, lang: str = "both") -> None:
    """Sentences, arithmetic and the repair block, for people (present/diagnosis_screen)."""
    from landalloc.present.diagnosis_screen import print_diagnosis as show

    show(d, console, lang)


def diagnose_cmd(
    path: Annotated[str | None, typer.Argument(
        help="Instance name (zhengzhou), instance folder, or scenario YAML file")] = None,
    period: PeriodOpt = None,
    set_: SetOpt = None,
    relax: RelaxOpt = None,
    weight: WeightOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
    iis_method: MethodOpt = "auto",
    iis_time_limit: IisTimeOpt = 10.0,
    lang: LangOpt = "both",
) -> None:
    """Explain an infeasible period in the plan's terms and suggest the smallest repair.

    Names the rules that collide (an irreducible infeasible set), each with its bound and
    where it comes from (the plan's table, or the scenario key that changed it), the
    arithmetic that shows the conflict, and a ready-to-paste `set:` block: the least change
    in hectares, among the rules you let move, that makes the period feasible.
    Linked periods (--period all, p1,p2, or a scenario with period: all): the rules of
    every period and across them (horizon caps and totals, stock targets, carry-over); the
    repair moves the rules across periods first, and is checked by a re-solve.
    Exit codes: 0 feasible, 2 bad input, 3 infeasible (diagnosed).
    """
    from landalloc.api import diagnose_problem
    from landalloc.errors import InputError
    from landalloc.problem.build import load_problem
    from landalloc.problem.horizon import linked_spec

    if iis_method not in ("auto", "highs", "deletion", "certificate"):
        raise InputError.one(f"unknown method '{iis_method}' "
                             "(known: auto, highs, deletion, certificate)", file="--iis-method")
    spec = linked_spec(path, period)
    if spec is None:
        problem = load_problem(path, period, set_ or [])
        d = diagnose_problem(problem, relax, weight or [], iis_method, iis_time_limit)
    else:
        from landalloc.analysis.diagnosis import explain_linked
        from landalloc.problem.horizon import load_horizon

        problem = load_horizon(path, spec, set_ or [])
        d = explain_linked(problem, path, spec, list(set_ or []), relax, weight or [],
                           iis_method, iis_time_limit)
    if as_json:
        doc = {"name": problem.instance.name,
               "period": problem.instance.period if spec is None else spec,
               **({} if spec is None else {"periods_linked": problem.periods}),
               "status": "optimal" if d.feasible else "infeasible", **d.to_dict()}
        print_json(doc)
    else:
        from landalloc.present.answer import check_lang

        print_diagnosis(d, lang=check_lang(lang))
    if not d.feasible:
        raise typer.Exit(EXIT_INFEASIBLE)


def register(app: typer.Typer) -> None:
    app.command("diagnose")(diagnose_cmd)
