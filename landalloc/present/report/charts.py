"""The report's charts. Each has a title, units on its axes or colour bar, and a caption.

Every function returns a `Chart` (PNG bytes with its title and caption) or None when it
has nothing to show (e.g. no binding rule with a shadow price).
"""

from __future__ import annotations

import textwrap

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.colors import Normalize

from landalloc.present.report import tables
from landalloc.present.report.figure import (
    Chart,
    finish,
    fmt_ha,
    new_figure,
    sector_colors,
    signed_bars,
    text_color,
)
from landalloc.present.report.flow import draw_flow
from landalloc.present.report.labels import Labels
from landalloc.present.report.maps import draw_tiles
from landalloc.present.report.tiles import TileLayout
from landalloc.results.result import Result


def _t(lb: Labels, zh: str, en: str, sep: str = " / ") -> str:
    return lb.join(zh, en, sep)


def _cap(lb: Labels, zh: str, en: str) -> str:
    return lb.join(zh, en, "\n")


def _ticks(lb: Labels) -> Labels:
    """Two-line tick labels in 'both' so Chinese and English stack instead of running on."""
    return lb.with_sep("\n")


def wrap(text: str, width: int = 18) -> str:
    """Wrap each line of a label to `width` characters (English names run long)."""
    return "\n".join("\n".join(textwrap.wrap(line, width)) or line
                     for line in text.split("\n"))


def district_grid(frame: pd.DataFrame, data: np.ndarray, lb: Labels, cmap, norm,
                  cell_text, row_total: str, colorbar: str):
    """Districts down, sectors across, each cell coloured and labelled; returns the figure.

    `data` is what is coloured (NaN: drawn as the colormap's "bad" colour), `cell_text(i,
    j)` the label of a cell or None, `row_total` a format for the district's sum.
    """
    tk = _ticks(lb)
    fig = new_figure(1.25 * frame.shape[1] + 5.5, 0.42 * frame.shape[0] + 2.6)
    ax = fig.add_subplot()
    im = ax.imshow(data, cmap=cmap, norm=norm, aspect="auto")
    for i in range(frame.shape[0]):
        for j in range(frame.shape[1]):
            txt = cell_text(i, j)
            if txt is not None:
                ax.text(j, i, txt, ha="center", va="center", fontsize=8.5,
                        color=text_color(cmap(norm(frame.iat[i, j]))))
    ax.set_xticks(range(frame.shape[1]), [wrap(tk.sector(s), 16) for s in frame.columns],
                  fontsize=8)
    ax.xaxis.tick_top()
    ax.set_yticks(range(frame.shape[0]),
                  [f"{lb.district(d)}  ({row_total.format(frame.loc[d].sum())})"
                   for d in frame.index])
    ax.spines[:].set_visible(False)
    ax.tick_params(length=0)
    fig.colorbar(im, ax=ax, shrink=0.8, pad=0.01, label=colorbar)
    return fig


def heatmap(result: Result, lb: Labels) -> Chart:
    """Districts down, sectors across: sixteen district names read better as rows."""
    m = result.matrix().T
    allowed = (result.lp.col_upper.reshape(m.shape[::-1]) > 0).T
    data = np.where(allowed, m.to_numpy(), np.nan)
    vmax = max(1.0, float(np.nanmax(data)) if np.isfinite(data).any() else 1.0)
    fig = district_grid(
        m, data, lb, mpl.colormaps["YlGn"].with_extremes(bad="#e6e6e6"),
        Normalize(vmin=0, vmax=vmax),
        lambda i, j: None if not allowed[i, j] else (fmt_ha(m.iat[i, j]) if m.iat[i, j] > 0
                                                     else "·"),
        "{:,.0f}", _t(lb, "公顷", "ha"))
    return finish(
        fig, "heatmap",
        _t(lb, "新增工业用地：区县 × 产业 (公顷)",
           "New industrial land by district and sector (ha)"),
        _cap(lb, "颜色越深分配越多；“·”为允许但未用，灰色为规划不允许的组合；括号内为区县合计。",
             "Darker cells take more land; '·' marks allowed but unused cells, grey cells "
             "the plan does not allow; district totals in brackets."))


def _stacked(result: Result, lb: Labels, by: str) -> Chart:
    """Stacked bars of hectares by sector: zones upright, districts lying (long names)."""
    if by == "zone":
        m = tables.zone_matrix(result)
        names = [wrap(_ticks(lb).zone(z), 22) for z in m.columns]
        plan = tables.totals_table(result, "zone")
    else:
        m = result.matrix()
        names = [lb.district(d) for d in m.columns]
        plan = tables.totals_table(result, "district")
    keys = list(m.columns)
    colors = sector_colors(list(result.lp.sectors))
    upright = by == "zone"
    if upright:
        fig = new_figure(max(7.0, 2.2 * len(keys) + 4.0), 5.0)
    else:
        fig = new_figure(12.0, 0.36 * len(keys) + 2.2)
    ax = fig.add_subplot()
    x = np.arange(len(keys)) if upright else np.arange(len(keys))[::-1]
    bar = ax.bar if upright else ax.barh
    base = np.zeros(len(keys))
    for s in m.index:
        v = m.loc[s].to_numpy(dtype=float)
        if v.sum() <= 0:
            continue
        if upright:
            bar(x, v, bottom=base, color=colors[s], label=lb.sector(s), width=0.6)
        else:
            bar(x, v, left=base, color=colors[s], label=lb.sector(s), height=0.7)
        base += v
    hi = plan.set_index("id")["plan_max"]
    caps = np.array([float(hi.get(k)) if hi.get(k) is not None else np.nan for k in keys])
    top = max(1.0, float(np.nanmax(np.concatenate([base, caps]))))
    for i, tot in enumerate(base):
        if upright:
            ax.text(x[i], tot + 0.01 * top, fmt_ha(tot), ha="center", va="bottom", fontsize=8)
        else:
            ax.text(tot + 0.005 * top, x[i], fmt_ha(tot), ha="left", va="center", fontsize=8)
    marked = False
    for i, cap in enumerate(caps):
        if not np.isfinite(cap):
            continue
        label = None if marked else _t(lb, "规划指标", "plan figure")
        if upright:
            ax.plot([x[i] - 0.34, x[i] + 0.34], [cap, cap], color="black", lw=1.8, label=label)
        else:
            ax.plot([cap, cap], [x[i] - 0.4, x[i] + 0.4], color="black", lw=1.8, label=label)
        marked = True
    unit = _t(lb, "新增工业用地 (公顷)", "New industrial land (ha)")
    if upright:
        ax.set_xticks(x, names, fontsize=9)
        ax.set_ylabel(unit)
        ax.set_ylim(0, top * 1.12)
    else:
        ax.set_yticks(x, names, fontsize=9)
        ax.set_xlabel(unit)
        ax.set_xlim(0, top * 1.1)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    title = _t(lb, f"各{'片区' if by == 'zone' else '区县'}新增工业用地的产业构成 (公顷)",
               f"New industrial land by {by} and sector (ha)")
    cap = _cap(lb, "柱长为分配面积，颜色为产业；黑线为规划指标，柱未达黑线表示仍有余量。",
               "Bar length is the land allocated, colours the sectors; a black line is the "
               "plan's figure — a bar short of it has room left.")
    return finish(fig, f"stacked_{by}", title, cap)


def stacked_by_zone(result: Result, lb: Labels) -> Chart:
    return _stacked(result, lb, "zone")


def stacked_by_district(result: Result, lb: Labels) -> Chart:
    return _stacked(result, lb, "district")


def flow(result: Result, lb: Labels) -> Chart:
    m = result.matrix()
    inst = result.instance
    n = max(int((m.sum(axis=1) > 0).sum()), int((m.sum(axis=0) > 0).sum()))
    fig = new_figure(13.0, max(6.0, 0.42 * n + 2.5))
    ax = fig.add_subplot()
    draw_flow(ax, m, {d: v.zone for d, v in inst.districts.items()}, list(inst.zones),
              sector_colors(list(result.lp.sectors)), lb.sector, _ticks(lb).zone,
              lb.district)
    return finish(
        fig, "flow",
        _t(lb, "用地流向：产业 → 片区 → 区县 (公顷)",
           "Where the land goes: sector → zone → district (ha)"),
        _cap(lb, "带宽为公顷数，颜色为产业：沿着一种颜色可看到该产业落在哪些片区和区县。",
             "Band width is hectares, colour the sector: follow a colour to see which zones "
             "and districts take that sector's land."))


def shadow_prices(result: Result, lb: Labels) -> Chart | None:
    df = tables.binding_prices(result)
    if df.empty:
        return None
    df = df.iloc[::-1]
    vals = df["value"].to_numpy(dtype=float)
    mark = _t(lb, " (不唯一: +1 实测)", " (not unique: +1 measured)")
    fig, ax = signed_bars(
        vals, [f"{v:+.3f}" for v in vals],
        [lb.rule(a, b) + (mark if m else "") for a, b, m in
         zip(df["label_zh"], df["label_en"], df["measured"], strict=True)],
        ("#2b8a3e", "#c92a2a"), pad=0.18)
    ax.set_xlabel(lb.text("shadow_price"))
    return finish(
        fig, "shadow_prices",
        _t(lb, "起约束作用的规则的影子价格", "Shadow prices of the binding rules"),
        _cap(lb, f"该规则的界限提高 1 公顷时预计产出的变化 ({lb.unit})；"
                 "负值表示降低界限反而增加产出。"
                 "影子价格不唯一 (退化最优解) 时，显示重新求解测得的 +1 公顷的值。",
             f"Change in projected output ({lb.unit}) if the rule's bound rises by one "
             "hectare; negative: lowering the bound would raise output. Where the price is not "
             "unique (a degenerate optimum) the bar is the measured value of one more ha."))


def tile_map(result: Result, lb: Labels, layout: TileLayout) -> Chart:
    totals = result.matrix().sum(axis=0).to_dict()
    n_cols = max(c for _, c in layout.tiles.values()) + 1
    n_rows = max(r for r, _ in layout.tiles.values()) + 1
    fig = new_figure(1.5 * n_cols + 2.0, 1.5 * n_rows + 0.8)
    ax = fig.add_subplot()
    draw_tiles(fig, ax, layout, totals, _ticks(lb).district, _t(lb, "公顷", "ha"))
    return finish(
        fig, "tile_map",
        _t(lb, "各区县新增工业用地示意图 (公顷)",
           "New industrial land by district, schematic map (ha)"),
        _cap(lb, "每个方块代表一个区县，位置为大致方位（示意，非比例地图）；颜色越深分配越多。",
             "One tile per district in its rough position (schematic, not to scale); "
             "darker tiles take more land."))


# --- extras: parametric sweeps and batch summaries -----------------------------------

SWEEP_COLUMNS = ("parameter", "value", "objective", "status")


def sweep_sector_columns(df: pd.DataFrame, sectors: list[str]) -> dict[str, str]:
    """Sector -> column holding its hectares: `<sector>`, `ha_<sector>` or `ha[<sector>]`."""
    out = {}
    for s in sectors:
        for col in (s, f"ha_{s}", f"ha[{s}]", f"{s}_ha"):
            if col in df.columns:
                out[s] = col
                break
    return out


def sweep(df: pd.DataFrame, lb: Labels, sectors: list[str], unit: str,
          key: str = "sweep") -> Chart | None:
    if df.empty or "value" not in df.columns or "objective" not in df.columns:
        return None
    df = df.sort_values("value")
    param = str(df["parameter"].iloc[0]) if "parameter" in df.columns else "value"
    ok = df["status"].astype(str).eq("optimal") if "status" in df.columns else \
        df["objective"].notna()
    cols = sweep_sector_columns(df, sectors)
    fig = new_figure(11.0, 7.0 if cols else 4.2)
    axes = fig.subplots(2 if cols else 1, 1, sharex=True, squeeze=False)[:, 0]
    ax = axes[0]
    ax.plot(df.loc[ok, "value"], df.loc[ok, "objective"], marker="o", ms=3.5, color="#1c7ed6")
    if (~ok).any():  # infeasible stretches as shaded regions, not as values
        from landalloc.present.plots import shade_infeasible

        shade_infeasible(ax, df["value"], ok, _t(lb, "无最优解", "not optimal"))
        if cols:
            shade_infeasible(axes[1], df["value"], ok, None)
        ax.legend(frameon=False)
    ax.set_ylabel(_t(lb, f"预计产出 ({unit})", f"Projected output ({unit})", "\n"))
    if cols:
        colors = sector_colors(sectors)
        sub = df.loc[ok]
        ax2 = axes[1]
        ax2.stackplot(sub["value"], *[sub[cols[s]].to_numpy(dtype=float) for s in cols],
                      labels=[lb.sector(s) for s in cols], colors=[colors[s] for s in cols],
                      alpha=0.85)
        ax2.set_ylabel(_t(lb, "新增工业用地 (公顷)", "New industrial land (ha)", "\n"))
        ax2.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    from landalloc.present.plots import axis_label

    axes[-1].set_xlabel(axis_label(param))
    return finish(
        fig, key,
        _t(lb, f"参数扫描：{param}", f"Parametric sweep of {param}"),
        _cap(lb, "曲线的斜率即该参数的影子价格；折点处起约束作用的规则发生变化。",
             "The slope of the curve is the parameter's shadow price; at a kink the set of "
             "binding rules changes."))


def batch_distribution(df: pd.DataFrame, lb: Labels, unit: str) -> Chart | None:
    if df.empty or "objective" not in df.columns:
        return None
    status = df["status"].astype(str) if "status" in df.columns else \
        pd.Series(np.where(df["objective"].notna(), "optimal", "?"), index=df.index)
    vals = pd.to_numeric(df.loc[status.eq("optimal"), "objective"], errors="coerce").dropna()
    if vals.empty:
        return None
    counts = status.value_counts()
    fig = new_figure(10.0, 4.6)
    ax = fig.add_subplot()
    bins = min(40, max(5, int(np.sqrt(len(vals)))))
    ax.hist(vals, bins=bins, color="#1c7ed6", edgecolor="white")
    ax.axvline(float(vals.median()), color="black", lw=1.2, ls="--",
               label=_t(lb, f"中位数 {vals.median():,.1f}", f"median {vals.median():,.1f}"))
    ax.set_xlabel(_t(lb, f"预计产出 ({unit})", f"Projected output ({unit})"))
    ax.set_ylabel(_t(lb, "情景数", "Scenarios"))
    ax.legend(frameon=False)
    tally = ", ".join(f"{k}: {v}" for k, v in counts.items())
    return finish(
        fig, "batch_objective",
        _t(lb, f"批量情景的预计产出分布 ({len(df)} 个情景)",
           f"Projected output over {len(df)} batch scenarios"),
        _cap(lb, f"产出落在哪里、分散多大；只计有最优解的情景 ({tally})。",
             f"Where the output of the scenarios lies and how widely it spreads; optimal "
             f"scenarios only ({tally})."))


# --- the real map (boundaries.geojson) ----------------------------------------------

def _map_words(lb: Labels) -> tuple[str, str, str]:
    return (_t(lb, "经度 (°E)", "longitude (°E)"), _t(lb, "纬度 (°N)", "latitude (°N)"),
            _t(lb, "* 功能区：位置与范围为近似",
               "* functional zone: approximate position and size"))


def _map_source(b) -> str:
    return f"{b.source};\n{b.licence}"


def geo_map_figure(result: Result, lb: Labels, b):
    """The figure of `geo_map` before it is finished, and its district labels."""
    from landalloc.present.report.maps_geo import draw_map

    totals = result.matrix().sum(axis=0).to_dict()
    zone_of = {d: v.zone for d, v in result.instance.districts.items()}
    fig = new_figure(10.0, 7.0)
    ax = fig.add_subplot()
    labels = draw_map(fig, ax, b, totals, lambda d: lb.district(d, "\n"), _t(lb, "公顷", "ha"),
                      zone_of, lambda z: lb.zone(z, " "), words=_map_words(lb))
    return fig, labels


def geo_map(result: Result, lb: Labels, b) -> Chart:
    """Choropleth of new land by district, the plan's zones outlined."""
    fig, _ = geo_map_figure(result, lb, b)
    return finish(
        fig, "map_new_land",
        _t(lb, "各区县新增工业用地 (公顷)", "New industrial land by district (ha)"),
        _cap(lb, "行政区界：" + _map_source(b) + "（已简化）。\n边框颜色表示规划片区；"
                 "虚线圆为功能区的近似位置与范围，非边界。",
             "Boundaries: " + _map_source(b) + " (simplified).\nOutline colour: the plan's "
             "zone; dashed circles: functional zones, approximate position and "
             "size, not boundaries."))


def geo_cap_use(result: Result, lb: Labels, b) -> Chart | None:
    """Share of each district's cap the allocation uses (%)."""
    from landalloc.present.report.maps_geo import draw_map

    totals = result.matrix().sum(axis=0).to_dict()
    use = {}
    for d, v in result.instance.districts.items():
        cap = getattr(v, "cap", None)
        hi = getattr(cap, "max", None) if cap is not None else None
        if hi is not None and hi == hi and hi not in (float("inf"),) and hi > 0:
            use[d] = 100.0 * totals.get(d, 0.0) / hi
    if not use:
        return None
    zone_of = {d: v.zone for d, v in result.instance.districts.items()}
    fig = new_figure(10.0, 7.0)
    ax = fig.add_subplot()
    draw_map(fig, ax, b, use, lambda d: lb.district(d, "\n"), _t(lb, "上限使用率 (%)",
             "cap used (%)"), zone_of, lambda z: lb.zone(z, " "), fmt=lambda v: f"{v:.0f}%",
             vmax=100.0, words=_map_words(lb), missing=_t(lb, "无上限", "no cap"))
    return finish(
        fig, "map_cap_use",
        _t(lb, "各区县用地上限使用率 (%)", "Share of each district's cap used (%)"),
        _cap(lb, "分配面积 ÷ 区县上限；100% 表示上限起约束；灰色：该区县无单独上限。",
             "Allocated ÷ the district's cap; 100 % means the cap binds; grey: the district "
             "has no cap of its own."))
