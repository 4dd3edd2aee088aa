"""Linked periods on screen: the answer first (the horizon's output, each period's, the land
carried over, the value of planning the periods together, what binds across periods and
the warnings), then the periods side by side with the horizon totals, then each rule
across periods as a block (its figure, what was achieved, its price, its source)."""

from __future__ import annotations

from rich.console import Console

from landalloc.present.answer import NARROW, answer, fit_columns, name, say
from landalloc.present.screen import _title, cite

KIND_ZH = {"sector": "产业", "district": "区县", "zone": "片区"}


def _fmt(v) -> str:
    return "·" if v is None or abs(v) < 0.05 else f"{v:,.0f}"


def _one(lang: str, v) -> str:
    return say(lang, "单独不可行", "infeasible alone") if v is None else f"{v:+.4f}"


def _price(r: dict, lang: str) -> str:
    """The price where unique; else the measured values of one more / one less unit."""
    if r["dual"] is not None and r.get("price_unique"):
        return f"{r['dual']:.4f}"
    if not r.get("binding"):
        return ""
    more, less = _one(lang, r.get("value_one_more_ha")), _one(lang, r.get("value_one_less_ha"))
    return say(lang, f"不唯一：多 1 单位 {more}，少 1 单位 {less}",
               f"not unique: one more {more}, one less {less}")


def _rule_line(r: dict, lang: str) -> str:
    """A rule across periods in one language ("zh" or "en"): its achieved figure within its
    bounds (a share as a fraction, both to three decimals), its price."""
    unit = r.get("achieved_unit") or "ha"
    digits = 3 if unit == "share" else 0
    ach = r.get("achieved")
    shown = "—" if ach is None else (f"{ach:.3f}" if unit == "share" else f"{ach:,.1f}")
    lo, hi = r.get("achieved_lower"), r.get("achieved_upper")
    bounds = (f"[{'' if lo is None else f'{lo:,.{digits}f}'}, "
              f"{'' if hi is None else f'{hi:,.{digits}f}'}]")
    price = _price(r, lang)
    if lang == "zh":
        return (f"{_label(r, 'zh')}：实现 {shown} {'公顷' if unit == 'ha' else unit}，界限 "
                f"{bounds}" + (f"；影子价格 {price}" if price else ""))
    return (f"{_label(r, 'en')}: {shown} {unit} within {bounds}"
            + (f"; price {price}" if price else ""))


def _label(r: dict, lang: str) -> str:
    zh, _, en = r["label"].partition(" / ")
    return say(lang, zh, en or zh)


def _names(instances, kind: str, key: str, lang: str, narrow: bool) -> str:
    """A name from whichever period has it (a sector may exist in one period only)."""
    for inst in instances:
        item = {"sector": inst.sectors, "district": inst.districts,
                "zone": inst.zones}[kind].get(key)
        if item is not None:
            return name(lang, item.zh, key, narrow)
    return key


def _headline(result, doc: dict, lang: str, console: Console) -> None:
    h = result.horizon
    head = h.instances[0]
    unit = doc["objective_unit"]
    per = doc["periods"]
    extra = [say(lang, "；".join(f"{p} 产出 {per[p]['objective']:,.2f} {unit}" for p in h.periods),
                 "; ".join(f"{p}: {per[p]['objective']:,.2f} {unit}" for p in h.periods), "\n")]
    for c in doc["carry_over"]:
        extra.append(say(lang, f"{c['from']} 结转至 {c['to']}：{c['hectares']:,.0f} 公顷",
                         f"carried over {c['from']} -> {c['to']}: {c['hectares']:,.0f} ha"))
    seq = doc.get("sequential")
    if seq is not None and seq.get("objective") is not None:
        v = doc["value_of_joint_planning"]
        extra.append(say(lang, f"逐期规划（前期固定后再规划后期）产出 {seq['objective']:,.2f} "
                               f"{unit}；联合规划的价值 {v:,.2f} {unit}",
                         f"planned in turn (each period with the earlier ones fixed): "
                         f"{seq['objective']:,.2f} {unit}; value of planning together: "
                         f"{v:,.2f} {unit}", "\n"))
    elif seq is not None:
        extra.append(say(lang, f"逐期规划在 {seq.get('failed_at')} 无可行解",
                         f"planned in turn: {seq['status']} at {seq.get('failed_at')}"))
    binds = [_label(r, lang) for r in doc["rules"] if r.get("binding")]
    warn = []
    if any(r.get("binding") and not r.get("price_unique") for r in doc["rules"]):
        warn.append(say(lang, "部分跨期规则的影子价格不唯一（退化最优解）：显示重新求解测得的"
                              "多/少 1 单位的值",
                        "some prices across periods are not unique (a degenerate optimum): "
                        "the measured values of one more / one less unit are shown"))
    assumed = [_label(r, lang) for r in doc["rules"] if "assumption" in (r.get("source") or "")]
    if assumed:
        warn.append(say(lang, f"含假设的跨期规则（非规划原文）：{'、'.join(assumed)}",
                        f"rules across periods resting on assumptions (not the plan's "
                        f"figures): {'; '.join(assumed)}"))
    title = f"{_title(head, lang)} — " + say(
        lang, f"{' + '.join(h.periods)} 联合求解（{'联合' if result.mode == 'joint' else '逐期'}）",
        f"periods {' + '.join(h.periods)} linked ({result.mode})", " ")
    answer(console, lang, doc["status"], doc["objective"], unit, binds=binds, warnings=warn,
           title=title, extra=extra, binds_label=("跨期起约束作用", "What binds across periods"))


def print_horizon(result, console: Console | None = None, lang: str = "both") -> None:
    console = console or Console()
    h = result.horizon
    head = h.instances[0]
    if not result.optimal:
        answer(console, lang, result.status, None,
               title=f"{_title(head, lang)} — " + say(
                   lang, f"{' + '.join(h.periods)} 联合求解",
                   f"periods {' + '.join(h.periods)} linked", " "))
        if result.raw.message:
            console.print(result.raw.message, highlight=False, markup=False)
        return
    doc = result.to_dict()
    per = doc["periods"]
    _headline(result, doc, lang, console)
    narrow = console.width < NARROW
    for kind in ("sector", "district", "zone"):
        keys = list(doc["horizon_totals"][kind])
        rows = [[*[_fmt(per[p]["totals"].get(kind, {}).get(k)) for p in h.periods],
                 _fmt(doc["horizon_totals"][kind][k])] for k in keys]
        total = [*[_fmt(sum(per[p]["totals"].get(kind, {}).values())) for p in h.periods],
                 _fmt(sum(doc["horizon_totals"][kind].values()))]
        heads = [*h.periods, say(lang, "规划期合计", "horizon")]
        fit_columns(console, say(lang, f"各{KIND_ZH[kind]}新增用地（公顷），分期并列",
                                 f"New land by {kind} (ha), periods side by side"),
                    say(lang, KIND_ZH[kind], kind),
                    [_names(h.instances, kind, k, lang, narrow) for k in keys],
                    [(hd, [r[j] for r in rows]) for j, hd in enumerate(heads)], total,
                    say(lang, "合计", "total"))
    console.print(say(lang, "跨期规则", "Rules across periods"), style="bold")
    for r in doc["rules"]:
        console.print("• " + say(lang, _rule_line(r, "zh"), _rule_line(r, "en"), "\n  "),
                      highlight=False, markup=False)
        if r.get("source"):
            console.print("  " + cite(r["source"], lang), style="dim", highlight=False,
                          markup=False)
