"""Rich tables for people; machines get --json."""

from __future__ import annotations

import math

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from landalloc.results.result import Result


def _missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and (math.isnan(v) or math.isinf(v)))


def _fmt(v: float | None, digits: int = 0) -> str:
    if _missing(v):
        return "—"
    return f"{v:,.{digits}f}"


def _plan(lo: float | None, hi: float | None) -> str:
    lo = None if _missing(lo) else lo
    hi = None if _missing(hi) else hi
    if lo is None and hi is None:
        return "—"
    if lo is not None and hi is not None and lo == hi:
        return _fmt(lo)
    if lo is None:
        return f"≤ {_fmt(hi)}"
    if hi is None:
        return f"≥ {_fmt(lo)}"
    return f"{_fmt(lo)}–{_fmt(hi)}"


def print_result(result: Result, console: Console | None = None) -> None:
    """Allocation matrix, totals against the plan, output, binding rules."""
    console = console or Console()
    inst = result.instance
    head = f"{inst.title or inst.name} — period {inst.period}"
    console.print(f"[bold]{head}[/]", highlight=False)
    if not result.optimal:
        console.print(f"status: [bold red]{result.status}[/] ({result.raw.message})")
        return
    m = result.matrix().T  # districts down, sectors across: fits a terminal
    used = [d for d in m.index if m.loc[d].sum() > 0]
    t = Table(title="New industrial land allocated (ha), districts with land",
              show_footer=True)
    t.add_column("district", footer="total")
    for s in m.columns:
        t.add_column(f"{inst.sectors[s].zh}\n{s}", justify="right", footer=_fmt(m[s].sum()))
    t.add_column("total", justify="right", footer=_fmt(m.values.sum()))
    for d in used:
        t.add_row(f"{inst.districts[d].zh} {d}",
                  *[_fmt(m.loc[d, s]) if m.loc[d, s] else "·" for s in m.columns],
                  _fmt(m.loc[d].sum()))
    console.print(t)

    for kind in ("sector", "district", "zone"):
        df = result.totals(kind)
        tt = Table(title=f"Totals by {kind} against the plan (ha)")
        for col, just in ((kind, "left"), ("allocated", "right"), ("plan", "right"),
                          ("source", "left")):
            tt.add_column(col, justify=just, overflow="fold")
        for _, r in df.iterrows():
            tt.add_row(f"{r['zh']} {r['id']}", _fmt(r["hectares"]),
                       _plan(r["plan_min"], r["plan_max"]),
                       "" if _missing(r["source"]) else str(r["source"]))
        console.print(tt)

    rules = result.rules()
    binding = rules[rules["binding"].astype(bool)]
    tr = Table(title="Binding rules: what one more / one less unit of the figure is worth "
                     f"({result.lp.objective_unit})")
    for col, just in (("rule", "left"), ("activity", "right"), ("bound", "right"),
                      ("shadow price", "right"), ("+1 / −1 measured", "right"),
                      ("source", "left")):
        tr.add_column(col, justify=just, overflow="fold")
    for _, r in binding.iterrows():
        lo = None if math.isinf(r["lower"]) else r["lower"]
        hi = None if math.isinf(r["upper"]) else r["upper"]
        price = _fmt(r["shadow_price"], 4) if r["price_unique"] else "not unique"
        tr.add_row(escape(f"{r['name']}\n{r['label_zh']}"), _fmt(r["activity"]),
                   _plan(lo, hi), price,
                   f"{_measured(r['value_one_more_ha'])} / {_measured(r['value_one_less_ha'])}",
                   escape(str(r["source"])))
    console.print(tr)
    console.print(
        f"Projected output of the new land: [bold]{_fmt(result.objective, 1)} "
        f"{result.lp.objective_unit}[/]   status: {result.status}   "
        f"max violation: {result.max_violation:.2e}", highlight=False)
    pf = result.plan_fit()
    if pf is not None:
        from landalloc.results.plan_fit import screen_line

        console.print(screen_line(pf), highlight=False)
    for note in (result.analysis.notes if result.analysis is not None else []):
        console.print(f"note: {note}", style="yellow", highlight=False)
    console.print("Shadow price: the change of output per unit of the rule's figure, shown only "
                  "where it is unique; '+1 / −1': the change measured by re-solving with one "
                  "unit more / less ('infeasible': that move alone breaks the plan).",
                  style="dim")


def _measured(v: float) -> str:
    return "infeasible" if _missing(v) else f"{v:+.4f}"
