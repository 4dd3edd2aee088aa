"""The answer first: a few lines every screen opens with, and tables that fit the terminal.

`answer(...)` prints the headline — status, projected output (its unit) and its change against
the plan or the base, what binds in words, and the warnings that matter (prices that are
not unique, other allocations with the same output, figures that are assumptions,
infeasible points) — before any detail. `fit_columns` prints a wide table in as many
pieces as the terminal needs, so no number is ever cut; `print_block` writes a block meant
to be pasted, never wrapped.

Languages: "zh" (Chinese only), "en" (English only, ids for names) or "both".
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from landalloc.plan.choices import DEFAULT_UNIT

LANGS = ("zh", "en", "both")
#: Below this many columns a table shows one name column (Chinese, or ids with --lang en).
NARROW = 120


def check_lang(lang: str | None) -> str:
    lang = (lang or "both").lower()
    if lang not in LANGS:
        from landalloc.errors import InputError

        raise InputError.one(f"one of {', '.join(LANGS)}, not '{lang[:20]}'", file="--lang")
    return lang


def say(lang: str, zh: str, en: str, sep: str = " / ") -> str:
    """The words in the chosen language ("both": Chinese, then English)."""
    if lang == "zh":
        return zh
    if lang == "en":
        return en
    return f"{zh}{sep}{en}"


def name(lang: str, zh: str | None, key: str, narrow: bool = False) -> str:
    """A sector's, district's or zone's name: Chinese, the id, or both (one when narrow)."""
    zh = zh or key
    if lang == "zh":
        return zh
    if lang == "en":
        return key
    return zh if narrow else f"{zh} {key}"


def missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and (math.isnan(v) or math.isinf(v)))


def fmt(v: float | None, digits: int = 0, sign: bool = False) -> str:
    if missing(v):
        return "—"
    if abs(v) < 0.5 * 10 ** -digits:
        v = 0.0  # never "-0.0"
    return f"{v:+,.{digits}f}" if sign else f"{v:,.{digits}f}"


STATUS_ZH = {"optimal": "最优", "infeasible": "无可行解", "unbounded": "无界",
             "time_limit": "超时未解完", "error": "求解出错", "not_solved": "未求解"}


def _gaps(values):
    """Each value's distance below the largest finite one, in units of the tie tolerance
    (a relative 1e-6): 0 for a value that ties the best. Objectives of warm re-solves
    differ in their last bits, so rank by these steps, never by the raw floats."""
    import numpy as np

    v = np.asarray(values, dtype=float)
    ok = np.isfinite(v)
    if not ok.any():
        return np.full(v.shape, np.inf)
    top = float(v[ok].max())
    steps = np.floor((top - v) / (1e-6 * max(1.0, abs(top))))
    return np.where(ok, steps, np.inf)


def ties_at_best(values) -> int:
    """How many of `values` equal the largest (within a relative 1e-6): a "best" that is
    one of several is said to be."""
    return int((_gaps(values) == 0).sum())


def ranked(frame, column: str = "objective"):
    """`frame`'s rows best first; rows whose values tie (within the tie tolerance) keep
    their order in `frame` (the stable key), so the "best" of several is the first
    given."""
    order = _gaps(frame[column].to_numpy()).argsort(kind="stable")
    return frame.iloc[order]


def status_words(lang: str, status: str) -> str:
    return say(lang, STATUS_ZH.get(status, status), status)


def answer(console: Console, lang: str, status: str, objective: float | None,
           unit: str = DEFAULT_UNIT, change: float | None = None,
           against: str | tuple[str, str] | None = None,
           binds: Sequence[str] = (), warnings: Sequence[str] = (),
           title: str | None = None, extra: Sequence[str] = (),
           binds_label: tuple[str, str] = ("起约束作用", "What binds")) -> None:
    """The headline block. The projected output is on the first or second line."""
    ok = status == "optimal"
    style = "bold green" if ok else "bold red"
    head = Text()
    if title:
        head.append(title + "\n", style="bold")
    head.append(say(lang, "结果", "Result", " ") + ": ", style="bold")
    head.append(status_words(lang, status), style=style)
    if not missing(objective):
        head.append("   " + say(lang, "预计产出", "projected output", " ") + " ")
        head.append(f"{fmt(objective, 1)} {unit}", style="bold")
        if not missing(change) and against:
            zh, en = against if isinstance(against, tuple) else (against, against)
            head.append(f"  ({fmt(change, 1, sign=True)} {unit} "
                        + say(lang, f"较{zh}", f"against {en}", " ") + ")")
    console.print(head, highlight=False)
    for line in extra:
        console.print(line, highlight=False, markup=False)
    if binds:
        lead = say(lang, *binds_label, " ") + ": "
        shown = list(binds[:6])
        more = len(binds) - len(shown)
        tail = ({"zh": f"等共 {len(binds)} 条", "en": f"and {more} more"}.get(lang, f"… (+{more})")
                if more > 0 else "")
        sep = "、" if lang == "zh" else "; "
        console.print(Text(lead, style="bold") + Text(sep.join(shown) + (
            ("" if lang == "zh" else " ") + tail if tail else "")), highlight=False)
    for w in warnings:
        # the text beside its marker, wrapped inside its own column: a run of Chinese with
        # no space to break at starts on the marker's line instead of below it
        grid = Table.grid()
        grid.add_column(no_wrap=True)
        grid.add_column()
        grid.add_row(Text("! ", style="bold yellow"),
                     Text(w.replace("\n  ", "\n"), style="yellow", overflow="fold"))
        console.print(grid, highlight=False)
    console.rule(style="dim")


def print_block(console: Console, text: str, style: str | None = None) -> None:
    """A block meant to be pasted (a scenario's `set:` block, a scenario excerpt): every
    line written whole whatever the terminal's width, since a line the terminal breaks
    is a YAML error once pasted."""
    if text:
        console.print(Text(text, style=style or ""), soft_wrap=True, crop=False,
                      highlight=False, markup=False)


def wrap_cjk(text: str, n: int = 4) -> str:
    """A Chinese header in lines of `n` characters (a column no wider than its numbers)."""
    if not text or not all(ord(c) > 0x2E80 for c in text) or len(text) <= n + 1:
        return text
    return "\n".join(text[i:i + n] for i in range(0, len(text), n))


def fit_columns(console: Console, title: str, name_header: str, names: Sequence[str],
                columns: Sequence[tuple[str, Sequence[str]]], footer: Sequence[str] | None = None,
                footer_label: str = "", note: str | None = None,
                markup_names: bool = False) -> None:
    """Print `names` x `columns` in as few pieces as fit the console's width, each piece
    repeating the name column, every number whole. Widths are known before printing (a
    table's width is the sum of its columns'), so each piece is the widest that fits."""
    from landalloc.present.grid import Col, print_table

    width = console.width
    longest = max([cell_len(line) for n in names for line in str(n).split("\n")] + [4])
    name_max = min(longest, max(16, int(width * 0.4)))
    name_col = Col(name_header, list(names), footer_label, wrap=True, max_width=name_max,
                   markup=markup_names)
    cols = [Col(header, values, footer[j] if footer is not None else "", right=True,
                wrap=max([len(v) for v in values] + [0]) > 30)
            for j, (header, values) in enumerate(columns)]
    print_table(console, title, [name_col, *cols], footer=footer is not None)
    if note:
        console.print(note, style="dim", highlight=False)


def binding_rows(rules) -> list[dict]:
    """The binding rules of a rules table (a DataFrame, or Columns on the solve path) as
    one dict each, in the table's order."""
    if rules is None or not len(rules) or "binding" not in rules:
        return []
    from landalloc.formulations.columns import Columns

    if isinstance(rules, Columns):  # the solve path: no pandas
        import numpy as np

        return rules.take(np.asarray(rules["binding"], dtype=bool)).records()
    return rules[rules["binding"].astype(bool)].to_dict("records")


def price_unit(figure_unit: str, unit: str, lang: str) -> str:
    """The unit of a rule's shadow price: per unit of its figure (ha, or a table's unit such
    as m3/d), or, for a share (whose figure is a fraction), per ha of the land above it."""
    if figure_unit == "share":
        return {"zh": f"{unit}/公顷（占比之上）", "en": f"{unit}/ha above the share"}.get(
            lang, f"{unit}/ha（占比之上 / above the share）")
    return f"{unit}/{figure_unit}"


def figure_text(value: float | None, figure_unit: str) -> str:
    """A rule's figure as printed: a share as a percentage (83.3 %), hectares whole (a
    small figure in a table's unit to three decimals). Every output quotes a share so."""
    if figure_unit == "share":
        return "—" if missing(value) else f"{fmt(100 * value, 1)} %"
    if not missing(value) and abs(value) < 1:
        return fmt(value, 3)
    return fmt(value)


def bound_text(lo: float | None, hi: float | None, figure_unit: str) -> str:
    """A rule's bounds as printed (`figure_text` for each): 2,100, ≤ 1,100, ≥ 83.3 %, or
    500–1,000; "—" for none."""
    lo = None if missing(lo) or lo == float("-inf") else lo
    hi = None if missing(hi) or hi == float("inf") else hi
    if lo is None and hi is None:
        return "—"
    if lo is not None and hi is not None:
        if lo == hi:
            return figure_text(lo, figure_unit)
        return f"{figure_text(lo, figure_unit)}–{figure_text(hi, figure_unit)}"
    if lo is None:
        return f"≤ {figure_text(hi, figure_unit)}"
    return f"≥ {figure_text(lo, figure_unit)}"


def rule_words(rules, lang: str, unit: str = DEFAULT_UNIT) -> list[str]:
    """Each binding rule of a rules table in words: label, its figure (a share as a
    fraction), its price where unique."""
    from landalloc.results.result import rule_figure  # here: --help imports no numpy

    out = []
    for r in binding_rows(rules):
        label = r["label_zh"] if lang != "en" else r["label_en"]
        value, _, _, figure_unit = rule_figure(r)
        act = figure_text(value, figure_unit)
        if bool(r.get("price_unique")) and not missing(r.get("shadow_price")):
            out.append(f"{label} {act} ({r['shadow_price']:+.3f} "
                       f"{price_unit(figure_unit, unit, lang)})")
        else:
            out.append(f"{label} {act}")
    return out


#: The plan's layout roles in Chinese.
ROLE_ZH = {"core": "核心区", "cluster": "集群", "node": "节点", "zone_list": "片区名单",
           "unnamed": "未命名"}

#: What the analysis of an optimum notes, in Chinese (a note not listed stays as it is).
_NOTES_ZH = [
    (r"degenerate optimum: (\d+) basic variables sit on a bound, so shadow prices are not "
     r"unique\. A price that is not unique is shown as the measured value of one more and "
     r"one less unit instead\.",
     r"退化最优解：\1 个基变量处于界上，影子价格不唯一；不唯一的价格改以多 1 个、少 1 个"
     r"单位时重新求解测得的产出变化给出。"),
    (r"other allocations give the same output: (\d+) unused cells have a zero reduced "
     r"cost\. The allocation shown is the tie-break's: among the optimal allocations, the "
     r"one with the largest fixed per-cell weight\.",
     r"另有产出相同的分配：\1 个未用地块的检验数为零。所示分配按固定规则选出：在全部最优"
     r"分配中取各地块固定权重之和最大者。"),
    (r"HiGHS could not compute ranging; ranges are missing",
     "HiGHS 未能给出灵敏度区间；区间缺失"),
]


def note_words(note: str, lang: str, lead: bool = False) -> str:
    """A note of the analysis in the screen's language ("both": Chinese, then English);
    `lead`: each line opens with "注：" / "note: "."""
    import re

    zh = note
    for pat, rep in _NOTES_ZH:
        zh = re.sub(pat, rep, zh)
    if lead:
        zh, note = f"注：{zh}", f"note: {note}"
    return say(lang, zh, note, "\n")


def prose(console: Console, text: str, style: str | None = None) -> None:
    """Sentences wrapped to the console between words — at spaces, or between Chinese
    characters, never inside a number or an id (rich would move a whole run of Chinese
    to the next line) — each line keeping its paragraph's indent."""
    from landalloc.present.grid import break_lines

    lines = []
    for para in text.split("\n"):  # a paragraph's indent is kept on each of its lines
        body = para.lstrip(" ")
        indent = " " * min(len(para) - len(body), console.width // 2)
        lines += [indent + body[a:b]
                  for a, b in break_lines(body, console.width - len(indent))]
    console.print(Text("\n".join(lines), style=style or ""), soft_wrap=True, crop=False,
                  highlight=False, markup=False)


def plan_fit_line(pf: dict, lang: str) -> str:
    """The plan fit and its hectares by role, in the screen's language."""
    parts_zh = "、".join(f"{ROLE_ZH.get(k, k)} {v:,.0f}" for k, v in pf["by_role"].items())
    parts_en = ", ".join(f"{k} {v:,.0f}" for k, v in pf["by_role"].items())
    line = say(lang, f"规划契合度：{pf['score']:,.0f}（按角色的公顷数：{parts_zh}）",
               f"Plan fit: {pf['score']:,.0f} (ha by role: {parts_en})", "\n")
    pc = pf.get("plan_reading_cost")
    if pc and pc.get("cost") is not None:
        line += "\n" + say(
            lang,
            f"规划读法（假设）：每个规划点名的基地至少 {pc['minimum_ha']:g} 公顷"
            f"（{pc['named_bases']} 个），比不加此读法的最优 "
            f"{pc['unconstrained_objective']:,.2f} 少 {pc['cost']:,.2f} {pc['unit']}"
            f"（{100 * pc['share']:.2f} %）；--set {pc['unconstrained_set']} 即得后者",
            f"Plan reading (assumption): every named base ≥ {pc['minimum_ha']:g} ha "
            f"({pc['named_bases']} bases) costs {pc['cost']:,.2f} {pc['unit']} "
            f"({100 * pc['share']:.2f} %) of the unconstrained optimum "
            f"{pc['unconstrained_objective']:,.2f}; --set {pc['unconstrained_set']} gives it",
            "\n")
    return line


def price_warnings(rules, duals_unique: bool | None, allocation_unique: bool | None,
                   lang: str) -> list[str]:
    """Prices that are not unique; other allocations with the same output."""
    out = []
    if duals_unique is False:
        n = sum(not bool(r.get("price_unique")) for r in binding_rows(rules))
        if n:
            out.append(say(lang, f"{n} 条起约束规则的影子价格不唯一（退化最优解），"
                                 "只给出多 1 / 少 1 公顷时实测的产出变化",
                           f"{n} binding rules have no unique shadow price (a degenerate "
                           "optimum): only the measured change for one more / one less ha "
                           "is shown", "\n  "))
    if allocation_unique is False:
        out.append(say(lang, "另有产出相同的其他分配方案；所示为按固定规则选出的一个",
                       "other allocations give the same output; the one shown is picked by "
                       "a fixed tie-break rule", "\n  "))
    return out
