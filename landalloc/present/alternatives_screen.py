"""Screens and output folders of check, ranges, alternatives and explain."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.table import Table

from landalloc.analysis.alternatives import (
    AlternativesReport,
    CheckReport,
    ExplainReport,
    RangesReport,
)


def _out(console: Console, text: str, **kw) -> None:
    console.print(text, markup=False, highlight=False, soft_wrap=True, **kw)


def _moves(console: Console, moves: list[dict], limit: int = 20) -> None:
    for m in moves[:limit]:
        _out(console, f"  {m['label']}: {m['from']:,.1f} → {m['to']:,.1f} ha "
                      f"({m['change']:+,.1f})")
    if len(moves) > limit:
        _out(console, f"  … and {len(moves) - limit} more cells")


def print_check(rep: CheckReport, console: Console | None = None) -> None:
    console = console or Console()
    unit = rep.objective_unit
    if rep.feasible:
        _out(console, "The table meets every rule of the plan.", style="bold green")
    else:
        _out(console, f"The table breaks {len(rep.violations) + len(rep.not_allowed)} "
                      "rule(s) of the plan:", style="bold red")
        for s in rep.sentences():
            _out(console, f"  - {s}")
    share = rep.gap / abs(rep.optimum) if rep.optimum else 0.0
    _out(console, f"Projected output: {rep.objective:,.2f} {unit}; optimum "
                  f"{rep.optimum:,.2f} {unit}; gap {rep.gap:,.2f} {unit} ({share:.2%})")
    n = rep.nearest
    if n is not None and not rep.feasible:
        _out(console, f"Nearest feasible allocation: {n['moved_ha']:,.1f} ha moved, output "
                      f"{n['objective']:,.2f} {unit}", style="bold")
        _moves(console, n["moves"])
    o = rep.nearest_optimal
    if o is not None:
        if o["moved_ha"] <= 1e-6:
            _out(console, "The table is optimal: no cell has to move.")
        else:
            _out(console, f"To close the gap, the nearest optimal allocation moves "
                          f"{o['moved_ha']:,.1f} ha:", style="bold")
            _moves(console, o["moves"])


def print_ranges(rep: RangesReport, console: Console | None = None) -> None:
    console = console or Console()
    what = "the optimal face (every allocation of optimal output)" if rep.slack <= 0 else \
        f"every allocation with output ≥ {1 - rep.slack:.2%} of the optimum"
    _out(console, f"Range of every allowed cell over {what}; optimum {rep.optimum:,.2f} "
                  f"{rep.objective_unit}", style="bold")
    t = Table(show_lines=False)
    for h in ("cell", "solve (ha)", "min", "max", ""):
        t.add_column(h, justify="left" if h in ("cell", "") else "right")
    fixed = free = 0
    for r in rep.cells.itertuples():
        if r.room <= 0:
            fixed += 1
            word = "fixed by the rules"
        else:
            free += 1
            word = f"free: {r.room:,.0f} ha of room"
        t.add_row(r.label, f"{r.hectares:,.0f}", f"{r.min:,.0f}", f"{r.max:,.0f}", word)
    console.print(t)
    _out(console, f"{fixed} cells fixed, {free} free ({rep.solves} warm re-solves)")


def print_alternatives(rep: AlternativesReport, console: Console | None = None) -> None:
    console = console or Console()
    unit = rep.objective_unit
    _out(console, f"Optimum {rep.optimum:,.2f} {unit}; {len(rep.items)} alternatives with "
                  f"output ≥ {1 - rep.slack:.2%} of it (seed {rep.seed}); any two differ by "
                  f"at least {rep.min_pairwise_ha:,.1f} ha", style="bold")
    for a in rep.items:
        _out(console, f"#{a['id']} ({a['how']}): output {a['objective']:,.2f} {unit} "
                      f"(−{a['loss']:,.2f}, {a['loss_share']:.2%}), {a['moved_ha']:,.1f} ha "
                      f"moved from the optimum", style="bold")
        _moves(console, a["changes"], limit=8)


def print_explain(rep: ExplainReport, console: Console | None = None) -> None:
    console = console or Console()
    unit = rep.objective_unit
    _out(console, f"{rep.label}: {rep.hectares:,.1f} ha in the solve", style="bold")
    if not rep.allowed:
        _out(console, "The plan does not allow this cell.")
    _out(console, f"Output per ha {rep.output_per_ha:.4f} {unit}/ha, against the prices of "
                  "the rules it uses (HiGHS's dual):")
    for p in rep.parts:
        sure = "" if p["price_unique"] else " (price not unique)"
        _out(console, f"  − {p['coefficient']:g} ha of the rule × price {p['price']:.4f} "
                      f"= {-p['part']:+.4f}  {p['label']} — {p['source']}{sure}")
    _out(console, f"  = reduced cost {rep.reduced_cost:+.4f} {unit}/ha "
                  "(output gained per ha moved in, at these prices)")
    if not rep.prices_unique:
        _out(console, "Prices are not unique here (a degenerate optimum): with the measured "
                      "value of one unit of each rule instead:")
        for p in rep.parts:
            def v(a):
                return "infeasible alone" if a is None else f"{a:+.4f}"

            _out(console, f"  {p['label']}: one more unit {v(p['value_one_more'])}, one less "
                          f"{v(p['value_one_less'])}; priced at {v(p['measured_price'])}")
        _out(console, f"  = {rep.measured_total:+.4f} {unit}/ha (one rule at a time: the "
                      "forcing curve below is the exact cost)")
    _out(console, f"Forcing land into it (optimum with this cell fixed; exact breakpoints); "
                  f"the next hectare costs {rep.marginal_loss_per_ha:,.4f} {unit}/ha:",
         style="bold")
    for r in rep.curve.itertuples():
        per = "" if pd.isna(r.loss_per_ha) else f"  ({r.loss_per_ha:,.4f} {unit}/ha on the way)"
        _out(console, f"  {r.hectares:>8,.1f} ha: optimum {r.optimum:,.2f} "
                      f"(−{r.loss:,.2f}){per}")
    if rep.target is not None:
        if rep.forced_loss is not None:
            _out(console, f"{rep.target:,.1f} ha forced in costs {rep.forced_loss:,.2f} {unit} "
                          f"under the plan's rules")
        else:
            _out(console, f"{rep.target:,.1f} ha cannot be reached under the plan's rules")
        if rep.repair:
            _out(console, f"The smallest change of rules that gives it {rep.target:,.1f} ha "
                          f"with output ≥ {1 - rep.slack:.2%} of the optimum:", style="bold")
            for r in rep.repair_rows:
                _out(console, f"  {r['label']} ({r['source']}): {r['old']:g} → {r['new']:g}")
            _out(console, rep.repair_block())
        if rep.repair_note:
            _out(console, rep.repair_note)


def write_alternatives_folder(out: Path, kind: str, doc: dict,
                              tables: dict[str, pd.DataFrame],
                              texts: dict[str, str] | None = None) -> list[Path]:
    """result.json, CSV tables and other texts, one folder written whole or not at all."""
    from landalloc.atomic import write_folder

    files: dict[str, str] = {f"{kind}.json": json.dumps(doc, ensure_ascii=False, indent=2,
                                                        default=str) + "\n"}
    for name, df in tables.items():
        files[name] = df.to_csv(index=False)
    files.update(texts or {})
    return write_folder(out, kind, files)


def alternative_scenario(base: Path, period: str, sets: list[str], alt: dict,
                         allowed: dict[str, dict]) -> str:
    """A scenario file that reproduces one alternative: the same base and --set changes, and
    every allowed cell pinned to its hectares by a rule (min = max), so that `landalloc
    solve` of the file gives this allocation and its output. Values are written in full
    (repr), so the pinned cells meet the plan's equalities as the alternative did."""
    got = {(a["sector"], a["district"]): float(a["hectares"]) for a in alt["allocation"]}
    lines = [f"# alternative {alt['id']}: output {alt['objective']:,.4f} "
             f"(-{alt['loss']:,.4f}, {alt['loss_share']:.2%} below the optimum)",
             f"name: alternative-{alt['id']}",
             f"extends: {json.dumps(str(base), ensure_ascii=False)}",
             f"period: {json.dumps(period)}"]
    if sets:
        lines.append("set:")
        for text in sets:
            p, _, raw = text.partition("=")
            lines.append(f"  {p.strip()}: {raw.strip()}")
    lines.append("rules:")
    for s, row in allowed.items():
        for d in row:
            v = max(0.0, got.get((s, d), 0.0))
            lines.append(f"  - {{name: pin_{s}_{d}, sectors: [{s}], "
                         f"districts: [{d}], min: {v!r}, max: {v!r}, "
                         f"assumption: \"alternative {alt['id']}: this cell held at its "
                         "hectares\"}")
    return "\n".join(lines) + "\n"
