"""`landalloc compare A B ...`: solve scenarios side by side; show what moved."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from landalloc.cli.common import JsonOpt, LangOpt, OnePeriodOpt, SetOpt, print_json
from landalloc.solver.base import Tolerance

if TYPE_CHECKING:
    import pandas as pd

#: Hectares closer than this are the same (the default tolerance policy's).
HA_TOL = Tolerance().ha


def solve_all(refs: list[str], period: str | None = None,
              sets: list[str] | None = None) -> list:
    """Each scenario solved once (the table and the report both read these results);
    `sets` (--set) apply to every scenario, after its own."""
    from landalloc.api import solve

    return [solve(ref, period, list(sets or [])) for ref in refs]


def comparison(refs: list[str] | list, period: str | None = None) -> pd.DataFrame:
    """One wide table: objective, totals per sector/district/zone, then every cell.

    `refs`: scenario references, or results already solved. Columns: kind, item, label,
    one column per scenario (hectares; the instance's output unit for the objective), and
    `change: NAME` against the first scenario for each other one.
    """
    import pandas as pd

    from landalloc.results.result import Result

    results = refs if refs and isinstance(refs[0], Result) else solve_all(refs, period)
    names: list[str] = []
    frames = []
    for result in results:
        name = (result.record.get("scenario") or
                f"{result.instance.name} {result.instance.period}")
        while name in names:
            name += "'"
        names.append(name)
        inst = result.instance
        rows = [{"kind": "objective", "item": "objective",
                 "label": f"projected output ({result.lp.objective_unit}); {result.status}",
                 name: result.objective}]
        if result.optimal:
            for kind in ("sector", "district", "zone"):
                for r in result.totals(kind).itertuples():
                    rows.append({"kind": kind, "item": r.id, "label": f"{r.zh} {r.en}",
                                 name: r.hectares})
            m = result.matrix()
            for s in m.index:
                for d in m.columns:
                    if inst.is_allowed(s, d):
                        rows.append({"kind": "cell", "item": f"{s},{d}",
                                     "label": f"{inst.sectors[s].zh} × {inst.districts[d].zh}",
                                     name: float(m.loc[s, d])})
        frames.append(pd.DataFrame(rows).set_index(["kind", "item", "label"]))
    table = pd.concat(frames, axis=1, join="outer")
    order = {"objective": 0, "sector": 1, "district": 2, "zone": 3, "cell": 4}
    table = table.reset_index()
    table["_o"] = table["kind"].map(order)
    table = table.sort_values("_o", kind="stable").drop(columns="_o").reset_index(drop=True)
    for other in names[1:]:
        table[f"change: {other}"] = table[other] - table[names[0]]
    from landalloc.results.moves import move_reasons

    cell = table["kind"] == "cell"
    for other, result in zip(names[1:], results[1:], strict=True):
        change = table[f"change: {other}"]
        moved = cell & (change.abs() > HA_TOL)
        keys = [tuple(i.split(",")) for i in table.loc[moved, "item"]]
        why = move_reasons(results[0], result, keys)
        table[f"why: {other}"] = [why.get(tuple(i.split(",")), "") if m else ""
                                  for i, m in zip(table["item"], moved, strict=True)]
    return table


def moved_cells(table: pd.DataFrame) -> pd.DataFrame:
    """Cells whose hectares differ from the first scenario's (or appear in only some)."""
    change = [c for c in table.columns if c.startswith("change: ")]
    cells = table[table["kind"] == "cell"]
    if not change:
        return cells.iloc[0:0]
    moved = (cells[change].abs() > HA_TOL).any(axis=1) | cells[change].isna().any(axis=1)
    return cells[moved]


def compare_cmd(
    scenarios: Annotated[list[str], typer.Argument(
        help="Two or more scenario files or instances; the first is the reference")],
    period: OnePeriodOpt = None,
    set_: SetOpt = None,
    as_json: JsonOpt = False,
    out: Annotated[Path | None, typer.Option(
        "--out", metavar="FILE", help="Write the whole comparison to this CSV FILE")] = None,
    report: Annotated[Path | None, typer.Option(
        "--report", help="Also write the comparison report into this folder DIR: "
                         "report.pdf, report.html, report.xlsx and figures/*.png")]
        = None,
    lang: LangOpt = "both",
) -> None:
    """Totals side by side, and the sector x district cells that moved (ha).

    Moved cells are split in two: those the scenario moved (its optimum cannot keep them
    at the base's value) and those that moved only among allocations of equal output.
    --set applies to every scenario (after its own set:). --json prints each scenario's
    status and output with its change against the first, and every row of the table.
    """
    from rich.console import Console

    from landalloc.atomic import write_csv
    from landalloc.errors import InputError

    if len(scenarios) < 2:
        raise InputError.one("compare needs at least two scenarios")
    if report is not None:
        from landalloc.present.report.labels import check_lang

        check_lang(lang)
    from landalloc.analysis.linked import refuse_linked

    for ref in scenarios:
        refuse_linked(ref, period, "compare")
    results = solve_all(scenarios, period, set_)
    table = comparison(results)
    names = [c for c in table.columns if c not in ("kind", "item", "label")
             and not c.startswith(("change: ", "why: "))]
    if as_json:
        print_json(comparison_doc(results, table, names))
        if out is not None:
            write_csv(out, table)
        if report is not None:
            from landalloc.present.report import write_comparison_report

            write_comparison_report(results, report, lang)
        return
    console = Console()
    from landalloc.present.answer import check_lang
    from landalloc.present.compare_screen import print_comparison

    print_comparison(results, table, names, moved_cells(table), console, check_lang(lang))
    if out is not None:
        write_csv(out, table)
        console.print(f"written: {out}", highlight=False)
    if report is not None:
        from landalloc.present.report import write_comparison_report

        write_comparison_report(results, report, lang)
        console.print(f"report: {report}/report.html", highlight=False)


def comparison_doc(results: list, table: pd.DataFrame, names: list[str]) -> dict:
    """The --json document: each scenario (name, period, status, output and its change
    against the first), the cells that moved, and every row of the comparison table (a
    value a scenario does not have is null)."""
    import math

    def clean(v):
        return None if isinstance(v, float) and not math.isfinite(v) else v

    base = results[0].objective
    scen = [{"name": n, "period": r.instance.period, "status": r.status,
             "objective": r.objective,
             "change": (None if r.objective is None or base is None
                        else r.objective - base)}
            for n, r in zip(names, results, strict=True)]
    rows = [{k: clean(v) for k, v in row.items()} for row in table.to_dict("records")]
    moved = moved_cells(table)
    return {"base": names[0], "objective_unit": results[0].lp.objective_unit,
            "scenarios": scen, "cells_moved": len(moved), "table": rows}


def _fmt(v, signed: bool = False) -> str:
    import pandas as pd

    if v is None or pd.isna(v):
        return "—"
    if signed:
        return "0" if abs(v) < HA_TOL else f"{v:+,.1f}"
    return f"{v:,.1f}"


def register(app: typer.Typer) -> None:
    app.command("compare")(compare_cmd)
