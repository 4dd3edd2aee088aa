"""`landalloc check`: test an allocation table against the plan's rules."""

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
    linked_or_one,
    print_json,
    solved_or_exit,
)


def check_cmd(
    allocation: Annotated[Path, typer.Argument(
        help="The table FILE: solve --out's allocation.csv (sector,district,hectares; ids "
             "or names), the report's workbook report.xlsx (its allocation sheet: districts "
             "down, sectors across), or a matrix either way round as CSV or .xlsx")],
    path: PathArg = None,
    period: PeriodOpt = None,
    set_: SetOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "both",
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write check.json, violations.csv and nearest.csv here")] = None,
) -> None:
    """Check an allocation table: every rule it breaks, in the plan's words, its output
    against the optimum (a table above it is above only because it breaks rules), and the
    nearest feasible (or optimal) allocation.

    Linked periods (--period all, p1,p2, or a scenario with period: all): a table with the
    columns sector, district, period, hectares (solve --period all --out's allocation.csv)
    or the linked report's workbook, checked against every period's rules and the rules
    across periods; land a period leaves unused is read as carried over.
    Exit codes: 0 checked (whether or not the table meets the rules), 2 bad input (a bad
    table: file and line named), 3 the scenario itself is infeasible, 4 not solved.
    """
    import pandas as pd

    from landalloc.analysis.alternatives import check_problem
    from landalloc.present.alternatives_screen import print_check, write_alternatives_folder
    from landalloc.present.answer import check_lang

    problem = linked_or_one(path, period, set_ or [])
    rep = solved_or_exit(lambda: check_problem(problem, allocation))
    doc = rep.to_dict()
    if out is not None:
        tables = {"violations.csv": pd.DataFrame(doc["violations"] + doc["cells_not_allowed"])}
        for key, name in (("nearest", "nearest.csv"), ("nearest_optimal",
                                                       "nearest_optimal.csv")):
            blk = doc.get(key)
            if blk is not None:
                tables[name] = pd.DataFrame(blk["allocation"])
        write_alternatives_folder(out, "check", doc, tables)
    if as_json:
        print_json(doc)
    else:
        print_check(rep, lang=check_lang(lang), inst=problem.instance)


def register(app: typer.Typer) -> None:
    app.command("check")(check_cmd)
