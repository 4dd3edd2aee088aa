"""`landalloc sensitivity`, `sweep` and `tornado`: what a hectare is worth, and over what range."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer

from landalloc.cli.common import (
    LangOpt,
    OnePeriodOpt,
    PeriodOpt,
    SetOpt,
    ThreadsOpt,
    TimeLimitOpt,
    VerboseOpt,
    options_from,
    print_json,
)
from landalloc.errors import InputError

#: Most points of a sweep per parameter, and in all (a 2-D grid): each is a warm re-solve.
MAX_SWEEP_STEPS = 10_000
MAX_SWEEP_POINTS = 100_000

PathArg = Annotated[str | None, typer.Argument(
    help="Instance name (zhengzhou), instance folder, or scenario YAML file")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document")]


def _records(df) -> list[dict]:
    clean = df.astype(object).where(df.notna(), None)
    out = clean.to_dict(orient="records")
    for rec in out:
        for k, v in rec.items():
            if isinstance(v, float) and v in (float("inf"), float("-inf")):
                rec[k] = None
    return out


def sensitivity_cmd(
    path: PathArg = None,
    period: PeriodOpt = None,
    set_: SetOpt = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write rules.csv, cells.csv and sensitivity.json here")] = None,
    as_json: JsonOpt = False,
    all_cells: Annotated[bool, typer.Option(
        "--all-cells", help="Show every allowed cell, not only those with land")] = False,
    time_limit: TimeLimitOpt = None,
    threads: ThreadsOpt = None,
    verbose: VerboseOpt = False,
    lang: LangOpt = "both",
) -> None:
    """Shadow prices, ranges and reduced costs: what one more hectare is worth, and where.

    For every rule: activity, bounds, binding or slack, the shadow price (output unit per ha of the
    rule's figure: 'one more ha of cap here adds X'), the range of the figure over which that
    price holds, and the value of one more and one less hectare measured by re-solving. For
    every cell: reduced cost and the output-per-ha range over which the allocation stays
    optimal. A degenerate optimum (several sets of prices are optimal) is flagged.
    Linked periods (--period all, p1,p2, or a scenario with period: all): every period's own
    rules, labelled by period, and the rules across periods, from the one LP.
    Exit codes: 0 solved, 2 bad input, 3 infeasible.
    """
    from landalloc.analysis.sensitivity import sensitivity
    from landalloc.present.analysis_files import write_sensitivity
    from landalloc.present.analysis_screen import print_sensitivity
    from landalloc.present.answer import check_lang
    from landalloc.problem.horizon import linked_spec

    options = options_from(time_limit, threads, verbose)
    spec = linked_spec(path, period)
    rep = sensitivity(path, period, set_ or [], options)  # linked periods too
    if out is not None and rep.status == "optimal":
        write_sensitivity(out, rep)
    if as_json:
        doc = rep.to_dict()
        if spec is not None:
            doc["periods_linked"] = rep.record.get("periods", [])
        print_json(doc)
    else:
        print_sensitivity(rep, all_cells=all_cells, lang=check_lang(lang))
    if rep.status != "optimal":
        raise typer.Exit(3)


def sweep_cmd(
    path: PathArg = None,
    param: Annotated[list[str], typer.Option(
        "--param", help="The --set path to move, e.g. districts.airport.cap or "
                        "sectors.electronics.quota.min; give it twice for a 2-D grid")] = ...,
    start: Annotated[list[float], typer.Option("--from", help="First value (per --param)")] = ...,
    stop: Annotated[list[float], typer.Option("--to", help="Last value (per --param)")] = ...,
    steps: Annotated[list[int] | None, typer.Option(
        "--steps", help=f"Number of points, ends included (per --param; default 21; "
                        f"2–{MAX_SWEEP_STEPS:,}, and at most {MAX_SWEEP_POINTS:,} points "
                        "in a 2-D grid)")] = None,
    period: OnePeriodOpt = None,
    set_: SetOpt = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write sweep.csv, sweep.parquet, sweep.png and record.json here")] = None,
    as_json: JsonOpt = False,
    rebuild: Annotated[bool, typer.Option(
        "--rebuild", help="Rebuild the LP at every point instead of re-solving warm")] = False,
    time_limit: TimeLimitOpt = None,
    threads: ThreadsOpt = None,
    verbose: VerboseOpt = False,
    lang: LangOpt = "both",
) -> None:
    """Solve over a range of one number (or a grid of two), re-solving warm.

    The parameter's footprint in the LP is found by formulating the plan at the sweep's ends
    and middle; the bounds, output-per-ha figures and matrix coefficients (a share) it moves
    then change in one live solver that keeps its basis. A parameter that changes the LP's
    rules or moves numbers non-linearly is rebuilt at every point, and the output says so.
    Infeasible points are recorded, not fatal. The plot marks the points where the optimal
    basis changes (the objective's breakpoints).
    """
    from landalloc.analysis.sensitivity import sweep
    from landalloc.present.analysis_files import write_sweep
    from landalloc.present.analysis_screen import print_sweep
    from landalloc.present.answer import check_lang

    if not (len(param) == len(start) == len(stop)):
        raise InputError.one("give one --from and one --to for each --param", file="--param")
    steps = list(steps or [])
    if len(steps) > len(param):
        raise InputError.one("more --steps than --param", file="--steps")
    steps += [21] * (len(param) - len(steps))
    if any(n > MAX_SWEEP_STEPS for n in steps) or math.prod(steps) > MAX_SWEEP_POINTS:
        raise InputError.one(f"{' x '.join(f'{n:,}' for n in steps)} points: at most "
                             f"{MAX_SWEEP_STEPS:,} per --param and {MAX_SWEEP_POINTS:,} in "
                             "all", file="--steps")
    spec = list(zip(param, start, stop, steps, strict=True))
    from landalloc.analysis.linked import refuse_linked

    refuse_linked(path, period, "sweep")
    df = sweep(path, spec, period=period, sets=set_ or [],
               options=options_from(time_limit, threads, verbose), rebuild=rebuild)
    if out is not None:
        write_sweep(out, df)
    if as_json:
        print_json({k: v for k, v in df.attrs.items() if k != "sectors"} | {"points": _records(df)})
    else:
        print_sweep(df, lang=check_lang(lang))


def tornado_cmd(
    path: PathArg = None,
    delta: Annotated[str, typer.Option(
        "--delta", help="How far to move each rule's figure: 10% (scaled) or 50 (ha)")] = "10%",
    period: OnePeriodOpt = None,
    set_: SetOpt = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write tornado.csv, tornado.png and record.json here")] = None,
    as_json: JsonOpt = False,
    time_limit: TimeLimitOpt = None,
    threads: ThreadsOpt = None,
    verbose: VerboseOpt = False,
    lang: LangOpt = "both",
) -> None:
    """Which rule costs the city most output: each rule's figure moved by ±delta, one at a time.

    Bounds move in one live solver (warm); a share moves through its fraction (rebuilt). Rules
    are sorted by swing, the larger change of the two moves; a move that makes the plan
    infeasible is shown as such.
    """
    from landalloc.analysis.linked import refuse_linked
    from landalloc.analysis.sensitivity import tornado
    from landalloc.present.analysis_files import write_tornado
    from landalloc.present.analysis_screen import print_tornado
    from landalloc.present.answer import check_lang

    refuse_linked(path, period, "tornado")
    df = tornado(path, delta, period, set_ or [], options_from(time_limit, threads, verbose))
    if out is not None:
        write_tornado(out, df)
    if as_json:
        print_json(dict(df.attrs) | {"rules": _records(df)})
    else:
        print_tornado(df, lang=check_lang(lang))


def register(app: typer.Typer) -> None:
    app.command("sensitivity")(sensitivity_cmd)
    app.command("sweep")(sweep_cmd)
    app.command("tornado")(tornado_cmd)
