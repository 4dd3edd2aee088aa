"""`landalloc tradeoff`: the exact front between output and plan fit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from landalloc.cli.common import PeriodOpt, SetOpt


def register(app: typer.Typer) -> None:
    @app.command()
    def tradeoff(
        path: Annotated[str | None, typer.Argument(
            help="Instance (name or folder) or scenario file; default: zhengzhou")] = None,
        period: PeriodOpt = None,
        sets: SetOpt = None,
        as_json: Annotated[bool, typer.Option("--json", help="One JSON document on stdout")]
        = False,
        out: Annotated[Path | None, typer.Option(
            "--out", help="Write front.json, front.csv and front.png here")] = None,
        points: Annotated[int | None, typer.Option(
            "--points", help="Stop after this many points (default: every breakpoint)")]
        = None,
    ) -> None:
        """Maximise output subject to plan fit >= t, for every t: the exact front, its
        breakpoints, the cells that change and what each plan-fit point costs."""
        from landalloc.analysis.linked import refuse_linked
        from landalloc.analysis.tradeoff import front
        from landalloc.problem.build import load_problem

        refuse_linked(path, period, "tradeoff")
        problem = load_problem(path, period, sets)
        f = front(problem, points)
        doc = f.to_dict()
        if out is not None:
            _write(out, f, doc)
        if as_json:
            print(json.dumps(doc, ensure_ascii=False, indent=1))
            return
        from rich.console import Console
        from rich.table import Table

        c = Console()
        t = Table(title=f"Output vs plan fit — {f.name} {f.period} "
                        f"({len(f.points)} breakpoints, {f.lp_solves} LPs)")
        for col in ("#", f"output ({f.unit})", "plan fit", "cost per point", "cells changed"):
            t.add_column(col, justify="right")
        for k, p in enumerate(f.points):
            t.add_row(str(k), f"{p.objective:,.2f}", f"{p.plan_fit:,.0f}",
                      "—" if p.rate is None else f"{p.rate:,.4f}", str(len(p.changes)))
        c.print(t)
        for k, p in enumerate(f.points[1:], start=1):
            c.print(f"{k}: {p.words}", highlight=False, markup=False)


def _write(out: Path, f, doc: dict) -> None:
    import pandas as pd

    from landalloc.present.plots import _plt

    out.mkdir(parents=True, exist_ok=True)
    (out / "front.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1),
                                    encoding="utf-8")
    pd.DataFrame([{"objective": p.objective, "plan_fit": p.plan_fit,
                   "output_per_plan_fit_point": p.rate, "cells_changed": len(p.changes)}
                  for p in f.points]).to_csv(out / "front.csv", index=False)
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot([p.plan_fit for p in f.points], [p.objective for p in f.points], "o-")
    ax.set_xlabel("plan fit (Σ role weight · ha)")
    ax.set_ylabel(f"output ({'yi yuan' if '亿' in f.unit else f.unit})")
    ax.set_title(f"{f.name} {f.period}: output vs plan fit")
    fig.tight_layout()
    fig.savefig(out / "front.png", dpi=120)
    plt.close(fig)
