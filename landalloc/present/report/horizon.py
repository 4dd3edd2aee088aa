"""The report of linked periods (`report --period all`): the horizon's conclusion first —
output over the horizon and per period, carry-over, the rules across periods that bind and
what they are worth, joint against sequential planning — then each period as the
one-period report shows it, and the horizon totals (district x period, stock targets).

Every figure is read from the HorizonResult (the numbers of `solve --period all --json`);
a price that is not unique is given as the measured value of one more and one less unit.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from landalloc.present.report import excel, html, pdf
from landalloc.present.report.figure import Chart, style
from landalloc.present.report.labels import Labels, check_lang
from landalloc.results.horizon import HorizonResult
from landalloc.results.result import Result


def _num(v: Any, digits: int = 0, sign: bool = False) -> str:
    return html.fmt(None if v is None or (isinstance(v, float) and math.isnan(v)) else
                    float(v), digits, sign)


def existing_stock(hr: HorizonResult) -> float:
    return float(hr.horizon.instances[0].horizon.existing_stock or 0.0)


def price_words(r: Any, lb: Labels, unit: str) -> str:
    """A binding rule's price: the shadow price where unique, else the measured value of
    one more and one less unit ('infeasible' where that move alone is)."""
    if not r["binding"]:
        return "—"
    if r["price_unique"] and not _missing(r["shadow_price"]):
        return lb.join(f"影子价格 {r['shadow_price']:+.4f} {unit}/公顷",
                       f"shadow price {r['shadow_price']:+.4f} {unit}/ha", " ")

    def one(v: Any, word: str) -> str:
        return word if _missing(v) else f"{float(v):+.4f} {unit}"

    more, less = r["value_one_more_ha"], r["value_one_less_ha"]
    return lb.join(f"价格不唯一（实测）：多 1 公顷 {one(more, '不可行')}，"
                   f"少 1 公顷 {one(less, '不可行')}",
                   f"price not unique (measured): one more ha {one(more, 'infeasible')}, "
                   f"one less {one(less, 'infeasible')}", " ")


def achieved(v: Any) -> str:
    """A rule's achieved value: hectares whole, a share (below 10) to three decimals."""
    return _num(v, 3 if not _missing(v) and 0 < abs(float(v)) < 10 else 0)


def _missing(v: Any) -> bool:
    try:
        return v is None or not math.isfinite(float(v))
    except (TypeError, ValueError):
        return True


def rule_rows(hr: HorizonResult, lb: Labels) -> list[list[str]]:
    """The rules across periods: label, achieved, bounds, price, source. A stock target is
    shown as the stock (existing + new land), as the plan states it."""
    from landalloc.present.screen import cite

    unit = hr.lp.objective_unit
    base = existing_stock(hr)
    rows = []
    for _, r in hr.rules().iterrows():
        add = base if r["kind"] == "stock_target" else 0.0
        lo, hi, act = (float(r[k]) + add if not _missing(r[k]) else None
                       for k in ("lower", "upper", "activity"))
        bounds = (_num(lo) if lo == hi else
                  f"{'—' if lo is None or lo < -1e19 else _num(lo)}–"
                  f"{'—' if hi is None or hi > 1e19 else _num(hi)}")
        rows.append([lb.rule(r["label_zh"], r["label_en"], " "), act, bounds,
                     lb.join("是", "yes", " ") if r["binding"] else lb.join("否", "no", " "),
                     price_words(r, lb, unit), cite(str(r["source"] or ""), lb.lang)])
    return rows


def district_rows(hr: HorizonResult, periods: dict[str, Result], lb: Labels,
                  sep: str = " ") -> tuple[list[str], list[list[Any]]]:
    """District x period (ha) and the horizon total, with a total row."""
    mats = {p: r.matrix().sum(axis=0) for p, r in periods.items()}
    districts = list(hr.horizon.instances[0].districts)
    rows: list[list[Any]] = []
    for d in districts:
        vals = [float(mats[p].get(d, 0.0)) for p in periods]
        rows.append([lb.district(d, " "), *vals, sum(vals)])
    totals = [float(m.sum()) for m in mats.values()]
    rows.append([lb.text("total", " "), *totals, sum(totals)])
    head = [lb.text("district", " "), *[f"{p} (ha)" for p in periods],
            lb.join("规划期合计 (公顷)", "horizon (ha)", sep)]
    return head, rows


def conclusion(hr: HorizonResult, periods: dict[str, Result], lb: Labels) -> list[str]:
    """The horizon's conclusion in sentences; in both languages each sentence in Chinese,
    then in English (sentences that list rules are not mixed halfway)."""
    if lb.lang != "both":
        return _conclusion(hr, periods, lb)
    inst = list(hr.horizon.instances)
    zh = _conclusion(hr, periods, Labels.of(inst, "zh"))
    en = _conclusion(hr, periods, Labels.of(inst, "en"))
    return [f"{a}\n{b}" for a, b in zip(zh, en, strict=True)]


def _conclusion(hr: HorizonResult, periods: dict[str, Result], lb: Labels) -> list[str]:
    from landalloc.present.screen import warnings

    j = lb.join
    unit = hr.lp.objective_unit
    names = "、".join(periods) if lb.lang != "en" else ", ".join(periods)
    if not hr.optimal:
        from landalloc.present.answer import STATUS_ZH

        zh_status = STATUS_ZH.get(hr.status, hr.status)
        return [j(f"求解状态：{zh_status}。{names} 联合求解无法满足全部规则，未给出分配。",
                  f"Status: {hr.status}. Solved together, {names} cannot meet every rule; no "
                  "allocation is given.", "\n")]
    lines = [j(f"{names} 联合求解：满足各期规划全部指标及跨期规则，规划期合计预计产出 "
               f"{hr.objective:,.1f} {unit}。",
               f"{names} solved together: meeting every figure of each period and the rules "
               f"across periods, projected output over the horizon {hr.objective:,.1f} {unit}.",
               "\n")]
    parts_zh, parts_en = [], []
    for p, r in periods.items():
        land = float(r.matrix().to_numpy().sum())
        parts_zh.append(f"{p} 新增工业用地 {land:,.0f} 公顷，预计产出 {r.objective:,.1f} {unit}")
        parts_en.append(f"{p}: {land:,.0f} ha of new land, {r.objective:,.1f} {unit}")
    lines.append(j("各期：" + "；".join(parts_zh) + "。", "By period: " + "; ".join(parts_en)
                   + ".", "\n"))
    rules = hr.rules()
    for c in hr.carry():
        name = f"carry_over[{c['from']}->{c['to']}]"
        cap = rules.loc[rules["name"] == name, "upper"]
        lim = f"{float(cap.iloc[0]):,.0f}" if len(cap) else "—"
        lines.append(j(f"结转用地 {c['from']} → {c['to']}：{c['hectares']:,.0f} 公顷"
                       f"（上限 {lim} 公顷）。",
                       f"Carry-over {c['from']} → {c['to']}: {c['hectares']:,.0f} ha "
                       f"(limit {lim} ha).", "\n"))
    binding = [row for row, b in zip(rule_rows(hr, lb), rules["binding"], strict=True) if b]
    if binding:
        if lb.lang == "zh":
            lines.append(f"起约束作用的跨期规则 {len(binding)} 条：" + "；".join(
                f"{r[0]} {achieved(r[1])} 公顷（界限 {r[2]}），{r[4]}" for r in binding) + "。")
        else:
            lines.append(f"Rules across periods that bind ({len(binding)}): " + "; ".join(
                f"{r[0]} {achieved(r[1])} ha (bounds {r[2]}), {r[4]}" for r in binding) + ".")
    lines += _joint_lines(hr, lb, unit)
    if any(not bool(u) for u in rules.loc[rules["binding"].astype(bool), "price_unique"]):
        lines.append(j("注意：价格不唯一时给出的是实测值（多 1 / 少 1 公顷重新求解），"
                       "不是唯一的影子价格。",
                       "Note: where a price is not unique, the measured value (re-solved with "
                       "one more / one less ha) is given, not a shadow price.", "\n"))
    if any("assum" in str(s).lower() for s in rules["source"]):
        lines.append(j("注意：跨期规则的依据含假设（非规划原文），见跨期规则表的来源列。",
                       "Note: rules across periods rest on assumptions (not the plan's); see "
                       "the source column of the rules across periods.", "\n"))
    for p, r in periods.items():
        lines += [f"{p} 注意：{w}" if lb.lang == "zh" else f"{p} note: {w}"
                  for w in warnings(r, lb.lang)]
    return lines


def _joint_lines(hr: HorizonResult, lb: Labels, unit: str) -> list[str]:
    seq = hr.sequential
    if seq is None:
        return []
    if seq.get("objective") is None:
        return [lb.join(f"逐期规划（先定前一期，再定后一期）在 {seq.get('failed_at')} 无可行解："
                        "必须联合规划。",
                        f"Planning one period at a time (the earlier fixed first) is "
                        f"{seq['status']} at {seq.get('failed_at')}: the periods must be "
                        "planned together.", "\n")]
    gain = hr.objective - seq["objective"]
    pct = f"{gain / seq['objective']:+.2%}" if seq["objective"] else "—"
    return [lb.join(f"逐期规划（先定前一期，再定后一期）预计产出 {seq['objective']:,.1f} {unit}；"
                    f"联合规划的价值 {gain:+,.1f} {unit}（{pct}）。",
                    f"Planning one period at a time (the earlier fixed first) gives "
                    f"{seq['objective']:,.1f} {unit}; the value of planning them together is "
                    f"{gain:+,.1f} {unit} ({pct}).", "\n")]


def _rule_paragraph(row: list[str], lb: Labels) -> str:
    """One rule across periods as a paragraph (a table cell would not hold its price)."""
    head = _rule_head(lb)
    return f"{row[0]}\n" + ("；" if lb.lang == "zh" else "; ").join(
        f"{h}：{v}" if lb.lang == "zh" else f"{h}: {v}"
        for h, v in zip(head[1:], row[1:], strict=True) if v)


def _stock_rows(hr: HorizonResult, lb: Labels) -> list[list[Any]]:
    base = existing_stock(hr)
    out = []
    for _, r in hr.rules().iterrows():
        if r["kind"] != "stock_target":
            continue
        p = str(r["members"])  # a stock target's member is its period
        out.append([lb.join(f"{p}末", f"end of {p}", " "), base,
                    float(r["activity"]), base + float(r["activity"]),
                    base + float(r["lower"]), base + float(r["upper"])])
    return out


def _stock_head(lb: Labels, sep: str = " ") -> list[str]:
    j = lb.join
    return [j("工业用地总规模", "industrial land stock", sep),
            j("现状 (公顷)", "existing (ha)", sep),
            j("累计新增 (公顷)", "new (ha)", sep),
            j("实现 (公顷)", "achieved (ha)", sep), j("目标下限 (公顷)", "target min (ha)", sep),
            j("目标上限 (公顷)", "target max (ha)", sep)]


def _rule_head(lb: Labels) -> list[str]:
    j = lb.join
    return [j("规则", "rule", " "), j("实现", "achieved", " "), j("界限", "bounds", " "),
            j("约束", "binds", " "), j("价格", "price", " "), j("来源", "source", " ")]


def _summary_rows(hr: HorizonResult, periods: dict[str, Result], lb: Labels) -> list[list[Any]]:
    unit = hr.lp.objective_unit
    j = lb.join
    rows: list[list[Any]] = [[j("规划期合计预计产出", "projected output, horizon", " ")
                              + f" ({unit})", hr.objective]]
    rows += [[f"{p} {j('预计产出', 'projected output', ' ')} ({unit})", r.objective]
             for p, r in periods.items()]
    rows += [[f"{j('结转用地', 'carry-over', ' ')} {c['from']} → {c['to']} (ha)", c["hectares"]]
             for c in hr.carry()]
    seq = hr.sequential or {}
    if seq.get("objective") is not None and hr.objective is not None:
        rows.append([j("逐期规划预计产出", "sequential planning", " ") + f" ({unit})",
                     seq["objective"]])
        rows.append([j("联合规划的价值", "value of joint planning", " ") + f" ({unit})",
                     hr.objective - seq["objective"]])
    return rows


def build_horizon(hr: HorizonResult, lb: Labels, extras: dict[str, Any] | None = None
                  ) -> dict[str, bytes]:
    """report.pdf, report.html, report.xlsx and figures/<period>_<chart>.png; `extras` as
    for one period (a batch's headline, its change distribution, output against each
    parameter) head the report when given."""
    from dataclasses import replace

    from landalloc.present.report.build import (
        FIGURES,
        REPORT_HTML,
        REPORT_PDF,
        REPORT_XLSX,
        _extra_charts,
        _rules_html,
        _totals_html,
        check_extras,
        period_charts,
    )

    extras = check_extras(extras)
    periods = hr.periods()
    made: dict[str, list[Chart]] = {}
    with style():
        for p, r in periods.items():
            made[p] = [replace(c, key=f"{p}_{c.key}") for c in period_charts(r, lb)]
        batch = _extra_charts(extras, lb, [], hr.lp.objective_unit)
    lines = conclusion(hr, periods, lb)
    unit = hr.lp.objective_unit
    head = hr.horizon.instances[0]
    title = f"{lb.text('report')} — {head.title or head.name}"
    sub = f"{lb.text('period')} {' + '.join(periods)}"
    scen = next((r.record.get("scenario") for r in periods.values()
                 if (r.record or {}).get("scenario")), None)
    if scen:
        sub += f" · {lb.text('scenario')} {scen}"
    blocks: list[tuple[str, list[str], list[list[Any]], dict[int, str]]] = [
        (lb.join("结论", "Conclusion", " / "), [lb.text("key"), lb.text("value")],
         _summary_rows(hr, periods, lb), {1: excel.MONEY})]
    sections: list[tuple[str, str]] = [
        ("", html.cards([(lb.text("status"), hr.status),
                         (f"{lb.text('objective')} ({unit})", html.fmt(hr.objective, 1))]
                        + [(f"{p} ({unit})", html.fmt(r.objective, 1))
                           for p, r in periods.items()])),
        (lb.join("结论", "Conclusion", " / "),
         "".join(f"<p>{html.escape(line)}</p>" for line in lines))]
    head_rows = extras.get("headline")
    if head_rows is not None and len(head_rows):
        cards = list(zip(head_rows["item"].astype(str), head_rows["value"].astype(str),
                         strict=True))
        sections.insert(1, ("", html.cards(cards)))
        lines = [*(f"{k}: {v}" for k, v in cards), *lines]
    if batch:
        sections.append((lb.text("figures"), "".join(html.figure(c) for c in batch)))
    pages = pdf._Pages()
    pdf._text_page(pages, lb.join("结论", "Conclusion", " / "), [sub, *lines])
    pdf._chart_pages(pages, batch)
    if hr.optimal:
        dhead, drows = district_rows(hr, periods, lb)
        stock = _stock_rows(hr, lb)
        rules = rule_rows(hr, lb)
        t_dist = lb.join("规划期合计：区县 × 规划期（公顷）",
                         "Horizon totals: district x period (ha)", " / ")
        t_stock = lb.join("工业用地总规模目标：实现与目标",
                          "Stock targets: achieved against target", " / ")
        t_rules = lb.join("跨期规则", "Rules across periods", " / ")
        fmt_rows = [[r[0], *[_num(v) for v in r[1:]]] for r in drows]
        pdf._table_pages(pages, t_dist, district_rows(hr, periods, lb, "\n")[0], fmt_rows,
                         [0.40] + [0.60 / (len(dhead) - 1)] * (len(dhead) - 1))
        if stock:
            pdf._table_pages(pages, t_stock, _stock_head(lb, "\n"),
                             [[r[0], *[_num(v) for v in r[1:]]] for r in stock],
                             [0.25, 0.15, 0.15, 0.15, 0.15, 0.15])
        shown = [[r[0], achieved(r[1]), *r[2:]] for r in rules]
        pdf._text_page(pages, t_rules, [_rule_paragraph(r, lb) for r in shown])
        blocks += [(t_dist, dhead, drows, dict.fromkeys(range(1, len(dhead)), excel.HA))]
        if stock:
            blocks.append((t_stock, _stock_head(lb), stock,
                           dict.fromkeys(range(1, 6), excel.HA)))
        blocks.append((t_rules, _rule_head(lb), rules, {1: excel.HA1}))
        sections += [(t_dist, html.table(dhead, fmt_rows))]
        if stock:
            sections.append((t_stock, html.table(
                _stock_head(lb), [[r[0], *[_num(v) for v in r[1:]]] for r in stock])))
        sections.append((t_rules, html.table(_rule_head(lb), shown,
                                             [["", "", "", "", "l", "l"]] * len(rules))))
    for p, r in periods.items():
        pdf.period_pages(pages, r, lb, made[p], prefix=f"{p} · ")
        if r.optimal:
            sections += [(f"{p} · {lb.text('figures')}",
                          "".join(html.figure(c) for c in made[p])),
                         (f"{p} · {lb.text('sheet_totals')}", _totals_html(r, lb)),
                         (f"{p} · {lb.text('binding_rules')}", _rules_html(r, lb, None))]
    files = {f"{FIGURES}/{c.key}.png": c.png for cs in [batch, *made.values()] for c in cs}
    files[REPORT_XLSX] = excel.horizon_workbook(periods, lb, blocks, extras.get("batch"))
    files[REPORT_HTML] = html.page(title, sub, sections, lb).encode("utf-8")
    files[REPORT_PDF] = pdf._render(pages, lb, f"{lb.text('report', ' ')} — "
                                               f"{' + '.join(periods)}")
    return files


def write_horizon_report(hr: HorizonResult, out_dir: str | Path, lang: str = "both",
                         extras: dict[str, Any] | None = None) -> list[Path]:
    """The report of linked periods: report.pdf, report.html, report.xlsx, figures/*.png,
    written whole or not at all."""
    from landalloc.present.report.build import _write_all

    lang = check_lang(lang)
    lb = Labels.of(list(hr.horizon.instances), lang)
    return _write_all(Path(out_dir), build_horizon(hr, lb, extras))
