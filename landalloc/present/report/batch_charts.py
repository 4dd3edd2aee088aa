"""Batch charts: how far each scenario's output lies from the base, and output against
each varied parameter. Differences, not bars from zero; infeasible scenarios are marked
along the axis, never drawn as values; a chart with nothing to show is left out."""

from __future__ import annotations

import numpy as np
import pandas as pd

from landalloc.present.report.figure import Chart, finish, new_figure
from landalloc.present.report.labels import Labels

#: At most this many parameters get a panel (the batch's most varied first).
MAX_PANELS = 6
#: With more optimal points than this, a panel adds the median of each of 10 bins.
BIN_ABOVE = 40


def _t(lb: Labels, zh: str, en: str, sep: str = " / ") -> str:
    return lb.join(zh, en, sep)


def _y_words(lb: Labels, unit: str) -> str:
    return _t(lb, f"较基准的产出变化 ({unit})", f"Change in output against the base ({unit})",
              "\n")


def distribution(df: pd.DataFrame, lb: Labels, unit: str) -> Chart | None:
    """Histogram of `change` (output − the base's, same period) over optimal scenarios."""
    if "change" not in df.columns:
        return None
    ok = df["status"].astype(str).eq("optimal")
    vals = pd.to_numeric(df.loc[ok, "change"], errors="coerce").dropna()
    if vals.empty:
        return None
    fig = new_figure(10.0, 4.6)
    ax = fig.add_subplot()
    lo, hi = float(vals.min()), float(vals.max())
    if hi - lo < 1e-9:  # every scenario the same: one bar of its own width
        lo, hi = lo - 0.5, hi + 0.5
    bins = np.linspace(lo, hi, min(40, max(5, int(np.sqrt(len(vals))))) + 1)
    ax.hist(vals, bins=bins, color="#1c7ed6", edgecolor="white")
    ax.axvline(0.0, color="black", lw=1.2,
               label=_t(lb, "基准 (变化 0)", "the base (change 0)"))
    med = float(vals.median())
    ax.axvline(med, color="#495057", lw=1.0, ls="--",
               label=_t(lb, f"中位数 {med:+,.1f}", f"median {med:+,.1f}"))
    ax.set_xlabel(_t(lb, f"较基准的产出变化 ({unit})",
                     f"Change in output against the base ({unit})"))
    ax.set_ylabel(_t(lb, "情景数", "Scenarios"))
    ax.legend(frameon=False)
    counts = df["status"].astype(str).value_counts()
    tally = ", ".join(f"{k}: {v}" for k, v in counts.items())
    base = str(df["base"].dropna().iloc[0]) if "base" in df.columns and \
        df["base"].notna().any() else ""
    return finish(
        fig, "batch_change",
        _t(lb, f"各情景较基准的产出变化 ({len(df)} 个情景)",
           f"Change in projected output against the base over {len(df)} scenarios"),
        lb.join(f"基准：{base}（与各情景同一规划期）；只计有最优解的情景 ({tally})。",
                f"Base: {base} (the same period as each scenario); optimal scenarios only "
                f"({tally}).", "\n"))


def _numeric(v: pd.Series) -> pd.Series:
    return pd.to_numeric(v, errors="coerce")


def against_parameters(long: pd.DataFrame, lb: Labels, unit: str) -> Chart | None:
    """One panel per varied numeric parameter: the change in output at each value (optimal
    scenarios), with infeasible ones as marks on the value axis."""
    from landalloc.present.plots import axis_label

    if long.empty or not {"parameter", "value", "status", "change"} <= set(long.columns):
        return None
    panels = []
    for p, g in long.groupby("parameter", sort=False):
        x = _numeric(g["value"])
        ok = g["status"].astype(str).eq("optimal") & x.notna() & g["change"].notna()
        if x[ok].nunique() >= 2:
            panels.append((str(p), g.assign(x=x), ok))
    panels = sorted(panels, key=lambda t: -t[1]["x"].nunique())[:MAX_PANELS]
    if not panels:
        return None
    cols = 2 if len(panels) > 1 else 1
    rows = (len(panels) + cols - 1) // cols
    fig = new_figure(6.0 * cols, 3.8 * rows)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False).ravel())
    marked = False
    for ax, (p, g, ok) in zip(axes, panels, strict=False):
        ax.scatter(g.loc[ok, "x"], g.loc[ok, "change"], s=14, color="#1c7ed6", alpha=0.7,
                   label=_t(lb, "有最优解", "optimal"))
        if ok.sum() > BIN_ABOVE:
            edges = np.linspace(g.loc[ok, "x"].min(), g.loc[ok, "x"].max(), 11)
            mid = pd.cut(g.loc[ok, "x"], edges, include_lowest=True)
            med = g.loc[ok].groupby(mid, observed=True)["change"].median()
            ax.plot([iv.mid for iv in med.index], med.to_numpy(), color="black", lw=1.4,
                    label=_t(lb, "分箱中位数", "median per bin"))
        bad = ~g["status"].astype(str).eq("optimal") & g["x"].notna()
        if bad.any():  # a mark on the value axis: no output exists to plot
            ax.plot(g.loc[bad, "x"], np.zeros(int(bad.sum())), "x", color="#c92a2a",
                    ms=7, clip_on=False, transform=ax.get_xaxis_transform(),
                    label=_t(lb, "无最优解 (无产出值)", "not optimal (no output)"))
            marked = True
        ax.axhline(0.0, color="#495057", lw=0.8)
        ax.set_xlabel(axis_label(p))
        ax.set_ylabel(_y_words(lb, unit))
        ax.legend(frameon=False, fontsize=8, loc="best")
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    zh = "红色 × 标在横轴上：该取值下无最优解（无法读取、无可行解或未解完）。" if marked else ""
    en = (" Red × on the value axis: no optimal solution at that value (invalid, "
          "infeasible or not solved)." if marked else "")
    return finish(
        fig, "batch_parameters",
        _t(lb, "产出变化与各参数", "Change in output against each varied parameter"),
        lb.join("每点一个情景；其他参数可能同时变化，故点的分散包含其他参数的影响。" + zh,
                "One point per scenario; other parameters may vary at the same time, so the "
                "spread includes their effect." + en, "\n"))
