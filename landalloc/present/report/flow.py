"""Sector -> zone -> district flow diagram (an alluvial/Sankey chart) drawn with matplotlib.

Band widths are hectares. Bands keep their sector's colour all the way to the district,
so one can follow a sector's land through the zones to the districts that take it.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MplPath

from landalloc.present.report.figure import fmt_ha

NODE_W = 0.035
X = (0.0, 1.0, 2.0)


def _band(ax: Axes, x0: float, top0: float, bot0: float, x1: float, top1: float, bot1: float,
          color, alpha: float = 0.55) -> None:
    """A ribbon from [bot0, top0] at x0 to [bot1, top1] at x1, with S-shaped edges."""
    xm = (x0 + x1) / 2
    verts = [(x0, top0), (xm, top0), (xm, top1), (x1, top1),
             (x1, bot1), (xm, bot1), (xm, bot0), (x0, bot0), (x0, top0)]
    codes = [MplPath.MOVETO, MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4,
             MplPath.LINETO, MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4, MplPath.CLOSEPOLY]
    ax.add_patch(PathPatch(MplPath(verts, codes), facecolor=color, edgecolor="none",
                           alpha=alpha, lw=0))


def _stack(sizes: list[float], gap: float, height: float) -> list[float]:
    """Top y of each node when stacked downwards from the top, centred in `height`."""
    used = sum(sizes) + gap * (len(sizes) - 1)
    y = height - (height - used) / 2
    tops = []
    for s in sizes:
        tops.append(y)
        y -= s + gap
    return tops


def draw_flow(ax: Axes, matrix: pd.DataFrame, zone_of: dict[str, str], zones: list[str],
              colors: dict[str, tuple], sector_label, zone_label, district_label) -> None:
    """Draw the three columns and the bands between them on `ax` (hectares, no axes)."""
    m = matrix.loc[matrix.sum(axis=1) > 0, matrix.sum(axis=0) > 0]
    total = float(m.to_numpy().sum())
    if total <= 0:
        ax.set_axis_off()
        return
    sectors = list(m.index)
    districts = sorted(m.columns, key=lambda d: (zones.index(zone_of[d]), list(m.columns).index(d)))
    used_zones = [z for z in zones if any(zone_of[d] == z for d in districts)]
    gap = 0.035 * total
    n_max = max(len(sectors), len(used_zones), len(districts))
    height = total + gap * (n_max - 1)

    s_size = [float(m.loc[s].sum()) for s in sectors]
    z_size = [float(sum(m[d].sum() for d in districts if zone_of[d] == z)) for z in used_zones]
    d_size = [float(m[d].sum()) for d in districts]
    s_top = dict(zip(sectors, _stack(s_size, gap, height), strict=True))
    z_gap = max(gap, (height - total) / max(1, len(used_zones)))  # room for zone labels
    z_top = dict(zip(used_zones, _stack(z_size, z_gap, height), strict=True))
    d_top = dict(zip(districts, _stack(d_size, gap, height), strict=True))

    # stage 1: sector -> zone, one band per (sector, zone)
    s_cursor = dict(s_top)
    z_in = dict(z_top)
    for s in sectors:
        for z in used_zones:
            v = float(sum(m.loc[s, d] for d in districts if zone_of[d] == z))
            if v <= 0:
                continue
            _band(ax, X[0] + NODE_W, s_cursor[s], s_cursor[s] - v,
                  X[1] - NODE_W / 2, z_in[z], z_in[z] - v, colors[s])
            s_cursor[s] -= v
            z_in[z] -= v
    # stage 2: zone -> district, one band per cell, ordered by district then sector
    z_out = dict(z_top)
    d_in = dict(d_top)
    for d in districts:
        z = zone_of[d]
        for s in sectors:
            v = float(m.loc[s, d])
            if v <= 0:
                continue
            _band(ax, X[1] + NODE_W / 2, z_out[z], z_out[z] - v,
                  X[2] - NODE_W, d_in[d], d_in[d] - v, colors[s])
            z_out[z] -= v
            d_in[d] -= v

    grey = "#555555"
    for s, size in zip(sectors, s_size, strict=True):
        ax.add_patch(Rectangle((X[0], s_top[s] - size), NODE_W, size, color=colors[s]))
        ax.text(X[0] - 0.02, s_top[s] - size / 2, f"{sector_label(s)}  {fmt_ha(size)}",
                ha="right", va="center", fontsize=9)
    for z, size in zip(used_zones, z_size, strict=True):
        ax.add_patch(Rectangle((X[1] - NODE_W / 2, z_top[z] - size), NODE_W, size, color=grey))
        ax.text(X[1], z_top[z] + 0.01 * total, f"{zone_label(z)}  {fmt_ha(size)}",
                ha="center", va="bottom", fontsize=9,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1.5})
    for d, size in zip(districts, d_size, strict=True):
        ax.add_patch(Rectangle((X[2] - NODE_W, d_top[d] - size), NODE_W, size, color=grey))
        ax.text(X[2] + 0.02, d_top[d] - size / 2, f"{district_label(d)}  {fmt_ha(size)}",
                ha="left", va="center", fontsize=9)
    ax.set_xlim(X[0] - 0.05, X[2] + 0.05)
    ax.set_ylim(-gap * 0.2, height + gap * 1.2)
    ax.set_axis_off()

