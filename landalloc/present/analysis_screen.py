"""Rich tables for sensitivity reports, sweeps and tornado charts."""

from __future__ import annotations

import math

import pandas as pd
from rich.console import Console
from rich.markup import escape

from landalloc.plan.choices import DEFAULT_UNIT
from landalloc.present.answer import (
    NARROW,
    answer,
    bound_text,
    figure_text,
    fit_columns,
    name,
    note_words,
    price_warnings,
    ranked,
    rule_words,
    say,
    status_words,
    ties_at_best,
)
from landalloc.present.grid import Col, print_table
from landalloc.present.screen import cite
from landalloc.results.result import rule_figure
from landalloc.solver.sensitivity import SensitivityReport


def _f(v, digits: int = 4) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if isinstance(v, float) and math.isinf(v):
        return "∞" if v > 0 else "-∞"
    if abs(v) < 0.5 * 10 ** -digits:
        v = 0.0  # no "-0.0000"
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
                      all_cells: bool = False, lang: str = "both") -> None:
    """The answer first (output, what binds, which prices are not unique), then the rules
    ranked by shadow price and the cells."""
    console = console or Console()
    unit = rep.objective_unit
    narrow = console.width < NARROW
    if rep.status != "optimal":
        answer(console, lang, rep.status, None, unit,
               warnings=[say(lang, "未求得最优解，没有影子价格", "no prices for an unsolved plan")]
               + [escape(note_words(n, lang)) for n in rep.notes])
        return
    answer(console, lang, rep.status, rep.objective, unit,
           binds=rule_words(rep.rules, lang, unit),
           warnings=price_warnings(rep.rules, rep.duals_unique, rep.allocation_unique, lang))
    order = list((rep.record or {}).get("periods") or [])
    for title, rules in _rule_groups(rep.rules, lang, order):
        _print_rules(console, rules, lang, unit, narrow, title)
    console.print(say(lang, "影子价格：规则指标每提高 1 公顷时产出的变化（仅在唯一时给出）。"
                            "“多 1 / 少 1 公顷”：把指标提高 / 降低 0.1% 重新求解测得的每公顷变化"
                            "（—：仅此一项变动即不可行）。“*”：退化。",
                      "Shadow price: change of output per ha the rule's active figure rises "
                      "(shown only where unique). 'one more ha' / 'one less ha': measured by "
                      "re-solving with the figure 0.1% higher / lower, per ha (— : that move "
                      "alone is infeasible). '*': degenerate.", "\n"), style="dim")
    periods = ([*order, *[p for p in dict.fromkeys(rep.cells["period"]) if p not in order]]
               if "period" in rep.cells else [None])
    for p in periods:
        cells = rep.cells if p is None else rep.cells[rep.cells["period"] == p]
        _print_cells(console, cells, lang, unit, narrow, all_cells, p)
    if not all_cells:
        console.print(say(lang, "列出有用地的地块，以及最接近进入的 10 个未用地块（--all-cells "
                                "列出全部允许的地块）。",
                          "Cells with land, and the 10 unused cells closest to entering "
                          "(--all-cells for every allowed cell).", "\n"), style="dim")


def _rule_groups(rules: pd.DataFrame, lang: str, order: list[str]
                 ) -> list[tuple[str | None, pd.DataFrame]]:
    """One period: all rules. Linked periods: each period's own rules, then the rules
    across periods (horizon caps and totals, stock targets, carry-over)."""
    if "period" not in rules:
        return [(None, rules)]
    out = [(say(lang, f"{p} 期规则", f"rules of {p}"), rules[rules["period"] == p])
           for p in [*order, *[q for q in dict.fromkeys(rules["period"]) if q not in order]]
           if p and (rules["period"] == p).any()]
    across = rules[rules["period"] == ""]
    if len(across):
        out.append((say(lang, "跨期规则", "rules across periods"), across))
    return out


def _print_rules(console: Console, rules: pd.DataFrame, lang: str, unit: str, narrow: bool,
                 group: str | None) -> None:
    rows = []
    for _, r in rules.iterrows():
        state = (_side(str(r["side"]), "zh" if narrow and lang == "both" else lang)
                 + (" *" if r["degenerate"] else ""))
        price = _f(r["shadow_price"]) if r["price_unique"] else say(lang, "不唯一", "not unique")
        rows.append([_label(r, lang), _f(r["activity"], 1), _bound(r["lower"], r["upper"]),
                     state, price, _f(r["value_one_more_ha"]), _f(r["value_one_less_ha"]),
                     f"[{_f(r['range_lower'], 1)}, {_f(r['range_upper'], 1)}]",
                     "" if lang == "zh" else str(r["meaning"])])
    heads = [say(lang, "实际值", "activity", "\n"), say(lang, "界限", "bound", "\n"),
             say(lang, "状态", "state", "\n"), say(lang, "影子价格", "shadow price", "\n"),
             say(lang, "多 1 公顷", "one more ha", "\n"),
             say(lang, "少 1 公顷", "one less ha", "\n"),
             say(lang, "价格成立的界限区间", "price holds for bound in", "\n")]
    names = [escape(row[0]) + (f"\n[dim]{escape(row[8])}[/]" if row[8] and not narrow else "")
             for row in rows]
    title = say(lang, f"按影子价格排序的规则（每公顷指标的 {unit}）",
                f"Rules, ranked by shadow price ({unit} per ha of the rule's figure)")
    fit_columns(console, f"{title} — {group}" if group else title, say(lang, "规则", "rule"),
                names,
                [(h, [row[j] for row in rows]) for j, h in enumerate(heads, start=1)],
                markup_names=True)


def _print_cells(console: Console, cells: pd.DataFrame, lang: str, unit: str, narrow: bool,
                 all_cells: bool, period: str | None) -> None:
    cells = cells[cells["allowed"]]
    if not all_cells:
        used = cells[cells["hectares"] > 0]
        unused = cells[cells["hectares"] <= 0].sort_values("reduced_cost", ascending=False)
        cells = pd.concat([used, unused.head(10)])
    rows = []
    for _, r in cells.iterrows():
        rows.append([f"{name(lang, r.get('sector_zh'), r['sector'], narrow)} × "
                     f"{name(lang, r.get('district_zh'), r['district'], narrow)}",
                     _f(r["hectares"], 1), _f(r["output_per_ha"]), _f(r["reduced_cost"]),
                     f"[{_f(r['cost_range_lower'])}, {_f(r['cost_range_upper'])}]"
                     + (" *" if r["degenerate"] else ""),
                     "" if lang == "zh" else str(r["meaning"])])
    heads = [say(lang, "公顷", "ha", "\n"), say(lang, "地均产出", "output/ha", "\n"),
             say(lang, "检验数", "reduced cost", "\n"),
             say(lang, "分配保持最优的地均产出区间", "allocation optimal for output/ha in", "\n")]
    names = [escape(row[0]) + (f"\n[dim]{escape(row[5])}[/]" if row[5] and not narrow else "")
             for row in rows]
    title = say(lang, f"地块：检验数与地均产出区间（{unit}/公顷）",
                f"Cells: reduced cost and output-per-ha range ({unit}/ha)")
    fit_columns(console, f"{title} — {period}" if period else title,
                say(lang, "产业 × 区县", "sector × district"), names,
                [(h, [row[j] for row in rows]) for j, h in enumerate(heads, start=1)],
                markup_names=True)


SIDE_ZH = {"fixed": "定额", "upper": "上限", "lower": "下限", "slack": "有余量",
           "at bound (basic)": "在界上（基变量）", "basic": "基变量", "free": "无界"}


def _side(side: str, lang: str) -> str:
    return say(lang, SIDE_ZH.get(side, side), side, " ") if lang != "en" else side


def _label(r, lang: str) -> str:
    label = {"zh": str(r["label_zh"]), "en": str(r["name"])}.get(
        lang, f"{r['name']}\n{r['label_zh']}")
    value, lo, hi, unit = rule_figure(r)
    if unit == "share":  # the row counts ha above the share; say what the share is
        bound = bound_text(lo, hi, unit)
        shown = figure_text(value, unit)
        label += "\n" + say(lang, f"占比 {shown}（{bound}）；本行数值为占比之上的公顷数",
                            f"share {shown} ({bound}); this row's figures are ha above the "
                            "share", "\n")
    return label


#: What a swept path moves in a rule (entry_maps.summary's words), in Chinese.
_MOVES_ZH = {"upper": "上限", "lower": "下限", "output per ha": "地均产出", "nothing": "无"}


def _mapping_zh(line: str) -> str:
    """`districts.airport.cap -> district_cap[airport] (upper)` in Chinese."""
    import re

    line = re.sub(r"coefficients of (\d+) cells", r"\1 个地块的系数", line)
    for en, zh in _MOVES_ZH.items():
        line = re.sub(rf"(?<=[(, ]){en}(?=[),])", zh, line)
    return line.replace(" -> nothing", " -> 无")


def print_sweep(df: pd.DataFrame, console: Console | None = None, lang: str = "both") -> None:
    """The answer first (the best point, how the output moves, infeasible stretches), then
    one row per point."""
    console = console or Console()
    params = df.attrs.get("params", [])
    unit = df.attrs.get("objective_unit", DEFAULT_UNIT)
    method = df.attrs.get("method", "")
    ok = df[df["status"] == "optimal"] if "status" in df else df
    bad = len(df) - len(ok)
    extra, warn = [], []
    if len(ok):
        best = ranked(ok).iloc[0]
        top = float(best["objective"])
        ties = ties_at_best(ok["objective"])
        where = ", ".join(f"{p} = {_f(best[p], 4 if abs(best[p]) < 10 else 1)}" for p in params)
        lo, hi = _f(ok["objective"].min(), 1), _f(ok["objective"].max(), 1)
        zh_at = f"{ties} 个点同为最优，如 {where}" if ties > 1 else where
        en_at = f"{ties} points tie, e.g. {where}" if ties > 1 else where
        extra.append(say(lang, f"最优点：{zh_at}；产出 {_f(top, 1)} {unit}；区间 {lo}–{hi}",
                         f"best point: {en_at}; output {_f(top, 1)} {unit}; "
                         f"range {lo}–{hi}", "\n"))
    if bad:
        warn.append(say(lang, f"{bad} 个点无可行解（规则冲突），不给出产出",
                        f"{bad} points are infeasible (the rules conflict): no output there"))
    answer(console, lang, "optimal" if len(ok) else "infeasible",
           None if not len(ok) else float(ok["objective"].max()), unit, extra=extra,
           warnings=warn, title=say(lang, f"参数扫描 {' x '.join(params)}：{len(df)} 个点",
                                    f"Sweep of {' x '.join(params)}: {len(df)} points, "
                                    f"{method} re-solve"))
    for m in df.attrs.get("mapping", []):
        if lang != "en":  # what each swept path moves in the LP, in the screen's words
            zh = _mapping_zh(m)
            m = zh if lang == "zh" else f"{zh}\n  {m}"
        console.print(f"  {escape(m)}", style="dim", highlight=False)
    if len(params) == 2:
        _print_grid(df, params, unit, console, lang)
        return
    rows = []
    for _, r in df.iterrows():
        rows.append([*[_f(r[p], 4 if abs(r[p]) < 10 else 1) for p in params],
                     status_words(lang, str(r["status"])), _f(r.get("objective"), 3),
                     *[_f(r.get(f"marginal[{p}]")) for p in params],
                     "◆" if r.get("basis_changed") is True else ""])
    heads = [*params, say(lang, "状态", "status"), say(lang, f"产出（{unit}）", f"output ({unit})"),
             *[f"d/d {p.split('.')[-2] if '.' in p else p}" for p in params],
             say(lang, "基变化", "basis changed")]
    # the swept values name the rows; a status may wrap between its words
    print_table(console, "", [Col(h, [row[j] for row in rows], right=True,
                                  wrap=j == len(params), markup=False)
                              for j, h in enumerate(heads)], keys=len(params))


def _print_grid(df: pd.DataFrame, params: list[str], unit: str, console: Console,
                lang: str) -> None:
    """A 2-D sweep as the grid it is: the first parameter down, the second across, the
    output in each cell and ✗ where the rules conflict (never a number there). Columns
    that do not fit the terminal go to a further block that repeats the row labels."""
    p1, p2 = params
    digits = {p: 4 if df[p].abs().max() < 10 else 1 for p in params}
    across = sorted(df[p2].unique())
    down = sorted(df[p1].unique())
    cell = {(r[p1], r[p2]): (_f(r.get("objective"), 1) if r["status"] == "optimal"
                             else "✗") for _, r in df.iterrows()}
    title = say(lang, f"产出（{unit}）：行 {p1}，列 {p2}；✗ 无可行解",
                f"output ({unit}): rows {p1}, columns {p2}; ✗ infeasible")
    cols = [Col(p1, [_f(u, digits[p1]) for u in down], right=True, markup=False)]
    cols += [Col(_f(v, digits[p2]), [cell.get((u, v), "") for u in down], right=True,
                 markup=False) for v in across]
    print_table(console, title, cols)
    if df.get("basis_changed") is not None and bool(df["basis_changed"].fillna(False).any()):
        n = int(df["basis_changed"].fillna(False).astype(bool).sum())
        console.print(say(lang, f"最优基在 {n} 个点改变（断点）；逐点明细见 --out 或 --json",
                          f"the optimal basis changes at {n} points (breakpoints); "
                          "per-point detail with --out or --json"), highlight=False)


def print_tornado(df: pd.DataFrame, console: Console | None = None, lang: str = "both") -> None:
    """The answer first (base output, the rule that swings it most), then every rule."""
    console = console or Console()
    unit = df.attrs.get("objective_unit", DEFAULT_UNIT)
    delta = df.attrs.get("delta", "")
    extra = []
    if len(df):
        top = df.iloc[0]
        lab = top["label_zh"] if lang != "en" else top["label_en"] if "label_en" in df else ""
        extra.append(say(lang, f"影响最大：{lab}（摆幅 {_f(top['swing'], 2)} {unit}）",
                         f"largest swing: {lab} ({_f(top['swing'], 2)} {unit})", "\n"))
    answer(console, lang, "optimal", df.attrs.get("objective"), unit, extra=extra,
           title=say(lang, f"龙卷风图：各规则指标逐一变动 ±{delta}",
                     f"Tornado: each rule's figure moved by ±{delta}, one at a time"))
    rows = []

    def side(r, tag: str) -> str:
        st = r[f"status_{tag}"]
        return _f(r[f"change_{tag}"], 2) if st == "optimal" else status_words(lang, str(st))

    for _, r in df.iterrows():
        rows.append([_label(r, lang), _bound(r["lower"], r["upper"]), side(r, "low"),
                     side(r, "high"), _f(r["swing"], 2), cite(str(r["source"]), lang)])
    heads = (say(lang, "界限", "bound"), f"- {delta}", f"+ {delta}", say(lang, "摆幅", "swing"))
    cols = [Col(say(lang, "规则", "rule"), [row[0] for row in rows], wrap=True, markup=False),
            *(Col(h, [row[j] for row in rows], right=True, wrap=j in (2, 3), markup=False)
              for j, h in enumerate(heads, start=1))]
    if console.width >= NARROW:
        cols.append(Col(say(lang, "出处", "source"), [row[5] for row in rows], wrap=True,
                        markup=False))
    print_table(console, say(lang, f"龙卷风（{unit} 变化）", f"Tornado ({unit} change)"), cols)
