"""The forecast beside the plan: tables (screen, CSV), JSON and the trend plot."""

from __future__ import annotations

import io
import math
import re
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from landalloc.analysis.forecast import METHODS, MODEL_ZH, Forecast
from landalloc.atomic import atomic_write_bytes, write_csv, write_json
from landalloc.present.screen import cite_words


def method_table(fc: Forecast, methods: list[str] | None = None) -> pd.DataFrame:
    """One row per method and horizon: this forecast, the plan's figure and where it is."""
    rows = []
    for key in methods or list(METHODS):
        m = fc.methods[key]
        for y, v in m.totals.items():
            plan, where = m.plan.get(y, (math.nan, ""))
            summ, swhere = m.plan_summary.get(y, (plan, where))
            rows.append({"method": key, "method_zh": m.zh, "method_en": m.en, "year": y,
                         "forecast_ha": v, "plan_ha": plan, "plan_where": where,
                         "table_2_5_ha": summ, "table_2_5_where": swhere if summ == summ else "",
                         "difference_ha": v - plan})
    if methods is None or set(methods) == set(METHODS):
        for y, v in fc.final.items():
            plan = fc.combine.get("plan", {}).get(y, math.nan)
            rows.append({"method": "final", "method_zh": "最终工业用地规模",
                         "method_en": "Final forecast", "year": y, "forecast_ha": v,
                         "plan_ha": plan, "plan_where": "Table 2-5; Annex 2 §4",
                         "table_2_5_ha": plan, "table_2_5_where": "Table 2-5",
                         "difference_ha": v - plan})
    return pd.DataFrame(rows)


def fits_table(fc: Forecast) -> pd.DataFrame:
    """Each trend model: fit statistics and projected supply per period."""
    rows = []
    for k, f in fc.trend_fits.items():
        row = {"model": k, "r2": f.r2, "r2_adjusted": f.r2_adjusted, "rmse_ha": f.rmse}
        land = fc.base_land
        for name, p in fc.spec.periods.items():
            s = sum(f.projection[t] for t in range(p.start, p.end + 1))
            land += s
            row[f"supply_{name}_ha"] = s
            row[f"total_{p.end}_ha"] = land
        rows.append(row)
    return pd.DataFrame(rows)


def _f(v: float, d: int = 0) -> str:
    return "—" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:,.{d}f}"


ROUNDING_ZH = {"step_above": "向上取整到", "up": "向上取整到", "nearest": "四舍五入到",
               "none": "不取整，步长"}


def _title(fc: Forecast, lang: str) -> str:
    """The forecast's title in the screen's language (a 'zh / en' title is split)."""
    title = fc.spec.title or fc.spec.name
    zh, sep, en = title.partition(" / ")
    return title if not sep or lang == "both" else (zh if lang == "zh" else en)


def _how(how: str, lang: str) -> str:
    """How a correction was set, in the screen's language (figures kept)."""
    if lang != "zh":
        return how
    base = re.match(r"calibrated on the base year: (.*) ha$", how)
    if base:
        return f"按基期校准：{base.group(1)} 公顷"
    if how.startswith("calibrated to the plan's figures"):
        return "按规划数逐年校准（表2-1）"
    if how.startswith("calibrated to the plan's increment"):
        return "按规划增量校准"
    return {"given": "给定值"}.get(how, how)


def _method_zh(key: str, fc: Forecast) -> str:
    return fc.methods[key].zh if key in fc.methods else MODEL_ZH.get(key, key)


def print_forecast(fc: Forecast, methods: list[str], console: Console | None = None,
                   lang: str = "both") -> None:
    """The answer first (the final forecast against the plan), then each method beside the
    plan's tables; tables fit the console (split, never cut) and `zh` is Chinese only."""
    from landalloc.present.answer import fit_columns, fmt, say
    from landalloc.present.screen import cite

    console = console or Console()
    df = method_table(fc, methods)
    final = df[df.method == "final"]
    if not final.empty:  # the answer first: the combined forecast at the horizon
        last = final.iloc[-1]
        known = not (last.plan_ha is None or last.plan_ha != last.plan_ha)
        d = fmt(last.forecast_ha - last.plan_ha, 0, True) if known else "—"
        zh = f"预测 {last.year} 年工业用地总规模：{fmt(last.forecast_ha)} 公顷" + (
            f"；规划 {fmt(last.plan_ha)} 公顷，差 {d} 公顷" if known else "")
        en = f"forecast {last.year}: {fmt(last.forecast_ha)} ha" + (
            f"; plan {fmt(last.plan_ha)} ha, difference {d} ha" if known else "")
        console.print(Text(say(lang, zh, en, "\n"), style="bold"), highlight=False)
    console.print(f"[bold]{escape(_title(fc, lang))}[/] — " + escape(say(
        lang, f"基期 {fc.base_year} 年：{fc.base_land:,.0f} 公顷",
        f"base {fc.base_year}: {fc.base_land:,.0f} ha")), highlight=False)
    for key in [*methods, "final"]:
        part = df[df.method == key]
        if part.empty:
            continue
        first = part.iloc[0]
        n = "\n"
        # the title on its own line: a narrow piece of the table would wrap it
        console.print(Text(say(lang, f"{first.method_zh}：工业用地总规模（公顷）",
                               f"{first.method_en}: total industrial land (ha)"),
                           style="bold"), highlight=False)
        fit_columns(console, "", say(lang, "年份", "year", n), [str(y) for y in part.year], [
                        (say(lang, "本次预测", "this forecast", n),
                         [_f(v) for v in part.forecast_ha]),
                        (say(lang, "规划", "plan", n), [_f(v) for v in part.plan_ha]),
                        (say(lang, "出处", "where", n), [cite(w, lang) for w in part.plan_where]),
                        (say(lang, "表2-5", "Table 2-5", n), [_f(v) for v in part.table_2_5_ha]),
                        (say(lang, "差", "difference", n), [_f(v) for v in part.difference_ha])])
        if key in fc.methods:
            _params(console, fc, key, lang)
        if key == "trend" and fc.trend_fits:
            _fits(console, fc, lang)
    if "final" in set(df.method):
        _combine(console, fc, lang)


def _params(console: Console, fc: Forecast, key: str, lang: str) -> None:
    from landalloc.present.answer import say

    m = fc.methods[key]
    a = m.params.get("correction_a")
    if a:
        how = m.params.get("correction_how")
        if isinstance(how, dict):
            kinds = {_how(v, lang) for v in how.values()}
            how = kinds.pop() if len(kinds) == 1 else "; ".join(
                f"{k}: {_how(v, lang)}" for k, v in how.items())
        else:
            how = _how(str(how), lang)
        vals = ", ".join(f"{k}: {v:.4f}" for k, v in a.items())
        console.print(f"  {say(lang, '修正系数', 'correction', ' ')} a — {vals} ({how})",
                      highlight=False, markup=False)
    if key == "quota":
        b = m.params["far_correction_b"]
        console.print(f"  {say(lang, '容积率修正系数', 'floor-area correction', ' ')} b — "
                      + ", ".join(f"{k}: {v:.4f}" for k, v in b.items()), highlight=False,
                      markup=False)
    notes = (m.explanations_zh if lang == "zh" else
             m.explanations if lang == "en" else
             [f"{zh}\n    {en}" for zh, en in zip(m.explanations_zh, m.explanations,
                                                  strict=True)])
    for e in notes:
        console.print(f"  • {cite_words(e) if lang == 'zh' else e}", highlight=False,
                      markup=False)


def _fits(console: Console, fc: Forecast, lang: str) -> None:
    from landalloc.present.answer import fit_columns, say

    ft = fits_table(fc)
    n = "\n"
    cols = [("R²", [_f(v, 4) for v in ft.r2]),
            (say(lang, "调整 R²", "adjusted R²", n), [_f(v, 4) for v in ft.r2_adjusted]),
            (say(lang, "均方根误差 (公顷)", "RMSE (ha)", n), [_f(v) for v in ft.rmse_ha])]
    for name, p in fc.spec.periods.items():
        cols.append((say(lang, f"{name} 供地 (公顷)", f"supply {name} (ha)", n),
                     [_f(v) for v in ft[f"supply_{name}_ha"]]))
        cols.append((say(lang, f"{p.end} 年总量 (公顷)", f"total {p.end} (ha)", n),
                     [_f(v) for v in ft[f"total_{p.end}_ha"]]))
    names = [say(lang, MODEL_ZH.get(k, k), k, " ") for k in ft.model]
    console.print(Text(say(lang, "年供地趋势拟合（最小二乘）",
                           "Trend fits of annual supply (least squares)"), style="bold"),
                  highlight=False)
    fit_columns(console, "", say(lang, "模型", "model", n), names, cols)
    use = fc.methods["trend"].params["use"]
    console.print("  " + say(lang, f"采用：{MODEL_ZH.get(use, use)}", f"used: {use}"),
                  highlight=False, markup=False)


def _combine(console: Console, fc: Forecast, lang: str) -> None:
    from landalloc.present.answer import say

    c = fc.combine
    anchor = _method_zh(c["anchor"], fc) if lang == "zh" else c["anchor"]
    rounding = ROUNDING_ZH.get(c["rounding"], c["rounding"]) if lang == "zh" else c["rounding"]
    console.print("  " + say(lang, f"组合规则：以{anchor}为准，{rounding} {c['step']:,.0f} 公顷",
                             f"rule: anchor {c['anchor']}, rounding {c['rounding']} to "
                             f"{c['step']:,.0f} ha"), highlight=False, markup=False)
    for k, zh in (("weights_to_reproduce_plan", "复现规划所需权重"),
                  ("weights_to_reproduce_plan_from_table_2_5", "按表2-5复现规划所需权重")):
        if k in c:
            sep = "、" if lang == "zh" else ", "
            w = sep.join(f"{_method_zh(m, fc) if lang == 'zh' else m} {v:+.3f}"
                         for m, v in c[k].items())
            console.print("  " + say(lang, f"{zh}：{w}", f"{k.replace('_', ' ')}: {w}"),
                          highlight=False, markup=False)
    inc = ("；" if lang == "zh" else ", ").join(
        say(lang, f"{p}：{v:,.0f} 公顷", f"{p}: {v:,.0f} ha") for p, v in fc.increments.items())
    console.print("[bold]" + escape(say(lang, "各期新增工业用地", "new industrial land per period"))
                  + f"[/]: {escape(inc)}", highlight=False)


def plot_trend(fc: Forecast) -> bytes:
    """PNG: the supply history, each trend fit, the plan's period averages; and total land."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    spec = fc.spec
    hist = spec.methods.trend.history
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(12, 4.8))
    rec = [(y, p.value) for y, p in sorted(hist.items()) if p.source]
    ass = [(y, p.value) for y, p in sorted(hist.items()) if not p.source]
    if rec:
        ax.plot(*zip(*rec, strict=True), "ko", label="recorded supply (plan)")
    if ass:
        ax.plot(*zip(*ass, strict=True), "o", mfc="none", mec="k", label="assumed supply")
    x0 = min(hist)
    last = max(spec.horizons)
    xs = list(range(x0, last + 1))
    from landalloc.analysis.forecast import _predict

    for k, f in fc.trend_fits.items():
        ys = [max(_predict(k, f.coefficients, t - x0), 0) for t in xs]
        ax.plot(xs, ys, "-", lw=1.2, label=f"{k} (R² {f.r2:.3f})")
    for name, p in spec.periods.items():
        s = spec.methods.trend.stated_supply.get(name)
        if s is not None and s.value is not None:
            mean = s.value / (p.end - p.start + 1)
            ax.hlines(mean, p.start - 0.5, p.end + 0.5, colors="crimson", lw=2.5,
                      label="plan: stated yearly average" if name == next(iter(spec.periods))
                      else None)
    ax.set_xlabel("year")
    ax.set_ylabel("industrial land supply (ha/yr)")
    ax.set_title("Trend method: annual supply of industrial land")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)

    marks = {"output": "s", "quota": "^", "trend": "o"}
    years = [spec.base.year, *spec.horizons]
    for k in METHODS:
        m = fc.methods[k]
        bx.plot(years, [fc.base_land, *[m.totals[y] for y in spec.horizons]], marks[k] + "-",
                label=f"{m.en} (this forecast)")
        if m.plan:
            py = sorted(m.plan)
            bx.plot(py, [m.plan[y][0] for y in py], marks[k], mfc="none", ms=11, mec="grey",
                    label=f"{m.en} (plan)")
    bx.plot(years, [fc.base_land, *[fc.final[y] for y in spec.horizons]], "k-", lw=2.5,
            label="final (this forecast)")
    plan = fc.combine.get("plan", {})
    if plan:
        bx.plot(sorted(plan), [plan[y] for y in sorted(plan)], "k*", ms=12, label="final (plan)")
    bx.set_xlabel("year")
    bx.set_ylabel("total industrial land (ha)")
    bx.set_title("Total industrial land: three methods and the final forecast")
    bx.legend(fontsize=8)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=120)
    plt.close(fig)
    return buf.getvalue()


def write_forecast(out: Path, fc: Forecast, methods: list[str]) -> list[Path]:
    """forecast.json, methods.csv, trend-fits.csv and trend.png, each written whole."""
    png = plot_trend(fc)  # build everything first: a failure writes nothing
    csv_methods = method_table(fc, methods)
    csv_fits = fits_table(fc)
    from landalloc.atomic import run_folder

    final = out
    with run_folder(final, "forecast") as out:
        write_json(out / "forecast.json", fc.to_dict())
        write_csv(out / "methods.csv", csv_methods)
        write_csv(out / "trend-fits.csv", csv_fits)
        atomic_write_bytes(out / "trend.png", png)
    out = final
    return [out / n for n in ("forecast.json", "methods.csv", "trend-fits.csv", "trend.png")]
