"""Screens and output folders of check, ranges, alternatives and explain."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from rich.console import Console

from landalloc.analysis.alternatives import (
    AlternativesReport,
    CheckReport,
    ExplainReport,
    RangesReport,
)
from landalloc.plan.model import Instance
from landalloc.present.answer import fmt, missing, name, print_block, prose, say
from landalloc.present.grid import Col, print_table
from landalloc.present.screen import cite
from landalloc.safe_text import csv_text


def _out(console: Console, text: str, style: str | None = None) -> None:
    """Prose, wrapped between words (a number is never cut; see answer.prose)."""
    prose(console, text, style)


class _Names:
    """Cell and rule names in the chosen language, from the instance's own names."""

    def __init__(self, inst: Instance | None, lang: str) -> None:
        self.inst, self.lang = inst, lang

    def cell(self, sector: str, district: str, label: str = "", period: str = "") -> str:
        """A cell's name; of linked periods with its period; the carry-over column as the
        land carried between two periods."""
        if sector == "carry_over":
            return say(self.lang, f"结转用地 {district}", f"carry-over {district}")
        if self.inst is None:
            return label or f"{sector} × {district}"
        sec, dis = self.inst.sectors.get(sector), self.inst.districts.get(district)
        where = (f"{name(self.lang, sec.zh if sec else None, sector)} × "
                 f"{name(self.lang, dis.zh if dis else None, district)}")
        return f"{where} ({period})" if period else where

    def rule(self, label: str) -> str:
        zh, _, en = label.partition(" / ")
        return say(self.lang, zh, en or zh)

    def source(self, text: str) -> str:
        return cite(text or "", self.lang)


def _moves(console: Console, moves: list[dict], nm: _Names, limit: int = 20) -> None:
    for m in moves[:limit]:
        ha = say(nm.lang, "公顷", "ha")
        where = nm.cell(m["sector"], m["district"], m.get("label", ""), m.get("period", ""))
        _out(console, f"  {where}: {m['from']:,.1f} → {m['to']:,.1f} {ha} ({m['change']:+,.1f})")
    if len(moves) > limit:
        _out(console, "  " + say(nm.lang, f"……另有 {len(moves) - limit} 个地块",
                                 f"… and {len(moves) - limit} more cells"))


def _violation(v: dict, nm: _Names) -> str:
    """A broken rule in words: its figure, what the table gives, by how much (a share rule
    as the share against its fraction)."""
    over = v["side"] == "over"
    zh, _, en = v["label"].partition(" / ")
    en = en or zh
    src_zh, src_en = nm.source(v["source"]), v["source"]
    sh = v.get("share")
    if sh is not None:
        sign = "≤" if over else "≥"
        got = "—" if sh["share"] is None else f"{sh['share']:.1%}"
        return say(nm.lang,
                   f"{zh}：占比 {sign} {sh['bound']:.1%}（{src_zh}）：表中为 {got}（"
                   f"{sh['selected_ha']:,.1f} / {sh['base_ha']:,.1f} 公顷），"
                   f"{'超出' if over else '不足'} {v['excess']:,.1f} 公顷",
                   f"{en}: share {sign} {sh['bound']:.1%} ({src_en}): the table gives {got} "
                   f"({sh['selected_ha']:,.1f} of {sh['base_ha']:,.1f} ha), "
                   f"{v['excess']:,.1f} ha {'over' if over else 'short'}", "\n    ")
    sign = "=" if v.get("exact") else ("≤" if over else "≥")
    return say(nm.lang,
               f"{zh} {sign} {v['limit']:,.1f}（{src_zh}）：表中为 {v['value']:,.1f} 公顷，"
               f"{'超出' if over else '不足'} {v['excess']:,.1f} 公顷",
               f"{en} {sign} {v['limit']:,.1f} ({src_en}): the table puts {v['value']:,.1f} "
               f"ha there, {v['excess']:,.1f} {'over' if over else 'short'}", "\n    ")


def print_check(rep: CheckReport, console: Console | None = None, lang: str = "both",
                inst: Instance | None = None) -> None:
    """The answer first: whether the table meets the plan, its output against the optimum;
    then what it breaks and the nearest allocations that do not."""
    console = console or Console()
    nm = _Names(inst, lang)
    unit = rep.objective_unit
    share = rep.gap / abs(rep.optimum) if rep.optimum else 0.0
    n_bad = len(rep.violations) + len(rep.not_allowed)
    if rep.feasible:
        _out(console, say(lang, "该分配表满足规划的全部规则。",
                          "The table meets every rule of the plan."), style="bold green")
    else:
        _out(console, say(lang, f"该分配表违反规划的 {n_bad} 条规则：",
                          f"The table breaks {n_bad} rule(s) of the plan:"), style="bold red")
    if rep.above_optimum:  # only a table that breaks rules can be above the optimum
        _out(console, say(lang, f"预计产出 {rep.objective:,.2f} {unit}，比最优 "
                                f"{rep.optimum:,.2f} {unit} 高 {-rep.gap:,.2f} {unit}"
                                f"（{-share:.2%}）——高出只是因为它违反了规划的规则："
                                f"满足全部规则的分配，产出最多为 {rep.optimum:,.2f} {unit}。",
                          f"Projected output: {rep.objective:,.2f} {unit}, {-rep.gap:,.2f} "
                          f"{unit} ({-share:.2%}) above the optimum of {rep.optimum:,.2f} "
                          f"{unit} — above it only because it breaks the plan's rules: no "
                          f"allocation that meets them all gives more than "
                          f"{rep.optimum:,.2f} {unit}.", "\n"), style="bold red")
    else:
        _out(console, say(lang, f"预计产出 {rep.objective:,.2f} {unit}；最优 "
                                f"{rep.optimum:,.2f} {unit}；差距 {rep.gap:,.2f} {unit}"
                                f"（{share:.2%}）",
                          f"Projected output: {rep.objective:,.2f} {unit}; optimum "
                          f"{rep.optimum:,.2f} {unit}; gap {rep.gap:,.2f} {unit} "
                          f"({share:.2%})"))
    for v in rep.violations:
        _out(console, f"  - {_violation(v, nm)}")
    for c in rep.not_allowed:
        where = nm.cell(c["sector"], c["district"], period=c.get("period", ""))
        _out(console, "  - " + say(lang, f"{where}：规划不允许该地块；表中为 "
                                         f"{c['hectares']:,.1f} 公顷",
                                   f"{where}: the plan does "
                                   f"not allow this cell; the table puts {c['hectares']:,.1f} "
                                   "ha there", "\n    "))
    n = rep.nearest
    if n is not None and not rep.feasible:
        _out(console, say(lang, f"最近的可行分配：移动 {n['moved_ha']:,.1f} 公顷，产出 "
                                f"{n['objective']:,.2f} {unit}",
                          f"Nearest feasible allocation: {n['moved_ha']:,.1f} ha moved, "
                          f"output {n['objective']:,.2f} {unit}"), style="bold")
        _moves(console, n["moves"], nm)
    o = rep.nearest_optimal
    if o is not None:
        if o["moved_ha"] <= 1e-6:
            _out(console, say(lang, "该分配表已是最优：无需移动任何地块。",
                              "The table is optimal: no cell has to move."))
        else:
            _out(console, say(lang, f"要消除差距，最近的最优分配需移动 {o['moved_ha']:,.1f} "
                                    "公顷：",
                              f"To close the gap, the nearest optimal allocation moves "
                              f"{o['moved_ha']:,.1f} ha:"), style="bold")
            _moves(console, o["moves"], nm)


def print_ranges(rep: RangesReport, console: Console | None = None, lang: str = "both",
                 inst: Instance | None = None) -> None:
    """How much each cell can move: over the optimal face, or within the slack."""
    console = console or Console()
    nm = _Names(inst, lang)
    cells = list(rep.cells.itertuples())
    fixed = sum(1 for r in cells if r.room <= 0)
    free = len(cells) - fixed
    if rep.slack <= 0:
        what_zh = "最优解集（产出最优的全部分配）"
        what_en = "the optimal face (every allocation of optimal output)"
    else:
        what_zh = f"产出不低于最优 {1 - rep.slack:.2%} 的全部分配"
        what_en = f"every allocation with output ≥ {1 - rep.slack:.2%} of the optimum"
    _out(console, say(lang, f"各允许地块在{what_zh}上的范围；最优 {rep.optimum:,.2f} "
                            f"{rep.objective_unit}；{fixed} 个地块由规则固定，{free} 个可变"
                            f"（热启动重解 {rep.solves} 次）",
                      f"Range of every allowed cell over {what_en}; optimum {rep.optimum:,.2f} "
                      f"{rep.objective_unit}; {fixed} cells fixed by the rules, {free} free "
                      f"({rep.solves} warm re-solves)", "\n"), style="bold")
    heads = [say(lang, "解（公顷）", "solve (ha)"), say(lang, "最小", "min"),
             say(lang, "最大", "max")]
    rows = [(nm.cell(r.sector, r.district, r.label, getattr(r, "period", "")),
             f"{r.hectares:,.0f}", f"{r.min:,.0f}",
             f"{r.max:,.0f}", say(lang, "由规则固定", "fixed by the rules") if r.room <= 0
             else say(lang, f"可变：{r.room:,.0f} 公顷余地", f"free: {r.room:,.0f} ha of room"))
            for r in cells]
    print_table(console, "", [
        Col(say(lang, "地块", "cell"), [row[0] for row in rows], wrap=True, markup=False),
        *(Col(h, [row[j] for row in rows], right=True, markup=False)
          for j, h in enumerate(heads, start=1)),
        Col("", [row[4] for row in rows], wrap=True, markup=False)])


def print_alternatives(rep: AlternativesReport, console: Console | None = None,
                       lang: str = "both", inst: Instance | None = None) -> None:
    """The answer first (the optimum, how many alternatives, how far apart), then each
    alternative's loss and the cells it moves."""
    console = console or Console()
    nm = _Names(inst, lang)
    unit = rep.objective_unit
    k = len(rep.items)
    _out(console, say(lang, f"最优 {rep.optimum:,.2f} {unit}；{k} 个备选分配，产出均不低于最优的 "
                            f"{1 - rep.slack:.2%}（随机种子 {rep.seed}）；任意两个之间至少相差 "
                            f"{rep.min_pairwise_ha:,.1f} 公顷（实测）",
                      f"Optimum {rep.optimum:,.2f} {unit}; {k} alternatives with output ≥ "
                      f"{1 - rep.slack:.2%} of it (seed {rep.seed}); any two differ by at "
                      f"least {rep.min_pairwise_ha:,.1f} ha (measured)", "\n"), style="bold")
    how_zh = {"distance": "距离最大", "direction": "指定方向"}
    for a in rep.items:
        how = a["how"]
        _out(console, say(lang, f"#{a['id']}（{how_zh.get(how.split(':')[0], how)}）：产出 "
                                f"{a['objective']:,.2f} {unit}（−{a['loss']:,.2f}，"
                                f"{a['loss_share']:.2%}），较最优移动 {a['moved_ha']:,.1f} 公顷",
                          f"#{a['id']} ({how}): output {a['objective']:,.2f} {unit} "
                          f"(−{a['loss']:,.2f}, {a['loss_share']:.2%}), {a['moved_ha']:,.1f} "
                          "ha moved from the optimum", "\n"), style="bold")
        _moves(console, a["changes"], nm, limit=8)


def _v(lang: str, a: float | None) -> str:
    return say(lang, "单独不可行", "infeasible alone") if a is None else fmt(a, 4, sign=True)


def print_explain(rep: ExplainReport, console: Console | None = None, lang: str = "both",
                  inst: Instance | None = None) -> None:
    """Why a cell gets what it gets: its output per ha against the prices of the rules it
    uses (measured where the prices are not unique), the forcing curve, the repair."""
    console = console or Console()
    nm = _Names(inst, lang)
    unit = rep.objective_unit
    cell = nm.cell(rep.sector, rep.district, rep.label)
    _out(console, say(lang, f"{cell}：本解 {rep.hectares:,.1f} 公顷",
                      f"{cell}: {rep.hectares:,.1f} ha in the solve"), style="bold")
    if not rep.allowed:
        _out(console, say(lang, "规划不允许该地块。", "The plan does not allow this cell."))
    _out(console, say(lang, f"每公顷产出 {rep.output_per_ha:.4f} {unit}/公顷，对照其所用规则的"
                            "价格（HiGHS 给出的一组对偶价格）：",
                      f"Output per ha {rep.output_per_ha:.4f} {unit}/ha, against the prices "
                      "of the rules it uses (HiGHS's dual):", "\n"))
    zh, en = _Names(inst, "zh"), _Names(inst, "en")  # each line in its own language
    for p in rep.parts:
        sure_zh, sure_en = ("", "") if p["price_unique"] else ("（价格不唯一）",
                                                               " (price not unique)")
        _out(console, say(lang, f"  − {p['coefficient']:g} 公顷规则指标 × 价格 {fmt(p['price'], 4)}"
                                f" = {fmt(-p['part'], 4, sign=True)}  {zh.rule(p['label'])}（"
                                f"{zh.source(p['source'])}）{sure_zh}",
                          f"  − {p['coefficient']:g} ha of the rule × price {fmt(p['price'], 4)} "
                          f"= {fmt(-p['part'], 4, sign=True)}  {en.rule(p['label'])} — "
                          f"{en.source(p['source'])}{sure_en}", "\n"))
    _out(console, say(lang, f"  = 检验数 {rep.reduced_cost:+.4f} {unit}/公顷（按这组价格，每移入 "
                            "1 公顷的产出增量）",
                      f"  = reduced cost {rep.reduced_cost:+.4f} {unit}/ha (output gained per "
                      "ha moved in, at these prices)", "\n"))
    if not rep.prices_unique:
        _out(console, say(lang, "此处价格不唯一（退化最优解）：改用各规则指标变动一个单位的"
                                "实测值：",
                          "Prices are not unique here (a degenerate optimum): with the "
                          "measured value of one unit of each rule instead:", "\n"))
        for p in rep.parts:
            _out(console, say(lang, f"  {zh.rule(p['label'])}：多一单位 "
                                    f"{_v('zh', p['value_one_more'])}，少一单位 "
                                    f"{_v('zh', p['value_one_less'])}；计价 "
                                    f"{_v('zh', p['measured_price'])}",
                              f"  {en.rule(p['label'])}: one more unit "
                              f"{_v('en', p['value_one_more'])}, one less "
                              f"{_v('en', p['value_one_less'])}; priced at "
                              f"{_v('en', p['measured_price'])}", "\n"))
        if rep.measured_total is not None:
            _out(console, say(lang, f"  = {rep.measured_total:+.4f} {unit}/公顷（逐条规则计；"
                                    "下面的强制曲线才是确切代价）",
                              f"  = {rep.measured_total:+.4f} {unit}/ha (one rule at a time: "
                              "the forcing curve below is the exact cost)", "\n"))
    nxt = rep.marginal_loss_per_ha
    nxt_zh = "在规划规则下不可行" if missing(nxt) else f"{nxt:,.4f} {unit}/公顷"
    nxt_en = "infeasible under the plan's rules" if missing(nxt) else f"{nxt:,.4f} {unit}/ha"
    _out(console, say(lang, f"强制布地（固定该地块后的最优；确切断点）；再多 1 公顷：{nxt_zh}",
                      f"Forcing land into it (optimum with this cell fixed; exact "
                      f"breakpoints); the next hectare costs: {nxt_en}", "\n"), style="bold")
    for r in rep.curve.itertuples():
        per = "" if pd.isna(r.loss_per_ha) else say(
            lang, f"（沿途 {r.loss_per_ha:,.4f} {unit}/公顷）",
            f"  ({r.loss_per_ha:,.4f} {unit}/ha on the way)", " ")
        _out(console, f"  {r.hectares:>8,.1f} {say(lang, '公顷', 'ha')}: "
             + say(lang, "最优", "optimum", " ")
             + f" {r.optimum:,.2f} (−{r.loss:,.2f}){per}")
    if rep.target is not None:
        if rep.forced_loss is not None:
            _out(console, say(lang, f"强制布地 {rep.target:,.1f} 公顷在规划规则下损失 "
                                    f"{rep.forced_loss:,.2f} {unit}",
                              f"{rep.target:,.1f} ha forced in costs {rep.forced_loss:,.2f} "
                              f"{unit} under the plan's rules", "\n"))
        else:
            _out(console, say(lang, f"在规划规则下达不到 {rep.target:,.1f} 公顷",
                              f"{rep.target:,.1f} ha cannot be reached under the plan's "
                              "rules", "\n"))
        if rep.repair:
            _out(console, say(lang, f"使其达到 {rep.target:,.1f} 公顷且产出不低于最优 "
                                    f"{1 - rep.slack:.2%} 的最小规则改动：",
                              f"The smallest change of rules that gives it {rep.target:,.1f} "
                              f"ha with output ≥ {1 - rep.slack:.2%} of the optimum:", "\n"),
                 style="bold")
            for r in rep.repair_rows:
                _out(console, f"  {nm.rule(r['label'])} ({nm.source(r['source'])}): "
                              f"{r['old']:g} → {r['new']:g}")
            print_block(console, rep.repair_block().rstrip("\n"))
        if rep.repair_note:
            _out(console, rep.repair_note)


def write_alternatives_folder(out: Path, kind: str, doc: dict,
                              tables: dict[str, pd.DataFrame],
                              texts: dict[str, str] | None = None) -> list[Path]:
    """result.json, CSV tables and other texts, one folder written whole or not at all."""
    from landalloc.atomic import write_folder

    files: dict[str, str] = {f"{kind}.json": json.dumps(doc, ensure_ascii=False, indent=2,
                                                        default=str) + "\n"}
    for file, df in tables.items():
        files[file] = csv_text(df)
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
