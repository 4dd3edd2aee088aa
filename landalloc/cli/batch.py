"""`landalloc batch`: solve many scenarios into one set of result tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from landalloc.cli.common import (
    JobsOpt,
    PeriodOpt,
    SchedulerOpt,
    TimeLimitOpt,
    choice,
    within,
)


def batch_cmd(
    inputs: Annotated[list[str] | None, typer.Argument(
        help="Scenario files, folders (every .yaml inside), globs ('runs/**/*.yaml') or "
             "override tables (.parquet/.csv: a 'scenario' column and one column per "
             "--set path)")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Results folder")] = Path("results"),
    jobs: JobsOpt = 1,
    scheduler: SchedulerOpt = None,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Finish an interrupted batch in --out: solve only what is missing")]
        = False,
    overwrite: Annotated[bool, typer.Option(
        "--overwrite", help="Replace an earlier batch in --out")] = False,
    base: Annotated[str | None, typer.Option(
        "--base", help="What an override table's rows change when it has no 'extends' "
                       "column: an instance (zhengzhou) or a scenario file")] = None,
    period: PeriodOpt = None,
    chunk_size: Annotated[int | None, typer.Option(
        "--chunk-size", callback=within(1, 100_000),
        help="Scenarios per chunk sent to a worker, 1–100,000 (default 50 files or 500 "
             "table rows)")] = None,
    time_limit: TimeLimitOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar")] = False,
    report_dir: Annotated[Path | None, typer.Option(
        "--report", help="Also write a report (HTML, PDF, Excel, charts) of the best "
                         "single-period scenario with its parameters, and every scenario's "
                         "change in output against the base (--base, else the plan), over "
                         "the batch and against each varied parameter")] = None,
    lang: Annotated[str, typer.Option(
        "--lang", callback=choice("zh", "en", "both"),
        metavar="zh|en|both",
        help="Language of the summary on screen and of the report: zh, en or both")]
        = "both",
) -> None:
    """Solve every scenario, in parallel, into summary / allocation / rules tables.

    A scenario that cannot be read or solved is a row of the summary with its status
    (invalid, infeasible, error, ...) and message: it never stops the batch. Results are
    written chunk by chunk; after a crash, `--resume` solves only the missing scenarios
    and the final tables hold every scenario exactly once.

    A scenario of linked periods (`period: all`, or `--period all`) is solved as the one
    joint LP of `landalloc solve --period all`.

    Writes OUT/summary.parquet (scenario, file, period, status, objective, output, max
    violation, solve time, message, and one column per --set path the scenarios change,
    holding the value used), OUT/allocation.parquet (scenario, period, sector, district,
    ha), OUT/rules.parquet (each rule's period — "" across linked periods — activity,
    bounds and shadow price, NaN where not unique) and OUT/infeasible_groups.json (the
    infeasible scenarios grouped by the rules that conflict); CSV copies up to 10,000
    scenarios and results.xlsx up to 1,000.
    """
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    from landalloc.batch import run_batch

    if report_dir is not None:  # a bad --lang is an error before anything is solved
        from landalloc.present.report.labels import check_lang

        check_lang(lang)
    from landalloc.solver import SolverOptions

    class RateColumn(ProgressColumn):
        def render(self, task) -> Text:
            speed = task.finished_speed or task.speed
            return Text("" if speed is None else f"{speed:,.0f}/s", style="cyan")

    console = Console(stderr=True)
    bar = Progress(TextColumn("[bold]solving"), BarColumn(), MofNCompleteColumn(),
                   RateColumn(), TimeElapsedColumn(), TextColumn("ETA"),
                   TimeRemainingColumn(), console=console, disable=quiet)
    task = None

    def start(total: int, already: int) -> None:
        nonlocal task
        if already and not quiet:
            console.print(f"resuming: {already:,} of {total:,} scenarios already solved")
        task = bar.add_task("batch", total=total - already)

    def step(n: int, total: int) -> None:
        bar.advance(task, n)

    from landalloc.batch.run import BatchInterrupted
    from landalloc.cli.failure import EXIT_INTERRUPTED

    try:
        with bar:
            report = run_batch(list(inputs or []), out, jobs=jobs, scheduler=scheduler,
                               resume=resume, overwrite=overwrite, base=base, period=period,
                               chunk_size=chunk_size,
                               options=SolverOptions(time_limit=time_limit),
                               progress=step, start=start)
    except BatchInterrupted as stop:
        console.print(str(stop), highlight=False)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    counts = ", ".join(f"{k} {v:,}" for k, v in sorted(report.statuses.items()))
    console.print(f"{report.total:,} scenarios ({counts}); solved {report.solved_now:,} now "
                  f"in {report.seconds:.1f} s ({report.rate:,.0f}/s on {report.workers} "
                  f"worker{'s' if report.workers > 1 else ''})", highlight=False)
    console.print(f"results: {out}/summary.parquet, allocation.parquet, rules.parquet",
                  highlight=False)
    _print_summary(out, lang)
    if report_dir is not None:
        from landalloc.batch.report import write_batch_report

        write_batch_report(out, report_dir, base, period, lang)
        console.print(f"report: {report_dir}/report.html (the best scenario; every "
                      "scenario's change against the base)", highlight=False)


def _print_summary(out: Path, lang: str) -> None:
    """The batch's answer on stdout: best and worst scenarios with their parameters, the
    infeasible groups (diagnosed once, when the batch finished)."""
    import json

    import pandas as pd
    from rich.console import Console

    from landalloc.batch.groups import read_groups
    from landalloc.batch.params import parameters
    from landalloc.batch.report import output_unit
    from landalloc.present.answer import check_lang
    from landalloc.present.batch_screen import print_batch

    path = out / "summary.parquet"
    if not path.is_file():
        return
    summary = pd.read_parquet(path)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    print_batch(summary, parameters(summary), read_groups(out), Console(), check_lang(lang),
                unit=output_unit(summary, manifest.get("base")))


def register(app: typer.Typer) -> None:
    app.command("batch")(batch_cmd)
