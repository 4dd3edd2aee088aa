"""The diagnosis on screen: the answer first (infeasible, which rules collide, the smallest
repair), then the arithmetic and the ready-to-paste `set:` block."""

from __future__ import annotations

from rich.console import Console

from landalloc.present.answer import answer, fmt, print_block, prose, say
from landalloc.present.screen import cite

KINDS_ZH = {"districts": "区县", "groups": "产业组", "rules": "自定义规则", "sectors": "产业",
            "total": "总量", "zones": "片区", "allowed": "允许布局", "horizon": "规划期总量",
            "stock": "存量目标", "carry_over": "结转"}


METHOD_ZH = {"deletion": "删除筛选法", "highs": "HiGHS", "highs+deletion": "HiGHS + 删除筛选法",
             "certificate": "证书法"}

#: What the IIS search notes, in Chinese (a note not listed here is shown as it is).
_NOTES_ZH = [
    (r"no certificate; filtering every bound", "无 Farkas 证书；逐一筛查每个界"),
    (r"(\d+) feasibility checks ended undecided; those bounds were kept",
     r"\1 次可行性检查未能判定；相应的界予以保留"),
    (r"over (\d+) columns: HiGHS's IIS skipped", r"超过 \1 列：未调用 HiGHS 的不可约集"),
    (r"HiGHS gave no IIS \(time limit or error\); deletion filter used",
     "HiGHS 未给出不可约集（超时或出错）；改用删除筛选法"),
    (r"HiGHS's set was feasible on its own; deletion filter used",
     "HiGHS 给出的集合本身可行；改用删除筛选法"),
    (r"HiGHS's set was reducible; the deletion filter reduced it",
     "HiGHS 给出的集合还可约简；已由删除筛选法约简"),
    (r"HiGHS's set cross-checked by the deletion filter: irreducible",
     "HiGHS 给出的集合经删除筛选法复核：不可约"),
    (r"HiGHS found another irreducible set \((\d+) bounds\); this one has fewer rules",
     r"HiGHS 找到另一个不可约集（\1 个界）；这里给出的规则更少"),
    (r"HiGHS's IIS is the same set", "HiGHS 的不可约集与此相同"),
]


#: What a repair notes, in Chinese (the rule kinds it names stay as typed after --relax).
_REPAIR_ZH = [
    (r"the rules across periods alone \((.*)\) cannot repair it",
     r"仅改动跨期规则（\1）无法修复"),
    (r"no repair moves only (.*): let more rules move \(--relax all\)",
     r"只改动 \1 无法修复：请放开更多规则（--relax all）"),
    (r"the repair is not a valid scenario: (.*)", r"修复方案不是有效的情景：\1"),
]


def repair_note(note: str, lang: str) -> str:
    """The repair's note in the screen's language."""
    import re

    def kinds(m: re.Match) -> str:  # the kinds it may move, by their Chinese names
        return "、".join(KINDS_ZH.get(k, k) for k in m.group(1).split(", "))

    zh = re.sub(r"(?<=only )(.*)(?=: let more)", kinds, note)
    for pat, rep in _REPAIR_ZH:
        zh = re.sub(pat, rep, zh)
    return say(lang, zh, note, "\n")


def note_zh(note: str) -> str:
    """The IIS search's note in Chinese, part by part."""
    import re

    for pat, rep in _NOTES_ZH:
        note = re.sub(pat, rep, note)
    return note.replace("; ", "；")


def _label(label: str, lang: str) -> str:
    if " / " in label and lang != "both":
        zh, en = label.split(" / ", 1)
        return zh if lang == "zh" else en
    return label


def _figure(m) -> str:
    """A member's bound as the plan states it (a share, not its LP row's 0)."""
    return m.figure or fmt(m.bound)


def print_diagnosis(d, console: Console | None = None, lang: str = "both") -> None:
    """Sentences, arithmetic and the repair block, for people."""
    console = console or Console()

    def out(text: str, style: str | None = None) -> None:
        prose(console, text, style)

    if d.feasible:
        answer(console, lang, "optimal", None,
               extra=[say(lang, "规则彼此相容，无需诊断。",
                          "feasible: the rules are consistent; nothing to diagnose.", "\n")])
        return
    members = [f"{_label(m.label, lang)} {'≤' if m.side == 'max' else '≥'} {_figure(m)}"
               for m in d.members]
    warn = []
    if d.repair_items:
        warn.append(say(lang, f"最小修复：共改动 {d.repair_cost:,.2f} 公顷（加权），见下方 set: 块",
                        f"smallest repair: {d.repair_cost:,.2f} weighted ha, the set: block "
                        "below", "\n  "))
    else:
        words = repair_note(d.repair_note, "zh")
        warn.append(say(lang, f"在允许改动的规则内无修复方案：{words}",
                        f"no repair: {d.repair_note}", "\n  "))
    answer(console, lang, "infeasible", None, binds=members, warnings=warn,
           binds_label=("冲突的规则", "Conflicting rules"),
           extra=[say(lang, f"{len(d.members)} 条规则相互冲突（不可约不可行集：去掉任意一条，"
                            "其余即可同时满足）",
                      f"{len(d.members)} rules collide (an irreducible infeasible set: drop "
                      "any one and the rest can be met)", "\n")])
    if lang == "zh":
        for sentence in d.sentences_zh:
            if not sentence.startswith("  • "):  # the members follow, their sources cited
                out(sentence)
        for m in d.members:
            src = cite(m.provenance_zh, "zh")
            out(f"  • {_label(m.label, lang)} {'≤' if m.side == 'max' else '≥'} "
                f"{_figure(m)}（{m.name}）" + (f" — {src}" if src else ""))
        out(d.arithmetic_zh)
        if d.note:
            out(f"（{METHOD_ZH.get(d.method, d.method)}：{note_zh(d.note)}）", style="dim")
    else:
        for s in d.sentences:
            out(s)
        out(d.arithmetic)
        if d.note:
            out(f"({d.method}: {d.note})", style="dim")
        if d.verification and lang != "zh":
            out(f"({d.verification})", style="dim" if d.verified else "bold red")
        elif d.verification:
            out("（已验证：Farkas 证书与逐一去除成员后的可行性均已检查）" if d.verified
                else f"（未通过验证：{d.verification}）", style="dim" if d.verified else "bold red")
    if d.repair_items:
        kinds_zh = "、".join(KINDS_ZH.get(k, k) for k in d.relaxed)
        out(say(lang, f"最小修复（{d.repair_cost:,.2f} 加权公顷；可改动：{kinds_zh}）"
                      "——可粘贴到情景文件或用 --set 传入：",
                f"Smallest repair ({d.repair_cost:,.2f} weighted ha; may change: "
                f"{', '.join(d.relaxed)}) — paste into a scenario or pass as --set:", "\n"),
            style="bold")
        block = d.repair_block()
        print_block(console, block.replace(": was ", "：原为 ") if lang == "zh" else block)
        if d.repair_note:
            out(repair_note(d.repair_note, lang), style="dim")
        if d.repair_solves is not None:
            obj = "" if d.repair_objective is None else f"; output {d.repair_objective:,.2f}"
            out(say(lang, "已重新求解：修复后可行" + obj if d.repair_solves else
                    "已重新求解：修复后仍不可行（仅作参考）",
                    f"re-solved with the repair: feasible{obj}" if d.repair_solves else
                    "re-solved with the repair: still infeasible (a guide only)", " "),
                style="dim" if d.repair_solves else "bold red")
