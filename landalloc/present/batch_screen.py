"""A batch on screen: the answer first (how many solved, the best scenario and its
parameters, infeasible scenarios grouped by the rules that collide), then the output
against each varied parameter and the best scenarios with their parameter values."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table

from landalloc.present.answer import answer, fit_columns, fmt, say

META = ("scenario", "extends", "name", "description", "period", "id", "row")


def scenario_parameters(summary) -> dict[int, dict[str, object]]:
    """id -> {--set path: value} for every scenario of a batch summary: read from an
    override table's row, or from a scenario file's `set:` (through its `extends` chain)."""
    import pandas as pd

    out: dict[int, dict[str, object]] = {}
    tables: dict[str, object] = {}
    for r in summary.itertuples():
        f = getattr(r, "file", None)
        row = getattr(r, "row", None)
        sid = int(r.id)
        if not isinstance(f, str) or not f:
            out[sid] = {}
            continue
        p = Path(f)
        try:
            if p.suffix in (".parquet", ".csv") and row is not None and row == row:
                if f not in tables:
                    tables[f] = (pd.read_parquet(p) if p.suffix == ".parquet"
                                 else pd.read_csv(p))
                t = tables[f]
                rec = t.iloc[int(row)].to_dict()
                out[sid] = {k: v for k, v in rec.items() if k not in META}
            else:
                from landalloc.plan.loading import load

                loaded = load(p)
                out[sid] = {o.path: o.value for o in loaded.overrides}
        except Exception:  # a file that cannot be read is already a row with its message
            out[sid] = {}
    return out


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


def print_batch(summary, params: dict[int, dict[str, object]],
                groups: Sequence[tuple[list[str], list[str], str]] = (),
                console: Console | None = None, lang: str = "both", unit: str = "亿元",
                top: int = 10) -> None:
    """`groups`: (rule labels that collide, scenario names, one diagnosis sentence)."""
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
        best = ok.loc[ok["objective"].idxmax()]
        best_obj = float(best["objective"])
        bp = params.get(int(best["id"]), {})
        mine = [k for k in keys if k in bp]
        shown = "; ".join(f"{k} = {_value(bp[k])}" for k in mine[:4]) or "—"
        if len(mine) > 4:
            shown += f"; … (+{len(mine) - 4})"
        extra.append(say(lang, f"最优情景：{best['scenario']}（{shown}）",
                         f"best scenario: {best['scenario']} ({shown})", "\n"))
        lo, hi = fmt(ok["objective"].min(), 1), fmt(ok["objective"].max(), 1)
        extra.append(say(lang, f"产出区间 {lo}–{hi} {unit}",
                         f"output range {lo}–{hi} {unit}", "\n"))
    n_bad = int((summary["status"] == "infeasible").sum())
    if n_bad:
        warn.append(say(lang, f"{n_bad} 个情景无可行解，按冲突规则分为 {len(groups)} 组（见下）",
                        f"{n_bad} scenarios are infeasible, in {len(groups)} groups by the "
                        "rules that collide (below)", "\n  "))
    others = len(summary) - len(ok) - n_bad
    if others:
        warn.append(say(lang, f"{others} 个情景无法读取或未解完（见 summary 的 message 列）",
                        f"{others} scenarios could not be read or solved (the summary's "
                        "message column)", "\n  "))
    answer(console, lang, "optimal" if len(ok) else "infeasible", best_obj, unit,
           extra=extra, warnings=warn,
           title=say(lang, "批量求解", "Batch"))
    for labels, names, sentence in groups:
        few = labels[:6] + ([f"… (+{len(labels) - 6})"] if len(labels) > 6 else [])
        head = (f"冲突规则： {'、 '.join(few)}" if lang != "en"
                else f"colliding rules: {'; '.join(few)}")
        shown = ", ".join(names[:5]) + (f" … (+{len(names) - 5})" if len(names) > 5 else "")
        console.print(f"• {head}", highlight=False, markup=False)
        console.print(f"  {say(lang, '情景', 'scenarios', ' ')} ({len(names)}): {shown}",
                      highlight=False, markup=False, style="dim")
        if sentence and lang != "zh":
            console.print(f"  {sentence}", highlight=False, markup=False, style="dim")
    if len(ok) and keys:
        _against(console, ok, params, keys, lang, unit)
    if len(ok):
        order = ok.sort_values("objective", ascending=False).head(top)
        names = [str(s) for s in order["scenario"]]
        cols = [(say(lang, f"产出（{unit}）", f"output ({unit})", "\n"),
                 [fmt(v, 1) for v in order["objective"]])]
        for k in keys[:MAX_PARAMS]:
            cols.append((k.replace(".", ".\n", 1) if len(k) > 14 else k,
                         [_value(params.get(int(i), {}).get(k, "—")) for i in order["id"]]))
        more = len(keys) - MAX_PARAMS
        note = (say(lang, f"另有 {more} 个参数未列出；全部参数见各情景文件或参数表。",
                    f"{more} more parameters not shown; every parameter is in the scenario "
                    "files or the override table.", "\n") if more > 0 else None)
        fit_columns(console, say(lang, f"产出最高的 {len(order)} 个情景及其参数",
                                 f"The {len(order)} best scenarios and their parameters"),
                    say(lang, "情景", "scenario"), names, cols, note=note,
                    make=lambda **kw: Table(box=box.SIMPLE_HEAD, pad_edge=False, **kw))


_ZH = {"optimal": "最优", "infeasible": "无可行解", "invalid": "输入有误", "error": "出错",
       "time_limit": "超时", "unbounded": "无界"}


def _against(console: Console, ok, params, keys: list[str], lang: str, unit: str) -> None:
    """Output against each varied parameter: its range and the least-squares slope."""
    import numpy as np

    rows = []
    for k in keys:
        xs, ys = [], []
        for i, obj in zip(ok["id"], ok["objective"], strict=True):
            v = params.get(int(i), {}).get(k)
            if isinstance(v, int | float) and not isinstance(v, bool):
                xs.append(float(v))
                ys.append(float(obj))
        if len(set(xs)) < 2:
            continue
        slope = float(np.polyfit(xs, ys, 1)[0])
        rows.append([k, f"{fmt(min(xs), 3 if min(xs) < 10 else 0)}–"
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
                say(lang, "参数", "parameter"), [r[0] for r in rows], cols,
                make=lambda **kw: Table(box=box.SIMPLE_HEAD, pad_edge=False, **kw))
