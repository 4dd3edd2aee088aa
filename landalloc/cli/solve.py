"""`landalloc solve`: the allocation that meets every quota and maximises output."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from landalloc.cli.common import (
    EXIT_INFEASIBLE,
    EXIT_NOT_SOLVED,
    BackendOpt,
    IncrementFromOpt,
    LangOpt,
    PeriodOpt,
    ScaleRulesOpt,
    SetOpt,
    ThreadsOpt,
    TimeLimitOpt,
    VerboseOpt,
    options_from,
    print_json,
)
from landalloc.errors import InputError


def solve_cmd(
    path: Annotated[str | None, typer.Argument(
        help="Instance name (zhengzhou), instance folder, or scenario YAML file")] = None,
    period: PeriodOpt = None,
    set_: SetOpt = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write allocation.csv, totals.csv, rules.csv, result.json and "
                      "record.json into this folder DIR")]
        = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
    report: Annotated[Path | None, typer.Option(
        "--report", help="Also write the report into this folder DIR: report.pdf (A4, to "
                         "print), report.html, report.xlsx and figures/*.png")] = None,
    backend: BackendOpt = None,
    time_limit: TimeLimitOpt = None,
    threads: ThreadsOpt = None,
    verbose: VerboseOpt = False,
    increment_from: IncrementFromOpt = "plan",
    forecast_set: Annotated[list[str] | None, typer.Option(
        "--forecast-set", help="Change a forecast parameter PATH=VALUE (with --increment-from "
                               "forecast), e.g. combine.anchor=quota")] = None,
    scale_rules: ScaleRulesOpt = "proportional",
    mode: Annotated[str, typer.Option(
        "--mode", help="Linked periods (--period all or p1,p2): joint (one LP) or "
                       "sequential (each period in turn, the earlier ones fixed)")] = "joint",
    lang: LangOpt = "both",
) -> None:
    """Solve one period, or linked periods as one LP: the sector x district allocation of
    the new industrial land.

    Prints the allocation matrix, totals against the plan, the projected output (in the
    instance's unit) and the binding rules with their shadow prices. Linked periods
    (--period all, a comma list such as 2021-2025,2026-2035, or a scenario with period:
    all): one LP over every period with the rules across periods (horizon caps and totals,
    stock targets, carry-over); --mode sequential solves them in turn. Exit codes: 0
    optimal, 2 bad input, 3 infeasible, 4 not solved (time limit, error).
    """
    from landalloc.api import solve
    from landalloc.problem.horizon import linked_spec

    spec = linked_spec(path, period)
    if spec is not None:
        if increment_from != "plan" or forecast_set:
            raise InputError.one("forecast reads one period; linked periods "
                                 "take the plan's new land (change it with --set)",
                                 file="--increment-from")
        _solve_linked(path, spec, list(set_ or []), mode, as_json, out, backend,
                      options_from(time_limit, threads, verbose), lang, report)
        return
    sets, increment = list(set_ or []), None
    if increment_from == "forecast":
        from landalloc.analysis.forecast import increment_overrides

        scaled, increment = increment_overrides(path, period, forecast_set, scale_rules)
        sets = scaled + sets  # the analyst's own --set values apply last
    elif increment_from != "plan" or forecast_set:
        raise InputError.one("--increment-from is plan or forecast; --forecast-set needs "
                             "--increment-from forecast", file="--increment-from")
    result = solve(path, period, sets, backend, options_from(time_limit, threads, verbose))
    if increment is not None:
        result.record["increment_from_forecast"] = increment
    if out is not None:
        from landalloc.atomic import write_result

        write_result(out, result)
    diagnosis = None
    if result.status == "infeasible":
        from landalloc.analysis.diagnosis import explain

        diagnosis = explain(result.lp, result.instance, _overrides(result))  # same LP
    if report is not None:
        from landalloc.api import plan_objective
        from landalloc.present.report import write_report

        write_report(result, report, plan_objective=plan_objective(result, backend))
    if as_json:
        doc = result.to_dict()
        if diagnosis is not None:
            doc["iis"] = diagnosis.to_dict()
            doc["repair"] = doc["iis"].pop("repair")
        if increment is not None:
            doc["increment_from_forecast"] = increment
        print_json(doc)
    else:  # the screen (rich) is imported only here: --json does not load it
        from landalloc.present.answer import check_lang
        from landalloc.present.screen import print_result

        if increment is not None:
            print(f"new land for {increment['period']} from the forecast: "
                  f"{increment['old_increment']:,.0f} -> {increment['new_increment']:,.0f} ha "
                  f"(rules scaled: {increment['scale_rules']}, x{increment['factor']:.4f})")
        if result.status == "infeasible":
            if diagnosis is not None:
                from landalloc.cli.diagnose import print_diagnosis

                print_diagnosis(diagnosis, lang=check_lang(lang))
            else:
                print("infeasible")
        else:
            from landalloc.api import plan_objective

            print_result(result, lang=check_lang(lang),
                         base_objective=plan_objective(result, backend))
    if result.status == "infeasible":
        raise typer.Exit(EXIT_INFEASIBLE)
    if not result.optimal:
        raise typer.Exit(EXIT_NOT_SOLVED)


def _solve_linked(path, spec, sets, mode, as_json, out, backend, options,
                  lang: str = "both", report: Path | None = None) -> None:
    """`--period all` (or a comma list): the linked periods, as one LP or in turn; an
    infeasible horizon is diagnosed (the conflict named in the plan's words), as one period
    is."""
    from landalloc.api import solve_horizon
    from landalloc.present.answer import check_lang
    from landalloc.present.horizon_screen import print_horizon

    lang = check_lang(lang)
    result = solve_horizon(path, spec, sets, backend, options, mode)
    if out is not None:
        from landalloc.atomic import write_horizon_result

        write_horizon_result(out, result)
    if report is not None and result.optimal:
        from landalloc.present.report.horizon import write_horizon_report

        write_horizon_report(result, report, lang)
    diagnosis = None
    if result.status == "infeasible":
        from landalloc.api import diagnose

        diagnosis = diagnose(path, spec, sets)
    if as_json:
        doc = result.to_dict()
        if diagnosis is not None:
            doc["iis"] = diagnosis.to_dict()
            doc["repair"] = doc["iis"].pop("repair")
        print_json(doc)
    elif diagnosis is not None:  # the conflict in the plan's words, then the repair
        from landalloc.cli.diagnose import print_diagnosis

        print_diagnosis(diagnosis, lang=lang)
    else:
        print_horizon(result, lang=lang)
    if result.status == "infeasible":
        raise typer.Exit(EXIT_INFEASIBLE)
    if not result.optimal:
        raise typer.Exit(EXIT_NOT_SOLVED)


def _overrides(result) -> list:
    """The overrides of the record, as Override objects (for provenance in a diagnosis)."""
    from landalloc.plan.overrides import Override

    return [Override(o["path"], o["new"], o["origin"], None, o["old"])
            for o in result.record.get("overrides", [])]


def register(app: typer.Typer) -> None:
    app.command("solve")(solve_cmd)
