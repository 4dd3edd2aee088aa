"""The output / plan-fit front on screen and on disk: the answer first (the optimum's output
and plan fit, what a plan-fit point costs), then the breakpoints and what moves at each."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console

from landalloc.analysis.tradeoff import Front, FrontPoint
from landalloc.plan.model import Instance
from landalloc.present.answer import ROLE_ZH, answer, name, say
from landalloc.present.grid import Col, print_table
from landalloc.safe_text import csv_text


def _moves(p: FrontPoint, inst: Instance, lang: str, sign: int) -> str:
    """The three largest moves of one sign, in one language ("zh" or "en")."""
    picked = sorted((c for c in p.changes if sign * c["delta"] > 0),
                    key=lambda c: -abs(c["delta"]))[:3]
    out = []
    for c in picked:
        s, d = inst.sectors[c["sector"]], inst.districts[c["district"]]
        role = c["role"]
        where = f"{name(lang, s.zh, c['sector'])} × {name(lang, d.zh, c['district'])}"
        if lang == "zh":
            out.append(f"{abs(c['delta']):,.0f} 公顷 {where}（{ROLE_ZH.get(role, '无角色')}）")
        else:
            out.append(f"{abs(c['delta']):,.0f} ha {where} ({role or 'no role'})")
    return ("；" if lang == "zh" else "; ").join(out)


def exchange_words(p: FrontPoint, prev: FrontPoint, inst: Instance, lang: str,
                   unit: str) -> str:
    """One breakpoint in words: where land goes, where from, and what a point costs."""
    gain = p.plan_fit - prev.plan_fit
    lost = prev.objective - p.objective
    return say(lang,
               f"增加：{_moves(p, inst, 'zh', 1)}；减少：{_moves(p, inst, 'zh', -1)}。"
               f"每个规划契合点的代价 {p.rate:,.4f} {unit}（{gain:,.0f} 点共 {lost:,.2f} {unit}）",
               f"more: {_moves(p, inst, 'en', 1)}; less: {_moves(p, inst, 'en', -1)}. Each "
               f"plan-fit point costs {p.rate:,.4f} {unit} of output ({lost:,.2f} {unit} for "
               f"{gain:,.0f} points)", "\n   ")


def print_front(f: Front, inst: Instance, console: Console | None = None,
                lang: str = "both") -> None:
    console = console or Console()
    pts = f.points
    head, last = pts[0], pts[-1]
    extra = [say(lang, f"最优解的规划契合度 {head.plan_fit:,.0f}；契合度最高 {last.plan_fit:,.0f}"
                       f"（产出 {last.objective:,.2f} {f.unit}）；{len(pts) - 1} 段前沿，"
                       f"{f.lp_solves} 次求解，断点精确",
                 f"plan fit at the optimum {head.plan_fit:,.0f}; at most {last.plan_fit:,.0f} "
                 f"(output {last.objective:,.2f} {f.unit}); {len(pts) - 1} edge(s) of the "
                 f"front, {f.lp_solves} LPs, exact breakpoints", "\n")]
    answer(console, lang, "optimal", head.objective, f.unit, extra=extra,
           title=say(lang, f"产出与规划契合度的权衡 — {f.name} {f.period}",
                     f"Output vs plan fit — {f.name} {f.period}"))
    rows = [[str(k), f"{p.objective:,.2f}", f"{p.plan_fit:,.0f}",
             "—" if p.rate is None else f"{p.rate:,.4f}", str(len(p.changes))]
            for k, p in enumerate(pts)]
    heads = ["#", say(lang, f"产出（{f.unit}）", f"output ({f.unit})"),
             say(lang, "规划契合度", "plan fit"), say(lang, "每点代价", "cost per point"),
             say(lang, "变动地块", "cells changed")]
    print_table(console, say(lang, "前沿的断点", "Breakpoints of the front"),
                [Col(h, [r[j] for r in rows], right=True, markup=False)
                 for j, h in enumerate(heads)])
    for k in range(1, len(pts)):
        if pts[k].rate is not None:
            console.print(f"{k}: " + exchange_words(pts[k], pts[k - 1], inst, lang, f.unit),
                          highlight=False, markup=False)


def front_files(f: Front, doc: dict) -> dict[str, bytes | str]:
    """front.json, front.csv and front.png, for one folder written whole."""
    import pandas as pd

    from landalloc.present.plots import _name, _plt, _unit

    table = pd.DataFrame([{"objective": p.objective, "plan_fit": p.plan_fit,
                           "output_per_plan_fit_point": p.rate,
                           "cells_changed": len(p.changes)} for p in f.points])
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(table["plan_fit"], table["objective"], "o-")
    ax.set_xlabel(_name("规划契合度（Σ 角色权重 × 公顷）", "plan fit (Σ role weight · ha)"))
    ax.set_ylabel(f"{_name('产出', 'output')} ({_unit({'objective_unit': f.unit})})")
    ax.set_title(f"{f.name} {f.period}: " + _name("产出与规划契合度", "output vs plan fit"))
    fig.tight_layout()
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=120)
    plt.close(fig)
    return {"front.json": json.dumps(doc, ensure_ascii=False, indent=1) + "\n",
            "front.csv": csv_text(table), "front.png": png.getvalue()}


def write_front(out: Path, f: Front, doc: dict) -> list[Path]:
    from landalloc.atomic import write_folder

    return write_folder(out, "tradeoff", front_files(f, doc))
