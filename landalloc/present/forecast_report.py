"""The forecast beside the plan: tables (screen, CSV), JSON and the trend plot."""

from __future__ import annotations

import io
import math
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.table import Table

from landalloc.analysis.forecast import METHODS, Forecast
from landalloc.atomic import atomic_write_bytes, write_csv, write_json


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


def print_forecast(fc: Forecast, methods: list[str], console: Console | None = None) -> None:
    console = console or Console()
    title = fc.spec.title or fc.spec.name
    df = method_table(fc, methods)
    final = df[df.method == "final"]
    if not final.empty:  # the answer first: the combined forecast at the horizon
        from landalloc.present.answer import fmt

        last = final.iloc[-1]
        gap = ("" if last.plan_ha is None or last.plan_ha != last.plan_ha
               else f"; plan {fmt(last.plan_ha)} ha, difference "
                    f"{fmt(last.forecast_ha - last.plan_ha, 0, True)} ha")
        console.print(f"[bold]预测 forecast {last.year}: {fmt(last.forecast_ha)} ha[/]{gap}",
                      highlight=False)
    console.print(f"[bold]{title}[/] — base {fc.base_year}: {fc.base_land:,.0f} ha",
                  highlight=False)
    for key in [*methods, "final"]:
        part = df[df.method == key]
        if part.empty:
            continue
        first = part.iloc[0]
        t = Table(title=f"{first.method_zh} {first.method_en}: total industrial land (ha)")
        for col in ("year", "this forecast", "plan", "where", "Table 2-5", "difference"):
            t.add_column(col, justify="left" if col == "where" else "right")
        for r in part.itertuples():
            t.add_row(str(r.year), _f(r.forecast_ha), _f(r.plan_ha), r.plan_where,
                      _f(r.table_2_5_ha), _f(r.difference_ha))
        console.print(t)
        if key in fc.methods:
            m = fc.methods[key]
            a = m.params.get("correction_a")
            if a:
                how = m.params.get("correction_how")
                if isinstance(how, dict):
                    kinds = set(how.values())
                    how = kinds.pop() if len(kinds) == 1 else "; ".join(
                        f"{k}: {v}" for k, v in how.items())
                vals = ", ".join(f"{k}: {v:.4f}" for k, v in a.items())
                console.print(f"  correction a — {vals} ({how})", highlight=False)
            if key == "quota":
                b = m.params["far_correction_b"]
                console.print("  floor-area correction b — "
                              + ", ".join(f"{k}: {v:.4f}" for k, v in b.items()),
                              highlight=False)
            for e in m.explanations:
                console.print(f"  • {e}", highlight=False, markup=False)
        if key == "trend" and fc.trend_fits:
            ft = fits_table(fc)
            t = Table(title="Trend fits of annual supply (least squares)")
            for col in ft.columns:
                t.add_column(col, justify="left" if col == "model" else "right")
            for r in ft.itertuples(index=False):
                t.add_row(r[0], *[_f(v, 4 if i < 2 else 0) for i, v in enumerate(r[1:])])
            console.print(t)
            console.print(f"  used: {fc.methods['trend'].params['use']}", highlight=False)
    if "final" in set(df.method):
        c = fc.combine
        console.print(f"  rule: anchor {c['anchor']}, rounding {c['rounding']} to "
                      f"{c['step']:,.0f} ha", highlight=False)
        for k in ("weights_to_reproduce_plan", "weights_to_reproduce_plan_from_table_2_5"):
            if k in c:
                w = ", ".join(f"{m} {v:+.3f}" for m, v in c[k].items())
                console.print(f"  {k.replace('_', ' ')}: {w}", highlight=False)
        inc = ", ".join(f"{p}: {v:,.0f} ha" for p, v in fc.increments.items())
        console.print(f"[bold]new industrial land per period[/]: {inc}", highlight=False)


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
