"""The schematic tile map: one tile per district, coloured by hectares (or their change)."""

from __future__ import annotations

import textwrap

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.colors import Normalize, TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from landalloc.present.report.figure import fmt_ha, text_color
from landalloc.present.report.tiles import TileLayout


def draw_tiles(fig: Figure, ax: Axes, layout: TileLayout, values: dict[str, float],
               name, unit: str, diverging: bool = False) -> None:
    """Tiles at (row, col), each with its name and value; a colour bar in `unit`."""
    vals = [values.get(d, 0.0) for d in layout.tiles]
    if diverging:
        lim = max(1.0, max(abs(v) for v in vals))
        norm: Normalize = TwoSlopeNorm(vcenter=0.0, vmin=-lim, vmax=lim)
        cmap = mpl.colormaps["RdBu"]
    else:
        norm = Normalize(vmin=0.0, vmax=max(1.0, max(vals)))
        cmap = mpl.colormaps["YlGn"]
    n_rows = max(r for r, _ in layout.tiles.values()) + 1
    n_cols = max(c for _, c in layout.tiles.values()) + 1
    for d, (r, c) in layout.tiles.items():
        v = values.get(d, 0.0)
        fill = cmap(norm(v))
        ax.add_patch(FancyBboxPatch((c + 0.04, n_rows - r - 1 + 0.04), 0.92, 0.92,
                                    boxstyle="round,pad=0,rounding_size=0.08",
                                    facecolor=fill, edgecolor="#888888", lw=0.8))
        sign = "+" if diverging and v > 0 else ""
        label = "\n".join(textwrap.fill(line, 17) for line in name(d).split("\n"))
        ax.text(c + 0.5, n_rows - r - 0.5 + 0.12, label, ha="center", va="center",
                fontsize=8, color=text_color(fill), linespacing=1.1)
        ax.text(c + 0.5, n_rows - r - 0.5 - 0.27, f"{sign}{fmt_ha(v)}", ha="center",
                va="center", fontsize=10, color=text_color(fill))
    ax.annotate("", xy=(n_cols + 0.25, n_rows - 0.3), xytext=(n_cols + 0.25, n_rows - 0.95),
                arrowprops={"arrowstyle": "-|>", "color": "black"})
    ax.text(n_cols + 0.25, n_rows - 0.22, "N", ha="center", va="bottom", fontsize=10)
    ax.set_xlim(0, n_cols + 0.5)
    ax.set_ylim(0, n_rows)
    ax.set_aspect("equal")
    ax.set_axis_off()
    sm = mpl.cm.ScalarMappable(norm=norm, cmap=cmap)
    fig.colorbar(sm, ax=ax, shrink=0.7, pad=0.01, label=unit)
