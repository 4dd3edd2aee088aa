"""A batch on screen: the answer first (how many solved, the best and worst scenarios
with their parameters, infeasible scenarios grouped by the rules that conflict), then the
output against each varied parameter and the best scenarios with their parameter values.
Parameters come from the summary's parameter columns (`landalloc.batch.params`)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console

from landalloc.plan.choices import DEFAULT_UNIT
from landalloc.present.answer import answer, fit_columns, fmt, ranked, say, ties_at_best


def _value(v: object) -> str:
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, int | float):
        return fmt(float(v), 0 if float(v).is_integer() else 3)
    if isinstance(v, dict):
        return ", ".join(f"{k} {_value(x)}" for k, x in v.items())
    if isinstance(v, list | tuple):
        return ", ".join(_value(x) for x in v)
    return str(v)


#: At most this many parameter columns on screen (the most often set first).
MAX_PARAMS = 6


def varied(params: dict[int, dict[str, object]]) -> list[str]:
    """The parameter paths whose value is not the same in every scenario, the most often
    set first."""
    keys: dict[str, set[str]] = {}
    count: dict[str, int] = {}
    for p in params.values():
        for k, v in p.items():
            keys.setdefault(k, set()).add(_value(v))
            count[k] = count.get(k, 0) + 1
    n = len(params)
    out = [k for k, vals in keys.items() if len(vals) > 1 or count[k] < n]
    return sorted(out, key=lambda k: -count[k])


def _short(text: str, n: int = 32) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def _params_text(bp: dict[str, object], keys: list[str], n: int = 3) -> str:
    mine = [k for k in keys if k in bp]
    shown = "; ".join(f"{k} = {_short(_value(bp[k]))}" for k in mine[:n]) or "—"
    if len(mine) > n:
        shown += f"; … (+{len(mine) - n})"
    return shown


def _one(lang: str, zh: str, en: str, r, params, keys: list[str], unit: str) -> str:
    """A scenario in one line: its name, output, period and parameter values."""
    bp = params.get(int(r["id"]), {})
    out = f"{fmt(float(r['objective']), 1)} {unit}"
    per = f"[{r['period']}] " if isinstance(r.get("period"), str) and r["period"] else ""
    shown = _params_text(bp, keys)
    return say(lang, f"{zh}：{r['scenario']} {per}{out}（{shown}）",
               f"{en}: {r['scenario']} {per}{out} ({shown})", "\n")


def print_batch(summary, params: dict[int, dict[str, object]],
                groups: Sequence[dict] = (), console: Console | None = None,
                lang: str = "both", unit: str = DEFAULT_UNIT, top: int = 10) -> None:
    """`groups`: the batch's infeasible groups (`landalloc.batch.groups`: number, labels,
    count, example, scenarios, diagnosis)."""
    console = console or Console()
    ok = summary[summary["status"] == "optimal"]
    counts = summary["status"].value_counts().to_dict()
    keys = varied(params)
    extra, warn = [], []
    parts = ("、" if lang == "zh" else ", ").join(
        f"{say(lang, _ZH.get(k, k), k, ' ')} {v:,}" for k, v in sorted(counts.items()))
    extra.append(say(lang, f"{len(summary):,} 个情景：{parts}",
                     f"{len(summary):,} scenarios: {parts}", "\n"))
    best_obj = None
    if len(ok):
        order = ranked(ok)
        best, worst = order.iloc[0], order.iloc[-1]
        best_obj = float(best["objective"])
        ties = ties_at_best(ok["objective"])
        extra.append(_one(lang, "最优情景" if ties < 2 else f"最优情景（{ties} 个同为最优，如）",
                          "best" if ties < 2 else f"best ({ties} scenarios tie, e.g.)",
                          best, params, keys, unit))
        if len(ok) > 1:
            extra.append(_one(lang, "最差情景", "worst", worst, params, keys, unit))
        periods = sorted({str(p) for p in ok["period"].dropna()}) if "period" in ok else []
        if len(periods) > 1:
            warn.append(say(lang, f"情景涉及 {len(periods)} 种规划期（{'、'.join(periods)}），"
                                  "不同规划期的产出不可直接比较",
                            f"the scenarios cover {len(periods)} period settings "
                            f"({', '.join(periods)}): outputs of different periods are not "
                            "comparable", "\n  "))
    n_bad = int((summary["status"] == "infeasible").sum())
    diagnosed = [g for g in groups if g.get("rules")]
    if n_bad:
        warn.append(say(lang, f"{n_bad:,} 个情景无可行解，按冲突规则分为 {len(diagnosed)} 组"
                              "（见下）",
                        f"{n_bad:,} scenarios are infeasible, in {len(diagnosed)} groups by "
                        "the rules that conflict (below)", "\n  "))
    others = len(summary) - len(ok) - n_bad
    if others:
        warn.append(say(lang, f"{others:,} 个情景无法读取或未解完（见 summary 的 message 列）",
                        f"{others:,} scenarios could not be read or solved (the summary's "
                        "message column)", "\n  "))
    status = "optimal" if len(ok) else ("infeasible" if n_bad else "not_solved")
    answer(console, lang, status, best_obj, unit,
           extra=extra, warnings=warn,
           title=say(lang, "批量求解", "Batch"))
    for g in groups:
        labels = list(g.get("labels") or [])
        few = labels[:6] + ([f"… (+{len(labels) - 6})"] if len(labels) > 6 else [])
        if g.get("rules"):
            head = (f"{say(lang, '冲突组', 'conflict group', ' ')} {g['number']}: "
                    + ("、" if lang == "zh" else "; ").join(few))
        else:
            head = say(lang, "未诊断", "not diagnosed", " / ")
        count, example = int(g.get("count", 0)), str(g.get("example", ""))
        console.print(f"• {head}", highlight=False, markup=False)
        console.print("  " + say(lang, f"{count:,} 个情景，例如 {example}",
                                 f"{count:,} scenarios, e.g. {example}", " / "),
                      highlight=False, markup=False, style="dim")
        if g.get("diagnosis") and lang != "zh" and g.get("rules"):
            console.print(f"  {g['diagnosis']}", highlight=False, markup=False, style="dim")
    if len(ok) and keys:
        _against(console, ok, params, keys, lang, unit)
    if len(ok):
        order = ranked(ok).head(top)
        names = [str(s) for s in order["scenario"]]
        cols = [(say(lang, f"产出（{unit}）", f"output ({unit})", "\n"),
                 [fmt(v, 1) for v in order["objective"]])]
        for k in keys[:MAX_PARAMS]:
            cols.append((k.replace(".", ".\n", 1) if len(k) > 14 else k,
                         [_value(params.get(int(i), {}).get(k, "—")) for i in order["id"]]))
        more = len(keys) - MAX_PARAMS
        note = (say(lang, f"另有 {more} 个参数未列出；全部参数见 summary.parquet 的参数列。",
                    f"{more} more parameters not shown; every parameter is a column of "
                    "summary.parquet.", "\n") if more > 0 else None)
        fit_columns(console, say(lang, f"产出最高的 {len(order)} 个情景及其参数",
                                 f"The {len(order)} best scenarios and their parameters"),
                    say(lang, "情景", "scenario"), names, cols, note=note)


_ZH = {"optimal": "最优", "infeasible": "无可行解", "invalid": "输入有误", "error": "出错",
       "time_limit": "超时", "unbounded": "无界"}


def _against(console: Console, ok, params, keys: list[str], lang: str, unit: str) -> None:
    """Output against each varied parameter: its range and the least-squares slope."""
    import numpy as np

    rows = []
    period = ok["period"].fillna("") if "period" in ok else None
    # outputs of different periods are never fitted together
    parts = ([("", ok)] if period is None or period.nunique() < 2
             else [(f" [{p}]", ok[period == p]) for p in sorted(period.unique())])
    for k, (tag, sub) in ((k, part) for k in keys for part in parts):
        xs, ys = [], []
        for i, obj in zip(sub["id"], sub["objective"], strict=True):
            v = params.get(int(i), {}).get(k)
            if isinstance(v, int | float) and not isinstance(v, bool):
                xs.append(float(v))
                ys.append(float(obj))
        if len(set(xs)) < 2:
            continue
        slope = float(np.polyfit(xs, ys, 1)[0])
        rows.append([k + tag, f"{fmt(min(xs), 3 if min(xs) < 10 else 0)}–"
                        f"{fmt(max(xs), 3 if max(xs) < 10 else 0)}",
                     f"{fmt(min(ys), 1)}–{fmt(max(ys), 1)}", f"{slope:+.4g}", str(len(xs))])
    if not rows:
        return
    cols = [(say(lang, "参数取值", "values", "\n"), [r[1] for r in rows]),
            (say(lang, f"产出（{unit}）", f"output ({unit})", "\n"), [r[2] for r in rows]),
            (say(lang, "斜率", "slope", "\n"), [r[3] for r in rows]),
            (say(lang, "情景数", "n", "\n"), [r[4] for r in rows])]
    fit_columns(console, say(lang, f"产出随各参数的变化（斜率：每单位参数的 {unit}，最小二乘）",
                             f"Output against each varied parameter (slope: {unit} per unit, "
                             "least squares)"),
                say(lang, "参数", "parameter"), [r[0] for r in rows], cols)
