"""Charts comparing scenarios with the first one (the base): what moved, and what it gained."""

from __future__ import annotations

import textwrap

import matplotlib as mpl
import numpy as np
from matplotlib.colors import TwoSlopeNorm

from landalloc.present.report import tables
from landalloc.present.report.charts import _cap, _t, _ticks, district_grid
from landalloc.present.report.figure import Chart, finish, new_figure, signed_bars
from landalloc.present.report.labels import Labels
from landalloc.present.report.maps import draw_tiles
from landalloc.present.report.tiles import TileLayout
from landalloc.results.result import Result


def objectives(results: list[Result], names: list[str], lb: Labels) -> Chart:
    unit = results[0].lp.objective_unit
    vals = np.array([r.objective if r.optimal and r.objective is not None else np.nan
                     for r in results], dtype=float)
    fig = new_figure(max(7.0, 1.6 * len(results) + 3), 4.6)
    ax = fig.add_subplot()
    x = np.arange(len(results))
    ax.bar(x, np.nan_to_num(vals), color=["#868e96", *["#1c7ed6"] * (len(results) - 1)],
           width=0.6)
    base = vals[0]
    for i, v in enumerate(vals):
        if np.isnan(v):
            ax.text(i, 0, results[i].status, ha="center", va="bottom", fontsize=9)
            continue
        label = f"{v:,.1f}" if i == 0 or np.isnan(base) else f"{v:,.1f}\n({v - base:+,.1f})"
        ax.text(i, v, label, ha="center", va="bottom", fontsize=9)
    ax.set_xticks(x, [_wrap(n) for n in names], fontsize=8)
    ax.set_ylabel(_t(lb, f"预计产出 ({unit})", f"Projected output ({unit})"))
    ax.set_ylim(0, np.nanmax(vals) * 1.18 if np.isfinite(vals).any() else 1)
    return finish(
        fig, "compare_objective",
        _t(lb, "各情景预计产出", "Projected output by scenario"),
        _cap(lb, f"括号内为与基准情景（第一个）之差 ({unit})。",
             f"In brackets: the difference from the base scenario (the first), in {unit}."))


def _wrap(text: str, width: int = 26) -> str:
    """Scenario names made of overrides: one override a line, long ones wrapped."""
    return "\n".join(textwrap.fill(part, width, break_long_words=False)
                     for part in text.split(", ")) or text


def change_heatmap(base: Result, other: Result, name: str, lb: Labels, key: str) -> Chart:
    mb, mo = tables.aligned_matrices([base, other])
    diff = (mo - mb).T  # districts down, sectors across, as in the allocation heatmap
    lim = max(1.0, float(np.abs(diff.to_numpy()).max()))
    fig = district_grid(
        diff, diff.to_numpy(), lb, mpl.colormaps["RdBu"],
        TwoSlopeNorm(vcenter=0.0, vmin=-lim, vmax=lim),
        lambda i, j: f"{diff.iat[i, j]:+,.0f}" if abs(diff.iat[i, j]) > tables.TOL else None,
        "{:+,.0f}", _t(lb, "变化 (公顷)", "change (ha)"))
    return finish(
        fig, key,
        _t(lb, f"用地变化 (公顷)：{name} 相对基准", f"Change in land (ha): {name} vs base"),
        _cap(lb, "蓝色为该情景比基准多得的用地，红色为减少的用地；空白为未变；"
                 "括号内为区县合计变化。",
             "Blue cells gain land against the base, red cells lose it, blank cells did "
             "not move; district net change in brackets."))


def moved_cells(base: Result, other: Result, name: str, lb: Labels, key: str,
                top: int = 20) -> Chart | None:
    ch = tables.cell_changes(base, other).head(top)
    if ch.empty:
        return None
    ch = ch.iloc[::-1]
    v = ch["change_ha"].to_numpy(dtype=float)
    fig, ax = signed_bars(
        v, [f"{dv:+,.0f} ha, {do:+,.1f} {base.lp.objective_unit}"
            for dv, do in zip(v, ch["change_output"], strict=True)],
        [f"{lb.sector(s)} @ {lb.district(d)}"
         for s, d in zip(ch["sector"], ch["district"], strict=True)],
        ("#1c7ed6", "#e03131"), pad=0.45, height=0.4, name_size=8)
    ax.set_xlabel(_t(lb, "用地变化 (公顷)", "Change in land (ha)"))
    return finish(
        fig, key,
        _t(lb, f"变化的单元格：{name}", f"Cells that moved: {name}"),
        _cap(lb, "按变化幅度排序：每个产业-区县组合增减的公顷数，及其带来的产出变化。",
             "Ranked by size: hectares each sector-district cell gained or lost, with the "
             "change in output it brings."))


def district_totals(results: list[Result], names: list[str], lb: Labels) -> Chart:
    mats = tables.aligned_matrices(results)
    districts = list(mats[0].columns)
    tots = np.array([m.sum(axis=0).to_numpy(dtype=float) for m in mats])
    keep = tots.max(axis=0) > tables.TOL
    districts = [d for d, k in zip(districts, keep, strict=True) if k]
    tots = tots[:, keep]
    n = len(results)
    fig = new_figure(12.0, (0.22 * n + 0.15) * len(districts) + 2.0)
    ax = fig.add_subplot()
    h = 0.8 / n
    y = np.arange(len(districts))[::-1].astype(float)
    cmap = mpl.colormaps["tab10"]
    for i in range(n):
        ax.barh(y - (i - (n - 1) / 2) * h, tots[i], height=h,
                color="#868e96" if i == 0 else cmap(i % 10), label=_wrap(names[i], 40))
    ax.set_yticks(y, [lb.district(d) for d in districts], fontsize=9)
    ax.set_xlabel(_t(lb, "新增工业用地 (公顷)", "New industrial land (ha)"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return finish(
        fig, "compare_districts",
        _t(lb, "各情景的区县用地 (公顷)", "Land by district in each scenario (ha)"),
        _cap(lb, "并列的柱子长短不同，即该区县的用地在情景间发生了转移（灰色为基准）。",
             "Where bars side by side differ in length, land moved between scenarios "
             "(grey: the base)."))


def change_map(base: Result, other: Result, name: str, lb: Labels, layout: TileLayout,
               key: str) -> Chart:
    mb, mo = tables.aligned_matrices([base, other])
    diff = (mo - mb).sum(axis=0).to_dict()
    n_cols = max(c for _, c in layout.tiles.values()) + 1
    n_rows = max(r for r, _ in layout.tiles.values()) + 1
    fig = new_figure(1.5 * n_cols + 2.0, 1.5 * n_rows + 0.8)
    ax = fig.add_subplot()
    draw_tiles(fig, ax, layout, diff, _ticks(lb).district, _t(lb, "变化 (公顷)", "change (ha)"),
               diverging=True)
    return finish(
        fig, key,
        _t(lb, f"区县用地变化示意图：{name}", f"Change by district, schematic map: {name}"),
        _cap(lb, "蓝色区县比基准多得用地，红色减少（示意图，非比例地图）。",
             "Blue districts gain land against the base, red ones lose it (schematic, not "
             "to scale)."))



def geo_change_map(base: Result, other: Result, name: str, lb: Labels, b, key: str) -> Chart:
    """The change of new land by district on the real map (diverging colours)."""
    from landalloc.present.report.charts import _map_source, _map_words
    from landalloc.present.report.maps_geo import draw_map

    mb, mo = tables.aligned_matrices([base, other])
    diff = (mo - mb).sum(axis=0).to_dict()
    zone_of = {d: v.zone for d, v in base.instance.districts.items()}
    fig = new_figure(10.0, 8.5)
    ax = fig.add_subplot()
    draw_map(fig, ax, b, diff, lambda d: lb.district(d, " "), _t(lb, "变化 (公顷)", "change (ha)"),
             zone_of, lambda z: lb.zone(z, " "), diverging=True,
             fmt=lambda v: f"{v:+,.0f}" if v else "0", words=_map_words(lb))
    return finish(
        fig, key,
        _t(lb, f"区县用地变化：{name}", f"Change by district: {name}"),
        _cap(lb, "蓝色区县比基准多得用地，红色减少。\n行政区界：" + _map_source(b) + "。",
             "Blue districts gain land against the base, red ones lose it.\nBoundaries: "
             + _map_source(b) + "."))
