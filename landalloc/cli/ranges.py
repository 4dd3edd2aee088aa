"""`landalloc ranges`: how far every cell can move without losing (much) output."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from landalloc.cli.common import (
    JsonOpt,
    LangOpt,
    PathArg,
    PeriodOpt,
    SetOpt,
    SlackOpt,
    linked_or_one,
    print_json,
    solved_or_exit,
)


def ranges_cmd(
    path: PathArg = None,
    period: PeriodOpt = None,
    set_: SetOpt = None,
    slack: SlackOpt = 0.0,
    as_json: JsonOpt = False,
    lang: LangOpt = "both",
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write ranges.json and ranges.csv here")] = None,
) -> None:
    """Min and max hectares of every allowed cell over all allocations with output ≥
    (1 − slack) × optimum: which cells the rules fix and which are free, and by how much.

    Linked periods (--period all, p1,p2, or a scenario with period: all): every cell of
    every period (and the carry-over) within the slack of the joint optimum.
    Exit codes: 0 done, 2 bad input, 3 infeasible, 4 not solved.
    """
    from landalloc.analysis.alternatives import ranges_problem
    from landalloc.present.alternatives_screen import print_ranges, write_alternatives_folder
    from landalloc.present.answer import check_lang

    problem = linked_or_one(path, period, set_ or [])
    rep = solved_or_exit(lambda: ranges_problem(problem, slack))
    doc = rep.to_dict()
    if out is not None:
        write_alternatives_folder(out, "ranges", doc, {"ranges.csv": rep.cells})
    if as_json:
        print_json(doc)
    else:
        print_ranges(rep, lang=check_lang(lang), inst=problem.instance)


def register(app: typer.Typer) -> None:
    app.command("ranges")(ranges_cmd)
