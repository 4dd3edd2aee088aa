"""`landalloc report`: solve and write the Excel workbook, the HTML page and the charts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from landalloc.cli.common import (
    EXIT_INFEASIBLE,
    EXIT_NOT_SOLVED,
    BackendOpt,
    PeriodOpt,
    SetOpt,
    ThreadsOpt,
    TimeLimitOpt,
    VerboseOpt,
    options_from,
)
from landalloc.errors import InputError

LangOpt = Annotated[str, typer.Option(
    "--lang", metavar="zh|en|both",
    help="Language of the report: zh (中文 only), en (English) or both")]


def report_cmd(
    paths: Annotated[list[str] | None, typer.Argument(
        help="Instance name (zhengzhou), instance folder or scenario YAML file; with "
             "--compare, several (the first is the base)")] = None,
    out: Annotated[Path, typer.Option(
        "--out", "-o", help="Folder for report.pdf, report.html, report.xlsx and "
                            "figures/*.png")]
        = Path("report"),
    lang: LangOpt = "both",
    compare: Annotated[bool, typer.Option(
        "--compare", help="Compare the scenarios: what moved against the first, by how "
                          "much, and the change in output")] = False,
    vs: Annotated[list[str] | None, typer.Option(
        "--vs", help="Compare against the first scenario with this override added "
                     "(PATH=VALUE, repeatable; all --vs together make one more scenario). "
                     "Implies --compare")] = None,
    period: PeriodOpt = None,
    set_: SetOpt = None,
    ranging: Annotated[bool, typer.Option(
        "--ranging/--no-ranging", help="Add HiGHS ranging of the binding rules' bounds")]
        = True,
    backend: BackendOpt = "highs",
    time_limit: TimeLimitOpt = None,
    threads: ThreadsOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Write a report an analyst can hand on: a printable A4 PDF (conclusion first, the
    plan's tables 3-1 to 3-5 beside the allocation, the matrix, map and charts), an Excel
    workbook, one self-contained HTML page with charts (each also as PNG), in Chinese,
    English or both.

    \b
    More examples:
      landalloc report instances/zhengzhou/scenarios/horizon-stock-targets.yaml --out hz
      landalloc report --period all --out hz        # both periods linked, one report
      landalloc report --compare zhengzhou --vs districts.airport.cap=1500
          --vs zones.leading.total=2700 --vs zones.transformation.total=3100 --out cmp
      landalloc report --compare base.yaml variant.yaml --out cmp

    --set applies to every scenario. Exit codes: 0 written, 2 bad input, 3 a scenario is
    infeasible (its report is still written), 4 not solved.
    """
    from landalloc.api import solve
    from landalloc.present.report import write_comparison_report, write_report
    from landalloc.present.report.labels import check_lang

    check_lang(lang)
    refs: list[str | None] = list(paths or []) or [None]
    compare = compare or bool(vs)
    if len(refs) > 1 and not compare:
        raise InputError.one(f"{len(refs)} scenarios given: add --compare to compare them, "
                             "or give one", key="PATH")
    options = options_from(time_limit, threads, verbose)
    sets = list(set_ or [])
    from landalloc.problem.horizon import linked_spec

    spec = linked_spec(refs[0], period) if not compare else None
    if spec is None and compare and period is not None and linked_spec(None, period):
        raise InputError.one("--compare takes one period; linked periods (--period all) are "
                             "reported one scenario at a time", key="--period")
    if spec is not None:
        _linked(refs[0], spec, sets, backend, options, out, lang)
        return
    results = [solve(ref, period, sets, backend, options) for ref in refs]
    if vs:
        results.append(solve(refs[0], period, [*sets, *vs], backend, options))
    if compare:
        if len(results) < 2:
            raise InputError.one("--compare needs two scenarios: give another PATH or --vs",
                                 key="--compare")
        written = write_comparison_report(results, out, lang)
    else:
        from landalloc.api import plan_objective

        plan = plan_objective(results[0], backend)
        written = write_report(results[0], out, lang, ranging=ranging, plan_objective=plan)
    for path in written:
        if path.suffix in (".pdf", ".html", ".xlsx"):
            print(path)
    print(f"{sum(p.suffix == '.png' for p in written)} charts in {out / 'figures'}")
    statuses = [r.status for r in results]
    if "infeasible" in statuses:
        raise typer.Exit(EXIT_INFEASIBLE)
    if any(s != "optimal" for s in statuses):
        raise typer.Exit(EXIT_NOT_SOLVED)


def _linked(ref, spec, sets, backend, options, out, lang) -> None:
    """Linked periods: one LP over the periods, one report of the horizon."""
    from landalloc.api import solve_horizon
    from landalloc.present.report.horizon import write_horizon_report

    result = solve_horizon(ref, spec, sets, backend, options)
    written = write_horizon_report(result, out, lang)
    for path in written:
        if path.suffix in (".pdf", ".html", ".xlsx"):
            print(path)
    print(f"{sum(p.suffix == '.png' for p in written)} charts in {out / 'figures'}")
    if result.status == "infeasible":
        raise typer.Exit(EXIT_INFEASIBLE)
    if not result.optimal:
        raise typer.Exit(EXIT_NOT_SOLVED)


def register(app: typer.Typer) -> None:
    app.command("report")(report_cmd)
