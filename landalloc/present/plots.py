"""Pictures of sweeps and tornado charts (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd

from landalloc.plan.choices import DEFAULT_UNIT


def _plt():
    """pyplot on the Agg backend, with the shipped Chinese font first where it exists."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if _cjk_font():
        plt.rcParams["font.sans-serif"] = [_cjk_font(), "DejaVu Sans"]
    return plt


@functools.cache
def _cjk_font() -> str | None:
    """The Chinese font family the reports use (shipped with the package), or None."""
    from landalloc.present.report.fonts import matplotlib_family

    return matplotlib_family()


def _name(zh: str, en: str) -> str:
    return f"{zh} {en}" if _cjk_font() else en


def _unit(attrs: dict) -> str:
    """The output unit of a sweep's or tornado's table, in English where Chinese cannot be
    drawn (the instance's `objective_unit_en`)."""
    unit = attrs.get("objective_unit", DEFAULT_UNIT)
    if _cjk_font():
        return unit
    return attrs.get("objective_unit_en") or unit


def _save(fig, path: Path) -> None:
    """Write the PNG under a temporary name, then rename: never half a file."""
    from landalloc.atomic import atomic_write

    try:
        atomic_write(path, lambda tmp: fig.savefig(tmp, dpi=120, bbox_inches="tight"),
                     suffix=".png")
    finally:
        _plt().close(fig)


def axis_label(path: str) -> str:
    """A swept --set path with its unit: hectares for caps, quotas and totals."""
    last = path.split(".")[-1]
    if last in ("cap", "quota", "total", "min", "max") or path == "total_increment":
        return f"{path} ({_name('公顷', 'ha')})"
    if last == "share":
        return f"{path} ({_name('比例', 'share')}, 0–1)"
    if path.startswith("output"):
        return f"{path} ({_name('产出/公顷', 'output per ha')})"
    return path


def infeasible_spans(values, ok) -> list[tuple[float, float]]:
    """Stretches of the swept value where the plan is infeasible, as (from, to): each runs
    half way to the neighbouring feasible points (a region, not a value)."""
    xs = np.asarray(values, dtype=float)
    flags = np.asarray(ok, dtype=bool)
    order = np.argsort(xs, kind="stable")
    xs, flags = xs[order], flags[order]
    spans, i, n = [], 0, len(xs)
    while i < n:
        if flags[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and not flags[j + 1]:
            j += 1
        step = float(np.median(np.diff(xs))) if n > 1 else 1.0
        lo = (xs[i] + xs[i - 1]) / 2 if i > 0 else xs[i] - step / 2
        hi = (xs[j] + xs[j + 1]) / 2 if j + 1 < n else xs[j] + step / 2
        spans.append((float(lo), float(hi)))
        i = j + 1
    return spans


def shade_infeasible(ax, values, ok, label: str) -> None:
    for k, (lo, hi) in enumerate(infeasible_spans(values, ok)):
        ax.axvspan(lo, hi, facecolor="#e9ecef", edgecolor="#868e96", hatch="///", lw=0,
                   label=label if k == 0 else None, zorder=0)


def plot_sweep(df: pd.DataFrame, path: Path) -> None:
    """1-D: objective with breakpoint markers over the sectors' hectares as stacked areas.
    2-D: the objective as a coloured grid (infeasible points left blank)."""
    plt = _plt()
    params = df.attrs.get("params") or [df.columns[0]]
    unit = _unit(df.attrs)
    ok = df["status"] == "optimal"
    if len(params) == 2:
        p1, p2 = params
        grid = df.pivot_table(index=p2, columns=p1, values="objective", aggfunc="first",
                              dropna=False)
        fig, ax = plt.subplots(figsize=(8, 6))
        values = grid.to_numpy(dtype=float, na_value=np.nan)  # all-infeasible: object NaNs
        mesh = ax.pcolormesh(grid.columns, grid.index, np.ma.masked_invalid(values),
                             shading="nearest", cmap="viridis")
        fig.colorbar(mesh, ax=ax, label=_name("预计产出", f"projected output ({unit})"))
        if grid.notna().sum().sum() > 3 and len(grid.index) > 1 and len(grid.columns) > 1:
            ax.contour(grid.columns, grid.index, values, colors="white", linewidths=0.6)
        bad = df[~ok]
        if len(bad):  # infeasible cells as hatched regions, not values
            from matplotlib.patches import Rectangle

            xs, ys = np.asarray(grid.columns, float), np.asarray(grid.index, float)
            dx = float(np.median(np.diff(xs))) if len(xs) > 1 else 1.0
            dy = float(np.median(np.diff(ys))) if len(ys) > 1 else 1.0
            for k, (_, r) in enumerate(bad.iterrows()):
                ax.add_patch(Rectangle((r[p1] - dx / 2, r[p2] - dy / 2), dx, dy,
                                       facecolor="#e9ecef", edgecolor="#868e96", hatch="///",
                                       lw=0, label=_name("无可行解", "infeasible") if k == 0
                                       else None))
            ax.legend(loc="best")
        ax.set_xlabel(axis_label(p1))
        ax.set_ylabel(axis_label(p2))
        ax.set_title(_name("预计产出", f"projected output ({unit}) over {p1} x {p2}"))
        _save(fig, path)
        return

    p = params[0]
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(9, 7.5),
                                      gridspec_kw={"height_ratios": [1, 1.2]})
    top.plot(df.loc[ok, p], df.loc[ok, "objective"], "-o", ms=3, color="C0",
             label=_name("预计产出", "projected output"))
    brk = df[ok & df["basis_changed"].astype(bool)]
    if len(brk):
        top.plot(brk[p], brk["objective"], "D", ms=7, mfc="none", mec="C3",
                 label=_name("最优基变化", "optimal basis changes"))
    if (~ok).any():  # infeasible stretches shaded as regions, not drawn as values
        shade_infeasible(top, df[p], ok, _name("无可行解", "infeasible"))
        shade_infeasible(bottom, df[p], ok, None)
    top.set_ylabel(_name("预计产出", f"projected output ({unit})"))
    top.set_title(f"Sweep of {p} ({df.attrs.get('method', '')} re-solve)")
    top.grid(alpha=0.3)
    top.legend(loc="best", fontsize=8)

    names = df.attrs.get("sectors", {})
    # each sector's column, named from its id (the sweep writes `hectares[<id>]`)
    sectors = [s for s in names if f"hectares[{s}]" in df.columns]
    cols = [f"hectares[{s}]" for s in sectors]
    # only the optimal points: an infeasible point has no allocation to draw
    values = df.loc[ok, cols].fillna(0.0).to_numpy().T
    labels = [_name(*names[s]) if s in names else s for s in sectors]
    keep = (values.max(axis=1) > 0) if values.size else np.zeros(len(cols), dtype=bool)
    if keep.any():
        from landalloc.present.report.figure import sector_colors

        colors = sector_colors(sectors)
        kept = [s for s, k in zip(sectors, keep, strict=True) if k]
        bottom.stackplot(df.loc[ok, p], values[keep], labels=[lb for lb, k in zip(labels, keep,
                                                                          strict=True) if k],
                         colors=[colors[s] for s in kept], alpha=0.85)
    else:
        bottom.text(0.5, 0.5, _name("本次扫描没有可行点", "no feasible point in this sweep"),
                    ha="center", va="center", transform=bottom.transAxes)
    bottom.set_ylabel(_name("各产业新增用地", "hectares by sector (ha)"))
    bottom.set_xlabel(axis_label(p))
    if keep.any():
        bottom.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    bottom.grid(alpha=0.3)
    _save(fig, path)


def plot_tornado(df: pd.DataFrame, path: Path, top_n: int = 25) -> None:
    """Horizontal bars: objective change at -delta and +delta per rule, largest swing on top."""
    plt = _plt()
    unit = _unit(df.attrs)
    delta = df.attrs.get("delta", "")
    d = df.head(top_n).iloc[::-1]
    y = np.arange(len(d))
    fig, ax = plt.subplots(figsize=(9, 0.35 * len(d) + 1.8))
    low = d["change_low"].to_numpy(dtype=float)
    high = d["change_high"].to_numpy(dtype=float)
    ax.barh(y - 0.2, np.nan_to_num(low), height=0.4, color="C0", label=f"figure - {delta}")
    ax.barh(y + 0.2, np.nan_to_num(high), height=0.4, color="C1", label=f"figure + {delta}")
    for k, (lo_st, hi_st) in enumerate(zip(d["status_low"], d["status_high"], strict=True)):
        for st, off in ((lo_st, -0.2), (hi_st, 0.2)):
            if st != "optimal":
                ax.text(0, k + off, f" {st}", va="center", ha="left", fontsize=7,
                        color="grey")
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels([_name(zh, f"{n}") for zh, n in zip(d["label_zh"], d["name"],
                                                             strict=True)], fontsize=8)
    ax.set_xlabel(f"change in projected output ({unit})")
    ax.set_title(f"Tornado: each rule's figure moved by ±{delta}, one at a time")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    _save(fig, path)
