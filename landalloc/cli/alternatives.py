"""`landalloc alternatives`: near-optimal allocations as different as possible."""

from __future__ import annotations

from pathlib import Path
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
    within,
)

#: Most alternatives one run looks for, and the largest seed (numpy's 32-bit seeds).
MAX_ALTERNATIVES = 100
MAX_SEED = 2**32 - 1


def alternatives_cmd(
    path: PathArg = None,
    period: OnePeriodOpt = None,
    set_: SetOpt = None,
    slack: SlackOpt = 0.02,
    n: Annotated[int, typer.Option("-n", "--number", callback=within(1, MAX_ALTERNATIVES),
                                   help=f"How many alternatives (1–{MAX_ALTERNATIVES}; each "
                                        "is a few LP solves)")] = 3,
    seed: Annotated[int, typer.Option("--seed", callback=within(0, MAX_SEED),
                                      help=f"Seed of the random tie-breaks (0–{MAX_SEED:,})")]
        = 0,
    direction: Annotated[list[str] | None, typer.Option(
        "--direction", "-d",
        help="more:NAMES or less:NAMES (districts, zones or sectors, comma separated), "
             "e.g. more:transformation or less:airport; one alternative each, first")] = None,
    as_json: JsonOpt = False,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write alternatives.json, alternative-K.csv (an allocation table "
                      "`landalloc check` reads) and alternative-K.yaml (a scenario that "
                      "`landalloc solve` solves to that allocation) here")] = None,
    lang: LangOpt = "both",
) -> None:
    """N allocations with output ≥ (1 − slack) × optimum, as different from each other
    as possible (modelling to generate alternatives), each with its output loss and the
    cells that differ from the optimum.

    Exit codes: 0 done, 2 bad input, 3 infeasible, 4 not solved.
    """
    import pandas as pd

    from landalloc.analysis.alternatives import alternatives_problem
    from landalloc.analysis.linked import refuse_linked
    from landalloc.present.alternatives_screen import (
        print_alternatives,
        write_alternatives_folder,
    )
    from landalloc.present.answer import check_lang
    from landalloc.problem.build import load_problem

    refuse_linked(path, period, "alternatives")
    problem = load_problem(path, period, set_ or [])
    rep = solved_or_exit(lambda: alternatives_problem(problem, slack, n, seed, direction))
    doc = rep.to_dict()
    if out is not None:
        from landalloc.plan.locate import resolve_input
        from landalloc.present.alternatives_screen import alternative_scenario

        tables = {f"alternative-{a['id']}.csv": pd.DataFrame(
            a["allocation"], columns=["sector", "district", "hectares"]) for a in rep.items}
        base = resolve_input(path)
        scenarios = {f"alternative-{a['id']}.yaml": alternative_scenario(
            base, problem.instance.period, list(set_ or []), a, problem.instance.allowed)
            for a in doc["alternatives"]}
        write_alternatives_folder(out, "alternatives", doc, tables, scenarios)
    if as_json:
        print_json(doc)
    else:
        print_alternatives(rep, lang=check_lang(lang), inst=problem.instance)


def register(app: typer.Typer) -> None:
    app.command("alternatives")(alternatives_cmd)
