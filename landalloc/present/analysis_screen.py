"""Rich tables for sensitivity reports, sweeps and tornado charts."""

from __future__ import annotations

import math

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from landalloc.solver.sensitivity import SensitivityReport


def _f(v, digits: int = 4) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if isinstance(v, float) and math.isinf(v):
        return "∞" if v > 0 else "-∞"
    return f"{v:,.{digits}f}"


def _bound(lo: float, hi: float) -> str:
    if lo == hi:
        return f"= {_f(lo, 0)}"
    parts = []
    if math.isfinite(lo):
        parts.append(f"≥ {_f(lo, 0)}")
    if math.isfinite(hi):
        parts.append(f"≤ {_f(hi, 0)}")
    return " ".join(parts) or "—"


def print_sensitivity(rep: SensitivityReport, console: Console | None = None,
                      all_cells: bool = False) -> None:
    """Rules ranked by shadow price, then the cells; the degeneracy notes first."""
    console = console or Console()
    unit = rep.objective_unit
    if rep.status != "optimal":
        console.print(f"status: [bold red]{rep.status}[/] — no prices for an unsolved plan")
        for n in rep.notes:
            console.print(n)
        return
    console.print(f"Projected output: [bold]{_f(rep.objective, 1)} {unit}[/]", highlight=False)
    for n in rep.notes:
        console.print(f"[yellow]note:[/] {escape(n)}")

    t = Table(title=f"Rules, ranked by shadow price ({unit} per ha of the rule's figure)")
    for col, just in (("rule", "left"), ("activity", "right"), ("bound", "right"),
                      ("state", "left"), ("shadow price", "right"), ("one more ha", "right"),
                      ("one less ha", "right"), ("price holds for bound in", "right"),
                      ("meaning", "left")):
        t.add_column(col, justify=just, overflow="fold")
    for _, r in rep.rules.iterrows():
        state = r["side"] + (" [yellow]degenerate[/]" if r["degenerate"] else "")
        rng = f"[{_f(r['range_lower'], 1)}, {_f(r['range_upper'], 1)}]"
        t.add_row(escape(f"{r['name']}\n{r['label_zh']}"), _f(r["activity"], 1),
                  _bound(r["lower"], r["upper"]), state, _f(r["shadow_price"]),
                  _f(r["value_one_more_ha"]), _f(r["value_one_less_ha"]), rng,
                  escape(r["meaning"]))
    console.print(t)
    console.print(
        "Shadow price: change of output per ha the rule's active figure rises (a cap, a "
        "minimum, or a fixed figure). 'one more ha' / 'one less ha': measured by re-solving "
        "with the figure 0.1% higher / lower, per ha (— : that move alone is infeasible). "
        "For a rule with slack the range is of the bound nearest the activity.", style="dim")

    cells = rep.cells[rep.cells["allowed"]]
    if not all_cells:
        used = cells[cells["hectares"] > 0]
        unused = cells[cells["hectares"] <= 0].sort_values("reduced_cost", ascending=False)
        cells = pd.concat([used, unused.head(10)])
    tc = Table(title=f"Cells: reduced cost and output-per-ha range ({unit}/ha)")
    for col, just in (("sector", "left"), ("district", "left"), ("ha", "right"),
                      ("output/ha", "right"), ("reduced cost", "right"),
                      ("allocation optimal for output/ha in", "right"), ("meaning", "left")):
        tc.add_column(col, justify=just, overflow="fold")
    for _, r in cells.iterrows():
        tc.add_row(escape(f"{r.get('sector_zh', '')} {r['sector']}"),
                   escape(f"{r.get('district_zh', '')} {r['district']}"),
                   _f(r["hectares"], 1), _f(r["output_per_ha"]), _f(r["reduced_cost"]),
                   f"[{_f(r['cost_range_lower'])}, {_f(r['cost_range_upper'])}]"
                   + (" [yellow]degenerate[/]" if r["degenerate"] else ""),
                   escape(r["meaning"]))
    console.print(tc)
    if not all_cells:
        console.print("Cells with land, and the 10 unused cells closest to entering "
                      "(--all-cells for every allowed cell).", style="dim")


def print_sweep(df: pd.DataFrame, console: Console | None = None) -> None:
    console = console or Console()
    params = df.attrs.get("params", [])
    unit = df.attrs.get("objective_unit", "亿元")
    method = df.attrs.get("method", "")
    head = f"Sweep of {' x '.join(params)}: {len(df)} points, {method} re-solve"
    if df.attrs.get("reason"):
        head += f" ({df.attrs['reason']})"
    console.print(head, highlight=False)
    for m in df.attrs.get("mapping", []):
        console.print(f"  {escape(m)}", style="dim", highlight=False)
    t = Table()
    for p in params:
        t.add_column(p, justify="right")
    t.add_column("status")
    t.add_column(f"output ({unit})", justify="right")
    for p in params:
        t.add_column(f"d output / d {p.split('.')[-2] if '.' in p else p}", justify="right")
    t.add_column("basis changed")
    for _, r in df.iterrows():
        t.add_row(*[_f(r[p], 4 if abs(r[p]) < 10 else 1) for p in params], r["status"],
                  _f(r.get("objective"), 3),
                  *[_f(r.get(f"marginal[{p}]")) for p in params],
                  "◆" if r.get("basis_changed") is True else "")
    console.print(t)


def print_tornado(df: pd.DataFrame, console: Console | None = None) -> None:
    console = console or Console()
    unit = df.attrs.get("objective_unit", "亿元")
    delta = df.attrs.get("delta", "")
    console.print(f"Base output {_f(df.attrs.get('objective'), 1)} {unit}; each rule's figure "
                  f"moved by ±{delta}, one at a time", highlight=False)
    t = Table(title=f"Tornado ({unit} change)")
    for col, just in (("rule", "left"), ("bound", "right"), (f"- {delta}", "right"),
                      (f"+ {delta}", "right"), ("swing", "right"), ("source", "left")):
        t.add_column(col, justify=just, overflow="fold")

    def side(r, tag: str) -> str:
        st = r[f"status_{tag}"]
        return _f(r[f"change_{tag}"], 2) if st == "optimal" else str(st)

    for _, r in df.iterrows():
        t.add_row(escape(f"{r['name']}\n{r['label_zh']}"), _bound(r["lower"], r["upper"]),
                  side(r, "low"), side(r, "high"), _f(r["swing"], 2),
                  escape(str(r["source"])))
    console.print(t)
