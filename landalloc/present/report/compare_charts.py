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
    """The change of output of each scenario against the base (bars from 0 = the base),
    not bars of the whole output from zero."""
    unit = results[0].lp.objective_unit
    base = results[0]
    b = base.objective if base.optimal else None
    rows, texts, labels = [], [], []
    for r, n in zip(results[1:], names[1:], strict=True):
        labels.append(_wrap(n, 34))
        if b is None or not r.optimal or r.objective is None:
            rows.append(0.0)
            texts.append(_t(lb, "无最优解", r.status))
            continue
        rows.append(r.objective - b)
        texts.append(f"{r.objective - b:+,.1f}  ({r.objective:,.1f})")
    if not any(rows):
        rows = [*rows]  # all zero: still one bar per scenario with its text
    fig, ax = signed_bars(rows or [0.0], texts or ["—"], labels or ["—"],
                          ("#2f9e44", "#e8590c"), pad=0.45)
    ax.set_xlabel(_t(lb, f"较基准的产出变化 ({unit})", f"Change in projected output ({unit})"))
    base_txt = "—" if b is None else f"{b:,.1f} {unit}"
    return finish(
        fig, "compare_objective",
        _t(lb, f"各情景预计产出较基准的变化（基准 {names[0]}：{base_txt}）",
           f"Projected output against the base ({names[0]}: {base_txt})"),
        _cap(lb, f"条形为与基准之差 ({unit})，括号内为该情景的产出；无最优解的情景不画条形。",
             f"Bars: the difference from the base ({unit}); in brackets the scenario's "
             "output; a scenario without an optimum has no bar."))


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


def district_totals(results: list[Result], names: list[str], lb: Labels) -> Chart | None:
    """The change of land per district against the base, one bar per scenario; districts
    that never change are left out, and with no change at all there is no chart."""
    mats = tables.aligned_matrices(results)
    districts = list(mats[0].columns)
    tots = np.array([m.sum(axis=0).to_numpy(dtype=float) for m in mats])
    diff = tots[1:] - tots[0]
    keep = np.abs(diff).max(axis=0) > tables.TOL if len(diff) else np.zeros(0, bool)
    if not keep.any():
        return None
    districts = [d for d, k in zip(districts, keep, strict=True) if k]
    diff = diff[:, keep]
    n = len(diff)
    fig = new_figure(12.0, (0.22 * n + 0.15) * len(districts) + 2.0)
    ax = fig.add_subplot()
    h = 0.8 / n
    y = np.arange(len(districts))[::-1].astype(float)
    cmap = mpl.colormaps["tab10"]
    for i in range(n):
        ax.barh(y - (i - (n - 1) / 2) * h, diff[i], height=h, color=cmap(i % 10),
                label=_wrap(names[i + 1], 40))
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, [lb.district(d) for d in districts], fontsize=9)
    ax.set_xlabel(_t(lb, "较基准的用地变化 (公顷)", "Change in new industrial land (ha)"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return finish(
        fig, "compare_districts",
        _t(lb, f"各区县用地较基准的变化（基准 {names[0]}，公顷）",
           f"Change of land by district against the base ({names[0]}, ha)"),
        _cap(lb, "向右：该区县比基准多得用地；向左：减少。未变化的区县不列出。",
             "Right: the district gains land against the base; left: it loses land. "
             "Districts that do not change are left out."))


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
    fig = new_figure(10.0, 7.0)
    ax = fig.add_subplot()
    draw_map(fig, ax, b, diff, lambda d: lb.district(d, "\n"), _t(lb, "变化 (公顷)", "change (ha)"),
             zone_of, lambda z: lb.zone(z, " "), diverging=True,
             fmt=lambda v: f"{v:+,.0f}" if v else "0", words=_map_words(lb))
    return finish(
        fig, key,
        _t(lb, f"区县用地变化：{name}", f"Change by district: {name}"),
        _cap(lb, "蓝色区县比基准多得用地，红色减少。\n行政区界：" + _map_source(b) + "。",
             "Blue districts gain land against the base, red ones lose it.\nBoundaries: "
             + _map_source(b) + "."))
