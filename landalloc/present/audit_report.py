"""The audit on screen: the answer first (how many checks, how many inconsistencies), then
one block per inconsistency — where it is, the stated and the computed number — with the
prose wrapped by rich and every number whole."""

from __future__ import annotations

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from landalloc.analysis.audit import AuditReport, CheckResult
from landalloc.present.answer import say

KIND_ZH = {"equal": "相等", "formula": "公式", "growth_base": "增长基数", "share": "占比",
           "sum": "合计", "growth": "增长率", "text": "正文与表格",
           "period": "期间", "forecast": "预测", "ratio": "比值", "difference": "差值"}


def _num(v: float, sign: str = "") -> str:
    if abs(v) >= 1000:
        return f"{v:{sign},.0f}"
    return f"{v:{sign}.2f}" if abs(v) >= 10 else f"{v:{sign}.3f}"


def _zh_marks(text: str) -> str:
    """The audit's own English marks in Chinese: (share), /yr, "L at R over N years" (a
    level reached at an average rate), a figure given by definition."""
    import re

    text = re.sub(r"(\S+(?: \S+)?) at (\S+(?: \S+)?) over (\S+) years", r"\1，年均 \2，\3 年",
                  text)
    return (text.replace("(share)", "（占比）").replace("(growth)", "（增长）")
            .replace("(sum)", "（合计）").replace("/yr", "/年").replace("definition", "定义"))


def _zh_where(text: str) -> str:
    from landalloc.present.screen import cite

    return _zh_marks(cite(text, "zh"))


def _zh_message(text: str) -> str:
    """A finding's sentence in Chinese, the plan's references as the plan prints them."""
    from landalloc.present.screen import cite_words

    return _zh_marks(cite_words(text))


def _block(i: int, r: CheckResult, lang: str) -> Panel:
    where = "; ".join(r.where)
    kind = say(lang, KIND_ZH.get(r.kind, r.kind), r.kind)
    if lang == "zh":
        where = _zh_where(where)
    stated, computed = r.stated_text, r.computed_text
    if r.stated.v < 0 and not stated.lstrip().startswith(("-", "−")):
        # a printed fall ("下降 10%") is checked as −10: show the sign the difference uses
        stated = f"-{stated}" + say(lang, "（下降）", " (a fall)", "")
    if lang == "zh":
        stated, computed = _zh_marks(stated), _zh_marks(computed)
    lines = [Text.assemble((say(lang, "位置", "where") + ": ", "bold"), where),
             Text.assemble((say(lang, "规划所载", "stated") + ": ", "bold"),
                           (stated, "bold"), "   ",
                           (say(lang, "推算", "computed") + ": ", "bold"),
                           (f"{_num(r.computed.v)}", "bold"), f"  ({computed})", "   ",
                           (say(lang, "差", "difference") + ": ", "bold"),
                           _num(r.difference, "+"))]
    if lang != "en" and r.message_zh:
        lines.append(Text(_zh_message(r.message_zh)))
    if lang != "zh":
        lines.append(Text(r.message))
        if r.note:
            lines.append(Text(r.note, style="dim"))
    return Panel(Group(*lines), title=f"{i}. {escape(kind)}", title_align="left",
                 border_style="yellow" if r.fired else "green", expand=True)


def print_audit(report: AuditReport, show_all: bool = False,
                console: Console | None = None, lang: str = "both") -> None:
    console = console or Console()
    found = report.findings
    head = Text()
    head.append(f"{report.name}: ", style="bold")
    head.append(say(lang, f"{len(report.results)} 项核对，", f"{len(report.results)} checks, ",
                    ""))
    head.append(say(lang, f"{len(found)} 处不一致", f"{len(found)} inconsistencies", " / "),
                style="bold red" if found else "bold green")
    head.append(f" ({report.file.name})")
    console.print(head, highlight=False)
    console.print(say(lang, "舍入误差（末位半个单位以内）不计为不一致。",
                      "Rounding within half a unit of the last printed digit is never "
                      "reported.", "\n"), style="dim", highlight=False)
    console.rule(style="dim")
    groups = [(say(lang, "不一致之处", "Inconsistencies"), found)]
    if show_all:
        groups.append((say(lang, "成立的核对", "Checks that hold"),
                       [r for r in report.results if not r.fired]))
    for title, rows in groups:
        if not rows:
            continue
        console.print(Text(title, style="bold"))
        for i, r in enumerate(rows, 1):
            console.print(_block(i, r, lang))
