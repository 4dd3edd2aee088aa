"""The solve screen for people (tables laid out by present/grid.py); machines get --json. The answer
first, then the detail."""

from __future__ import annotations

import re

from rich.console import Console
from rich.text import Text

from landalloc.present.answer import (
    NARROW,
    answer,
    binding_rows,
    bound_text,
    figure_text,
    fit_columns,
    fmt,
    missing,
    name,
    note_words,
    plan_fit_line,
    price_warnings,
    prose,
    rule_words,
    say,
    wrap_cjk,
)
from landalloc.present.grid import Col, print_table
from landalloc.results.result import Result, rule_figure

_fmt = fmt
_missing = missing


def _plan(lo: float | None, hi: float | None, digits: int = 0) -> str:
    lo = None if _missing(lo) else lo
    hi = None if _missing(hi) else hi
    if lo is None and hi is None:
        return "—"
    if lo is not None and hi is not None and lo == hi:
        return _fmt(lo, digits)
    if lo is None:
        return f"≤ {_fmt(hi, digits)}"
    if hi is None:
        return f"≥ {_fmt(lo, digits)}"
    return f"{_fmt(lo, digits)}–{_fmt(hi, digits)}"


_CITE = [(re.compile(r"\bTables? "), "表"), (re.compile(r"\bCh\.(\d+)"), r"第\1章"),
         (re.compile(r"\bAnnex (\d+)"), r"附件\1"), (re.compile(r"\bplan: "), "规划："),
         (re.compile(r"(?<![-\w])set "), "设置 ")]  # "airport.yaml:7 set", not "--set"


_ASSUMED = re.compile(r"\bassumption:.*?(?=;\s*existing stock:|$)")
_EXISTING = re.compile(r"\bexisting stock:\s*")


def _english_note(m: re.Match) -> str:
    """An English explanation in parentheses drops out of a Chinese citation."""
    words = re.findall(r"[A-Za-z]{3,}", m.group(0))
    return "" if len(words) >= 3 else m.group(0)


def cite_words(text: str) -> str:
    """The plan's references in its own words: Table n-m -> 表n-m, Ch.n -> 第n章."""
    for pat, rep in _CITE:
        text = pat.sub(rep, text)
    return text


def cite(text: str, lang: str) -> str:
    """A source citation; in Chinese the plan's own words (表 n-m, 第 n 章): an English
    explanation in parentheses is left out, an assumption says where it is explained."""
    if lang != "zh":
        return text
    text = _ASSUMED.sub("假设（说明见 --lang en）", text)
    text = _EXISTING.sub("现有存量：", text)
    text = cite_words(re.sub(r"\s*\([^()]*\)", _english_note, text))
    words = [w for w in re.findall(r"(?<![\w\-./])[A-Za-z]{3,}(?![\w\-./])", text)]
    if len(words) >= 3:  # an explanation in English (a derived figure): point to it instead
        files = re.findall(r"[\w\-]+\.(?:csv|yaml|md)", text)
        return "推算值（非规划原文）" + (f"，说明见 {files[0]}" if files else "，说明见 --lang en")
    return text


def _title(inst, lang: str) -> str:
    """The plan's title in the chosen language (a bilingual title is 'zh / en')."""
    t = inst.title or inst.name
    if " / " in t and lang != "both":
        zh, en = t.split(" / ", 1)
        return zh if lang == "zh" else en
    return t


def binding_words(result: Result, lang: str) -> list[str]:
    """Each binding rule in words: its label, its figure, its price where it is unique."""
    return rule_words(result.rule_columns(), lang, result.lp.objective_unit)


def assumed_figures(result: Result, lang: str) -> list[str]:
    """The figures that are assumptions, not the plan's own words."""
    inst = result.instance
    out = []
    for items, attr in ((inst.sectors, "quota"), (inst.districts, "cap"),
                        (inst.zones, "total"), (inst.zones, "share"),
                        (inst.sector_groups, "share"), (inst.sector_groups, "total")):
        for k, item in items.items():
            b = getattr(item, attr, None)
            if b is not None and getattr(b, "assumption", None):
                out.append(name(lang, item.zh, k, narrow=True))
    return list(dict.fromkeys(out))  # an item with two assumed figures is named once


def _share_plan(row: dict) -> str:
    """A plan share range as percentages (30.0–34.0 %), or the plan's blank."""
    lo, hi = row["plan_share_min"], row["plan_share_max"]
    if lo is None and hi is None:
        return _plan(None, None)
    if lo is not None and hi is not None:
        return f"{lo:.1%}–{hi:.1%}".replace("%–", "–")
    return f"≥ {lo:.1%}" if lo is not None else f"≤ {hi:.1%}"


def warnings(result: Result, lang: str) -> list[str]:
    """What a reader must not miss: prices not unique, other optima, assumed figures."""
    an = result.analysis
    out = price_warnings(result.rule_columns(), None if an is None else an.duals_unique,
                         None if an is None else an.allocation_unique, lang)
    assumed = assumed_figures(result, lang)
    if assumed:
        out.append(say(lang, f"以下指标为假设（非规划原文）：{'、'.join(assumed)}",
                       f"figures that are assumptions, not the plan's: {', '.join(assumed)}",
                       "\n  "))
    if result.instance.output_source:
        out.append(say(lang, "地均产出系数为推算值（非规划原文），见 output.csv",
                       "output per ha is derived, not stated by the plan (output.csv)", "\n  "))
    return out


def print_result(result: Result, console: Console | None = None, lang: str = "both",
                 base_objective: float | None = None, against: str | None = None) -> None:
    """The answer (status, output, change, what binds, warnings), then the allocation
    matrix, totals against the plan and the binding rules."""
    console = console or Console()
    inst = result.instance
    narrow = console.width < NARROW
    title = f"{_title(inst, lang)} — {say(lang, '规划期', 'period', ' ')} {inst.period}"
    unit = result.lp.objective_unit
    change = None
    if base_objective is not None and result.objective is not None:
        change = result.objective - base_objective
    against_words = ("规划", "the plan") if against is None else (against, against)
    if not result.optimal:
        answer(console, lang, result.status, None, unit, title=title,
               warnings=[f"{result.raw.message}"])
        return
    answer(console, lang, result.status, result.objective, unit, change,
           against_words if change is not None else None, binding_words(result, lang),
           warnings(result, lang), title=title)

    g = result.grid().T  # districts down, sectors across: the same as the report
    sectors, districts = result.lp.sectors, result.lp.districts
    by_district = g.sum(axis=1)
    used = [j for j in range(len(districts)) if by_district[j] > 0]
    cols = [(wrap_cjk(name(lang, inst.sectors[s].zh, s, narrow=True)) if lang != "both"
             or narrow else f"{inst.sectors[s].zh}\n{s}",
             [_fmt(g[j, i]) if g[j, i] else "·" for j in used]) for i, s in enumerate(sectors)]
    cols.append((say(lang, "合计", "total", "\n"), [_fmt(by_district[j]) for j in used]))
    footer = [_fmt(v) for v in g.sum(axis=0)] + [_fmt(g.sum())]
    fit_columns(console, say(lang, "新增工业用地分配（公顷，有用地的区县）",
                             "New industrial land allocated (ha), districts with land"),
                say(lang, "区县", "district"), [name(lang, inst.districts[districts[j]].zh,
                                                    districts[j], narrow) for j in used],
                cols, footer, say(lang, "合计", "total"))

    kinds = {"sector": ("产业", "sector"), "district": ("区县", "district"),
             "zone": ("片区", "zone")}
    for kind, (kzh, ken) in kinds.items():
        df = result.totals_rows(kind)
        shares = any(r["plan_share_min"] is not None or r["plan_share_max"] is not None
                     for r in df)
        alloc = [_fmt(r["hectares"]) + (f" ({r['share']:.1%})"
                                         if shares and r["share"] is not None else "")
                 for r in df]
        plan = [_plan(r["plan_min"], r["plan_max"]) if r["plan_min"] is not None
                or r["plan_max"] is not None else _share_plan(r) for r in df]
        print_table(console, say(lang, f"按{kzh}合计与规划指标（公顷）",
                                 f"Totals by {ken} against the plan (ha)"), [
            Col(say(lang, kzh, ken), [name(lang, r["zh"], r["id"], narrow) for r in df],
                wrap=True, markup=False),
            Col(say(lang, "分配", "allocated"), alloc, right=True),
            Col(say(lang, "规划", "plan"), plan, right=True),
            Col(say(lang, "出处", "source"), ["" if _missing(r["source"]) else
                                             cite(str(r["source"]), lang) for r in df],
                wrap=True, markup=False)])

    rows = []
    for r in binding_rows(result.rule_columns()):
        value, lo, hi, figure_unit = rule_figure(r)  # a share as a fraction, not its LP row
        price = (_fmt(r["shadow_price"], 4) if r["price_unique"]
                 else say(lang, "不唯一", "not unique"))
        label = {"zh": r["label_zh"], "en": r["name"]}.get(lang, f"{r['name']}\n{r['label_zh']}")
        if figure_unit == "share":  # its price and +1 / −1 are per ha, not per unit of share
            label += "\n" + say(lang, "（价格按占比之上每公顷计）",
                                 "(price per ha above the share)")
        src = cite(str(r["source"]), lang)
        if narrow:  # the source under the rule, dim
            label = Text(label + "\n") + Text(src, style="dim")
        rows.append((label, figure_text(value, figure_unit), bound_text(lo, hi, figure_unit), price,
                     _measured(r['value_one_more_ha'], lang),
                     _measured(r['value_one_less_ha'], lang), src))
    heads = (say(lang, "实际值", "activity"), say(lang, "界限", "bound"),
             say(lang, "影子价格", "shadow price"), say(lang, "+1 实测", "+1 measured"),
             say(lang, "−1 实测", "−1 measured"))
    cols = [Col(say(lang, "规则", "rule"), [row[0] for row in rows], wrap=True, markup=False),
            *(Col(h, [row[j] for row in rows], right=True, wrap=j > 2)  # words may wrap
              for j, h in enumerate(heads, 1))]
    if not narrow:
        cols.append(Col(say(lang, "出处", "source"), [row[6] for row in rows], wrap=True,
                        markup=False))
    print_table(console, say(lang, f"起约束作用的规则：指标多 1 / 少 1 个单位的价值（{unit}）",
                             f"Binding rules: what one more / one less unit of the figure is "
                             f"worth ({unit})"), cols)
    console.print(say(lang, "最大约束违背", "max violation", " ")
                  + f": {result.max_violation:.2e}", highlight=False)
    pf = result.plan_fit()
    if pf is not None:
        prose(console, plan_fit_line(pf, lang))
    for note in (result.analysis.notes if result.analysis is not None else []):
        prose(console, note_words(note, lang, lead=True), style="yellow")
    prose(console, say(lang, "影子价格：规则指标每增加一个单位时产出的变化，仅在唯一时给出；"
                            "“+1 实测”“−1 实测”：多 1 / 少 1 个单位重新求解测得的变化（“不可行”："
                            "仅此一项变动即违反规划）。",
                      "Shadow price: the change of output per unit of the rule's figure, shown "
                      "only where it is unique; '+1 / −1 measured': the change measured by "
                      "re-solving with one unit more / less ('infeasible': that move alone "
                      "breaks the plan).", "\n"), style="dim")


def _measured(v: float, lang: str = "both") -> str:
    return say(lang, "不可行", "infeasible") if _missing(v) else f"{v:+.4f}"
