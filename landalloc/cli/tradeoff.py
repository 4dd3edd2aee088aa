"""`landalloc tradeoff`: the exact front between output and plan fit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from landalloc.cli.common import (
    LangOpt,
    OnePeriodOpt,
    SetOpt,
    print_json,
    solved_or_exit,
    within,
)

#: Most points of the front one run computes (each is two LP solves).
MAX_POINTS = 10_000


def register(app: typer.Typer) -> None:
    @app.command("tradeoff")
    def tradeoff(
        path: Annotated[str | None, typer.Argument(
            help="Instance (name or folder) or scenario file; default: zhengzhou")] = None,
        period: OnePeriodOpt = None,
        sets: SetOpt = None,
        as_json: Annotated[bool, typer.Option("--json", help="One JSON document on stdout")]
        = False,
        out: Annotated[Path | None, typer.Option(
            "--out", help="Write front.json, front.csv and front.png here")] = None,
        points: Annotated[int | None, typer.Option(
            "--points", callback=within(1, MAX_POINTS),
            help=f"Stop after this many points (1–{MAX_POINTS:,}; default: every breakpoint)")]
        = None,
        lang: LangOpt = "both",
    ) -> None:
        """Maximise output subject to plan fit >= t, for every t: the exact front, its
        breakpoints, the cells that change and what each plan-fit point costs."""
        from landalloc.analysis.linked import refuse_linked
        from landalloc.analysis.tradeoff import front
        from landalloc.present.answer import check_lang
        from landalloc.present.tradeoff_screen import print_front, write_front
        from landalloc.problem.build import load_problem

        refuse_linked(path, period, "tradeoff")
        problem = load_problem(path, period, sets)
        f = solved_or_exit(lambda: front(problem, points))
        doc = f.to_dict()
        if out is not None:
            write_front(out, f, doc)
        if as_json:
            print_json(doc)
            return
        print_front(f, problem.instance, lang=check_lang(lang))
